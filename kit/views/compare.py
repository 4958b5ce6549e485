"""Compare a story side by side: the same event as each outlet told it, and who covered what.

- ``side_by_side`` shows the chosen articles (or one story's) in columns: every entity mention
  marked in one colour per entity across the columns, descriptors underlined, quotes shaded and
  citations dotted, each with a tooltip. All user text is escaped.
- ``differences`` lists what sets the outlets apart: who is named by some and not others, how
  each outlet names them, whom each quotes and whom each cites (``differences_html`` shows it).
- ``coverage_matrix`` counts articles per outlet and story (which outlet was first, which
  stories an outlet missed: ``blind_spots``); ``find_stories`` groups articles into stories
  when the corpus has none. Those live in ``kit.corpus.stories`` and are offered here too.

Example:
    >>> import kit
    >>> corpus = kit.load(progress=False)
    >>> page = side_by_side(corpus)  # an Html string that Jupyter shows as the two columns
    >>> differences(corpus)["aspect"].unique().tolist()
    ['named', 'naming', 'voices', 'sources']
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kit.corpus.stories import (  # noqa: F401  (stories and coverage, offered here too)
    ACTOR_LABELS,
    article_stories,
    blind_spots,
    coverage_matrix,
    coverage_table,
    find_stories,
    first_reports,
    story_ids,
)
from kit.errors import ArgumentError
from kit.views import templates
from kit.views.charts import PALETTE, outlet_colors
from kit.views.html import Html, block, escape, is_missing, note, table

if TYPE_CHECKING:
    from kit.corpus.memory import Corpus

ASPECTS = ("named", "naming", "voices", "sources")
# A descriptor row points at its entity's mention; the words themselves are searched for
# this many characters on either side ("Russian dictator Vladimir Putin").
DESCRIPTOR_WINDOW = 160
# Side by side is for reading a handful of articles; more columns are unreadable.
MAX_COLUMNS = 6

TEMPLATES = templates.COMPARE
# Outer to inner: a mention inside a quote is a <mark> inside the quote's <span>.
_LAYERS = ("quote", "citation", "descriptor", "mention")


# ---- choosing articles ------------------------------------------------------------------------
def chosen_articles(
    corpus: Corpus, doc_ids: Iterable[str] | None = None, *, story: Any = None
) -> pd.DataFrame:
    """Return the articles to compare: ``doc_ids`` (in that order), a story's, or all.

    Story articles come oldest first; a story may also be one found by ``find_stories``
    ("found story-001", as ``coverage_matrix`` names them). An unknown doc_id or story raises
    a ValueError that names what exists.
    """
    articles = corpus.articles
    if story is not None:
        if "story" not in articles or not (articles["story"] == story).any():
            # A story found by ``find_stories`` (as ``coverage_matrix`` labels them).
            articles = articles.assign(story=article_stories(corpus))
        if not (articles["story"] == story).any():
            known = sorted(articles["story"].dropna().astype(str).unique())[:10]
            raise ArgumentError(
                f"story {story!r} is not in the corpus (stories include: "
                f"{', '.join(known) or 'none'}); pass one of those, or doc_ids="
            )
        articles = articles[articles["story"] == story].sort_values(
            ["published", "source"], kind="stable"
        )
    if doc_ids is not None:
        wanted = [doc_ids] if isinstance(doc_ids, str) else list(doc_ids)
        unknown = [doc_id for doc_id in wanted if doc_id not in set(articles["doc_id"])]
        if unknown:
            raise ArgumentError(
                f"doc_id {unknown[0]!r} is not among the articles to compare "
                "(see corpus.articles['doc_id']); pass doc_ids from there"
            )
        articles = articles.set_index("doc_id").loc[wanted].reset_index()
    return articles.reset_index(drop=True)


def _rows_of(frame: pd.DataFrame, doc_ids: Iterable[str]) -> pd.DataFrame:
    """Return the rows of ``frame`` for these articles (an empty frame if it has no doc_id)."""
    if frame is None or "doc_id" not in frame:
        return pd.DataFrame(columns=["doc_id", "source"])
    return frame[frame["doc_id"].isin(list(doc_ids))]


# ---- colours ---------------------------------------------------------------------------------
def entity_colors(mentions: pd.DataFrame) -> dict[str, str]:
    """Return {entity: colour} from the colour-blind-safe palette, most mentioned first.

    The same entity keeps its colour in every column; beyond the palette's colours it repeats
    (each mark also names its entity in a tooltip).
    """
    if mentions.empty:
        return {}
    counts = mentions.groupby("entity").size().reset_index(name="n")
    counts = counts.sort_values(["n", "entity"], ascending=[False, True])
    return {
        entity: PALETTE[position % len(PALETTE)] for position, entity in enumerate(counts["entity"])
    }


def _translucent(color: str) -> str:
    """Return a 6-digit hex colour with an alpha channel, light enough to read text on."""
    return f"{color}40" if re.fullmatch(r"#[0-9a-fA-F]{6}", color) else color


# ---- spans ----------------------------------------------------------------------------------
def _straight(text: str) -> str:
    """Return ``text`` with curly apostrophes and quotes straightened (same length)."""
    return text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'}))


def descriptor_span(text: str, descriptor: str, start: int, end: int) -> tuple[int, int]:
    """Return the offsets of ``descriptor``'s words near the mention ``start:end``.

    The nearest occurrence before the mention wins, then the nearest after it (an epithet,
    "the Communist Party leader"); if the words are not found, the mention itself.
    """
    words = [re.escape(word) for word in _straight(descriptor).split()]
    if not words:
        return start, end
    pattern = re.compile(r"\s+".join(words), re.IGNORECASE)
    plain = _straight(text)
    lo = max(0, start - DESCRIPTOR_WINDOW)
    before = list(pattern.finditer(plain, lo, start))
    if before:
        return before[-1].start(), before[-1].end()
    after = pattern.search(plain, end, min(len(plain), end + DESCRIPTOR_WINDOW))
    if after:
        return after.start(), after.end()
    return start, end


def article_spans(
    text: str,
    mentions: pd.DataFrame,
    descriptors: pd.DataFrame,
    quotes: pd.DataFrame,
    citations: pd.DataFrame,
) -> pd.DataFrame:
    """Return every span to mark in one article: columns layer, start, end, entity, title.

    Offsets are characters of ``text``, clipped to it; empty spans are dropped.
    """
    rows: list[dict[str, Any]] = []
    for mention in mentions.itertuples():
        rows.append(
            {
                "layer": "mention",
                "start": mention.start,
                "end": mention.end,
                "entity": mention.entity,
                "title": f"{mention.entity} ({mention.label})",
            }
        )
    for descriptor in descriptors.itertuples():
        start, end = descriptor_span(
            text, str(descriptor.descriptor), int(descriptor.start), int(descriptor.end)
        )
        rows.append(
            {
                "layer": "descriptor",
                "start": start,
                "end": end,
                "entity": descriptor.entity,
                "title": f"{descriptor.entity} called “{descriptor.descriptor}” "
                f"({descriptor.kind})",
            }
        )
    for quote in quotes.itertuples():
        speaker = "an unnamed speaker" if is_missing(quote.speaker) else quote.speaker
        rows.append(
            {
                "layer": "quote",
                "start": quote.start,
                "end": quote.end,
                "entity": None if is_missing(quote.speaker) else quote.speaker,
                "title": f"{quote.kind} quote from {speaker}",
            }
        )
    for citation in citations.itertuples():
        rows.append(
            {
                "layer": "citation",
                "start": citation.start,
                "end": citation.end,
                "entity": citation.cited,
                "title": f"cites {citation.cited} ({citation.cue})",
            }
        )
    spans = pd.DataFrame(rows, columns=["layer", "start", "end", "entity", "title"])
    if spans.empty:
        return spans
    spans = spans.dropna(subset=["start", "end"])
    spans["start"] = spans["start"].astype(int).clip(0, len(text))
    spans["end"] = spans["end"].astype(int).clip(0, len(text))
    spans = spans[spans["end"] > spans["start"]]
    return spans.drop_duplicates(["layer", "start", "end"]).reset_index(drop=True)


def _segment_html(text: str, active: Mapping[str, dict], colors: Mapping[str, str]) -> str:
    """Return one run of text wrapped in the marks of the spans covering it, outer to inner."""
    html = escape(text)
    for layer in reversed(_LAYERS):
        span = active.get(layer)
        if span is None:
            continue
        fields = {"text": html, "title": escape(span["title"]), "entity": escape(span["entity"])}
        if layer == "mention":
            color = colors.get(span["entity"], PALETTE[0])
            fields.update(color=escape(color), background=escape(_translucent(color)))
        html = TEMPLATES[layer].format(**fields)
    return html


def marked_text(text: str, spans: pd.DataFrame, colors: Mapping[str, str]) -> Html:
    """Return ``text`` as HTML with every span marked; overlapping spans nest cleanly.

    The text is cut at every span boundary; each piece is escaped and wrapped in the marks
    that cover it (quote, then citation, then descriptor, then mention), so tags never cross.
    Where two spans of one layer overlap, the shorter (innermost) one marks the piece.
    """
    if spans.empty:
        return Html(escape(text))
    records = spans.to_dict("records")
    boundaries = sorted({0, len(text), *spans["start"], *spans["end"]})
    starting: dict[int, list[dict]] = defaultdict(list)
    for record in records:
        starting[record["start"]].append(record)
    open_spans: list[dict] = []
    pieces = []
    for left, right in zip(boundaries, boundaries[1:], strict=False):
        open_spans = [span for span in open_spans if span["end"] > left] + starting[left]
        active: dict[str, dict] = {}
        for span in sorted(open_spans, key=lambda span: span["end"] - span["start"]):
            active.setdefault(span["layer"], span)
        pieces.append(_segment_html(text[left:right], active, colors))
    return Html("".join(pieces))


# ---- side by side ---------------------------------------------------------------------------
def _published_text(published: Any) -> str:
    if is_missing(published):
        return "undated"
    stamp = pd.Timestamp(published)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC")
    return f"{stamp:%d %B %Y}" if stamp == stamp.normalize() else f"{stamp:%d %B %Y, %H:%M} UTC"


def legend_html(colors: Mapping[str, str], *, limit: int = 24) -> Html:
    """Return the key to the marks: the entities' colours, then descriptor, quote, citation."""
    items = [
        TEMPLATES["legend_entity"].format(
            entity=escape(entity), color=escape(color), background=escape(_translucent(color))
        )
        for entity, color in list(colors.items())[:limit]
    ]
    keys = (
        ("descriptor", "how an outlet names someone", "Words"),
        ("quote", "a quote", "Words"),
        ("citation", "a cited source", "Words"),
    )
    for layer, text, sample in keys:
        sample_html = TEMPLATES[layer].format(text=sample, title=escape(text), entity="")
        items.append(TEMPLATES["legend_key"].format(sample=sample_html, text=escape(text)))
    return Html(TEMPLATES["legend"].format(items="".join(items)))


def side_by_side(
    corpus: Corpus,
    doc_ids: Iterable[str] | None = None,
    *,
    story: Any = None,
    max_columns: int = MAX_COLUMNS,
) -> Html:
    """Return the articles as HTML columns, one per article, entities, naming and quotes marked.

    Args:
        corpus: the Corpus.
        doc_ids: the articles to show, in order (default: a story's, or all of them).
        story: show the articles of this story (a value of ``articles["story"]``).
        max_columns: refuse more articles than this (pass doc_ids= or story= to choose).

    Each column has the outlet (in its colour from ``kit.charts.outlet_colors``), the title and
    the date; in the text every entity mention has one colour per entity across the columns,
    descriptors are underlined, quotes shaded and citations dotted, each with a tooltip.
    """
    articles = chosen_articles(corpus, doc_ids, story=story)
    if len(articles) > max_columns:
        raise ArgumentError(
            f"side_by_side: {len(articles)} articles chosen, at most {max_columns} fit side by "
            "side; pass doc_ids=[...] or story=... (see coverage_matrix for the stories)"
        )
    chosen = articles["doc_id"]
    mentions = _rows_of(corpus.mentions, chosen)
    descriptors = _rows_of(corpus.descriptors, chosen)
    quotes = _rows_of(corpus.quotes, chosen)
    citations = _rows_of(corpus.citations, chosen)
    colors = entity_colors(mentions)
    headers = outlet_colors(corpus)
    columns = []
    for article in articles.to_dict("records"):
        doc_id = article["doc_id"]
        text = "" if is_missing(article["text"]) else str(article["text"])
        spans = article_spans(
            text,
            *(
                frame[frame["doc_id"] == doc_id]
                for frame in (mentions, descriptors, quotes, citations)
            ),
        )
        header = TEMPLATES["header"].format(
            color=escape(headers.get(str(article["source"]), "#777777")),
            source=escape(article["source"]),
            title=escape(article.get("title")),
            published=escape(_published_text(article.get("published"))),
        )
        columns.append(
            TEMPLATES["column"].format(
                doc_id=escape(doc_id),
                source=escape(article["source"]),
                header=header,
                body=marked_text(text, spans, colors),
            )
        )
    if not columns:
        return note("No articles to compare.")
    grid = TEMPLATES["grid"].format(n=len(columns), columns="".join(columns))
    return block(legend_html(colors), grid)


# ---- differences ----------------------------------------------------------------------------
def _spread(counts: pd.DataFrame, aspect: str, item: str, value: str) -> pd.DataFrame:
    """Return one row per item with a text cell per outlet (from long rows source, item, value)."""
    wide = counts.pivot_table(index=item, columns="source", values=value, aggfunc="first")
    wide = wide.reset_index().rename(columns={item: "item"})
    wide.columns.name = None
    wide.insert(0, "aspect", aspect)
    return wide


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def differences(
    corpus: Corpus,
    doc_ids: Iterable[str] | None = None,
    *,
    story: Any = None,
    include_shared: bool = False,
) -> pd.DataFrame:
    """Return what sets the outlets apart, one row per aspect and item, one column per outlet.

    Columns: ``aspect, item, <outlet>, ...`` (outlets sorted by name); a cell is text, empty
    where the outlet has nothing. Aspects:

    - ``named``: people, organisations, places and groups (PERSON, ORG, GPE, NORP) and how
      often each outlet mentions them; rows where some outlet does not name them at all.
    - ``naming``: the descriptors each outlet uses for an entity ("Russian dictator");
      rows where the outlets' descriptors differ.
    - ``voices``: quotes and quoted words per speaker; rows where some outlet does not quote them.
    - ``sources``: citations per cited source; rows where some outlet does not cite it.

    ``include_shared=True`` keeps the rows the outlets have in common too.
    """
    articles = chosen_articles(corpus, doc_ids, story=story)
    chosen = articles["doc_id"]
    outlets = sorted(articles["source"].dropna().astype(str).unique())
    parts = []

    mentions = _rows_of(corpus.mentions, chosen)
    actors = mentions[mentions["label"].isin(ACTOR_LABELS)] if len(mentions) else mentions
    if len(actors):
        named = actors.groupby(["source", "entity"]).size().reset_index(name="n")
        named["value"] = [_plural(n, "mention") for n in named["n"]]
        parts.append(_spread(named, "named", "entity", "value"))

    descriptors = _rows_of(corpus.descriptors, chosen)
    if len(descriptors):
        naming = (
            descriptors.groupby(["source", "entity"])["descriptor"]
            .agg(lambda words: "; ".join(dict.fromkeys(map(str, words))))
            .reset_index(name="value")
        )
        parts.append(_spread(naming, "naming", "entity", "value"))

    quotes = _rows_of(corpus.quotes, chosen)
    if len(quotes):
        from kit.annotate.quotes import voices

        spoken = voices(quotes)
        spoken["value"] = [
            f"{_plural(n, 'quote')}, {_plural(words, 'word')}"
            for n, words in zip(spoken["n_quotes"], spoken["n_words"], strict=True)
        ]
        parts.append(_spread(spoken, "voices", "speaker", "value"))

    citations = _rows_of(corpus.citations, chosen)
    if len(citations):
        cited = citations.groupby(["source", "cited"]).size().reset_index(name="n")
        cited["value"] = [_plural(n, "citation") for n in cited["n"]]
        parts.append(_spread(cited, "sources", "cited", "value"))

    columns = ["aspect", "item", *outlets]
    if not parts:
        return pd.DataFrame(columns=columns)
    table_rows = pd.concat(parts, ignore_index=True).reindex(columns=columns)
    cells = table_rows[outlets].fillna("").astype(str)
    table_rows[outlets] = cells
    if not include_shared:
        present = (cells != "").sum(axis=1)
        all_alike = cells.nunique(axis=1) == 1
        is_naming = table_rows["aspect"] == "naming"
        # Naming differs when the words differ; the other aspects when someone is missing.
        keep = np.where(is_naming, ~all_alike, present < len(outlets))
        table_rows = table_rows[keep]
    order = {aspect: position for position, aspect in enumerate(ASPECTS)}
    table_rows = table_rows.assign(
        _aspect=table_rows["aspect"].map(order), _item=table_rows["item"].astype(str)
    ).sort_values(["_aspect", "_item"], kind="stable")
    return table_rows[columns].reset_index(drop=True)


def differences_html(
    corpus: Corpus,
    doc_ids: Iterable[str] | None = None,
    *,
    story: Any = None,
    include_shared: bool = False,
) -> Html:
    """Return ``differences`` as an HTML table (every cell escaped), with a caption."""
    rows = differences(corpus, doc_ids, story=story, include_shared=include_shared)
    if rows.empty:
        return note("The outlets name, quote and cite the same people and sources.")
    return table(rows, caption="What sets the outlets apart (empty: the outlet has none)")
