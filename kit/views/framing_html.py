"""The framing view's HTML: stance evidence, article counts, naming, voices, citations,
words and passages.

Each function takes a frame from ``kit.corpus.framing_data`` and returns escaped HTML.

>>> str(label_html("negative", -0.5))[:22]
'<span style="backgroun'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kit.views import html as kit_html
from kit.views import templates

# Light fills that keep dark text readable; red-blue is legible with red-green deficiencies.
LABEL_COLORS: dict[str, str] = {"negative": "#F4A582", "neutral": "#E0E0E0", "positive": "#92C5DE"}
TEMPLATES = templates.FRAMING


def label_html(label: Any, score: Any) -> str:
    """Return a stance label as a coloured tag with its score (escaped)."""
    text = "" if kit_html.is_missing(label) else str(label)
    if not kit_html.is_missing(score):
        text = f"{text} {float(score):+.2f}"
    color = LABEL_COLORS.get(str(label), "#FFFFFF")
    return TEMPLATES["label"].format(color=color, text=kit_html.escape(text))


def stance_evidence_html(evidence: pd.DataFrame) -> kit_html.Html:
    """Return the evidence as an escaped HTML table: outlet, date, label and score, sentence.

    The mention is marked inside its sentence; ``attrs["total"]`` (if set) gives the count line.
    """
    total = int(evidence.attrs.get("total", len(evidence)))
    if evidence.empty:
        return kit_html.block(kit_html.note("No scored sentences mention the selected entities."))
    entities = list(dict.fromkeys(evidence["entity"]))
    names = ", ".join(map(str, entities[:3])) + (", …" if len(entities) > 3 else "")
    line = f"Showing {len(evidence):,} of {total:,} scored mentions of {names}, by outlet and date."
    headers = ["Outlet", "Date", "Title"] + (["Entity"] if len(entities) > 1 else [])
    headers += ["Stance", "Sentence"]
    rows = []
    for record in evidence.to_dict("records"):
        published = record["published"]
        cells = [
            kit_html.escape(record["source"]),
            kit_html.escape("" if kit_html.is_missing(published) else f"{published:%Y-%m-%d}"),
            kit_html.escape(record["title"]),
        ]
        if len(entities) > 1:
            cells.append(kit_html.escape(record["entity"]))
        cells.append(label_html(record["label"], record["score"]))
        start, end = record["start"], record["end"]
        if kit_html.is_missing(start) or kit_html.is_missing(end):
            cells.append(kit_html.escape(record["sentence"]))
        else:
            cells.append(str(kit_html.highlight(record["sentence"], int(start), int(end))))
        rows.append(
            kit_html.TEMPLATES["row"].format(
                cells="".join(
                    kit_html.TEMPLATES["cell"].format(align="left", text=cell) for cell in cells
                )
            )
        )
    table = kit_html.TEMPLATES["table"].format(
        caption="",
        headers="".join(kit_html.TEMPLATES["header"].format(text=h) for h in headers),
        rows="".join(rows),
    )
    return kit_html.block(kit_html.note(line), table)


def article_stance_html(counts: pd.DataFrame) -> kit_html.Html:
    """Return ``framing_data.article_stance_counts`` as a table (*Articles*: what a row is on)."""
    return kit_html.table(
        counts,
        columns={
            "source": "Outlet",
            "entity": "Actor",
            "articles": "Articles",
            "negative": "Negative",
            "neutral": "Neutral",
            "positive": "Positive",
            "mentions": "Mentions",
        },  # fmt: skip
        caption="Articles by their overall stance toward each actor",
    )


def naming_html(frame: pd.DataFrame) -> kit_html.Html:
    """Return ``framing_data.naming_frame`` (how each outlet names each entity) as a table."""
    if frame.shape[1] == 1:
        return kit_html.block(kit_html.note("No outlet describes these entities with a title."))
    columns = {"entity": "Entity", **{c: c for c in frame.columns if c != "entity"}}
    return kit_html.table(
        frame, columns=columns, caption="How each outlet names them (times used in brackets)"
    )


def words_html(words: pd.DataFrame) -> kit_html.Html:
    """Return the distinctive words as an escaped table: outlet, word, uses there and elsewhere."""
    if words.empty:
        return kit_html.block(kit_html.note("Too few words to set the outlets apart here."))
    shown = words.assign(z=words["z"].map(lambda z: f"{z:.2f}"))
    return kit_html.table(
        shown,
        columns={
            "group": "Outlet",
            "term": "Word or phrase",
            "count": "Uses here",
            "count_rest": "Uses in other outlets",
            "z": "z",
        },  # fmt: skip
        caption="Words each outlet uses far more than the others (z above 2: clearly more)",
    )


def passages_html(passages: pd.DataFrame, term: str | None) -> kit_html.Html:
    """Return the passages behind a word as an escaped key-word-in-context table."""
    if not term:
        return kit_html.block(kit_html.note("Pick a word to see the passages behind it."))
    if passages.empty:
        return kit_html.block(kit_html.note(f"No passage contains {term!r} here."))
    return kit_html.table(
        passages,
        columns={"source": "Outlet", "left": "", "match": "Word", "right": ""},
        highlight="match",
        align={"left": "right"},
        caption=f"Every passage using {term!r}, by outlet",
    )


def voices_html(voices: pd.DataFrame) -> kit_html.Html:
    """Return ``framing_data.voices_in`` (who is quoted, per outlet) as an escaped table."""
    if not len(voices):
        return kit_html.note("No attributed quotes in these articles.")
    columns = {"source": "Outlet", "speaker": "Speaker", "n_quotes": "Quotes",
               "n_words": "Words quoted"}  # fmt: skip
    return kit_html.table(voices, columns=columns, caption="Who gets a voice in these articles")


def reliance_html(reliance: pd.DataFrame) -> kit_html.Html:
    """Return ``framing_data.reliance_in`` (the sources each outlet cites) as an escaped table."""
    if not len(reliance):
        return kit_html.note("No citations in these articles.")
    columns = {"source": "Outlet", "cited": "Cites", "n_citations": "Times",
               "n_articles": "Articles"}  # fmt: skip
    return kit_html.table(reliance, columns=columns, caption="On whose authority: sources cited")
