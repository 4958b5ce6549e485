"""Citations: the outlets, agencies and institutions an article leans on.

Read from one parsed spaCy ``Doc``, each with its cue:

- ``reported``: "the Wall Street Journal reported", "TASS reported"; ``reported by``: "as
  reported by Reuters";
- ``according to``: "according to the Wall Street Journal";
- ``citing``: "citing people familiar with the plan";
- ``as quoted by``: "as quoted by the Guardian";
- ``said``, ``told`` and other speech verbs, when the one speaking is an organisation or an
  institution ("China's Foreign Ministry said", "the WSJ sources said") or unnamed sources
  ("people familiar with the situation told"); ``told`` also for the outlet spoken to
  ("he told WSJ", "told the newspaper").

People are left to :mod:`kit.quotes` (a person speaking is a voice, not a source), and so are
countries as subjects ("Beijing claims"). Unnamed sources ("people familiar with the
matter", "the sources", "two senior officials") are labelled ``anonymous sources``. "The
newspaper", "the paper", "the agency" and the like stand for the outlet cited last in the
article: the row then carries that outlet's span and ``via="anaphor"``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from kit.annotate.spans import entity_at
from kit.annotate.syntax import entity_of, noun_phrase, subject_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

#: Keys of every row :func:`from_doc` returns, in order.
COLUMNS: tuple[str, ...] = (
    "start",
    "end",
    "cited_text",
    "cited_label",
    "anonymous",
    "cue",
    "via",
    "sent_start",
    "sent_end",
)

#: Label given to unnamed sources.
ANONYMOUS = "anonymous sources"

#: Head nouns of institutions and media that can be cited without being a named entity.
INSTITUTIONS: frozenset[str] = frozenset(
    {
        "ministry",
        "department",
        "office",
        "agency",
        "government",
        "kremlin",
        "commission",
        "committee",
        "council",
        "embassy",
        "military",
        "army",
        "police",
        "pentagon",
        "court",
        "parliament",
        "service",
        "bureau",
        "administration",
        "newspaper",
        "paper",
        "outlet",
        "magazine",
        "broadcaster",
        "network",
        "channel",
        "station",
        "website",
        "publication",
        "tabloid",
        "daily",
        "wire",
    }
)

#: Nouns that, after "the", stand for the outlet cited last ("told the newspaper").
MEDIA_ANAPHORS: frozenset[str] = frozenset(
    {
        "newspaper",
        "paper",
        "outlet",
        "agency",
        "magazine",
        "broadcaster",
        "network",
        "channel",
        "publication",
        "daily",
        "tabloid",
    }
)

_ANONYMOUS_HEADS = frozenset({"source", "people", "person", "insider", "official"})
_SPEECH = frozenset({"say", "tell", "announce", "confirm", "state", "add", "claim", "note"})
_CUES = {"say": "said", "tell": "told", "report": "reported"}
_CITABLE_LABELS = frozenset({"ORG"})


def normalise(text: str) -> str:
    """Return a cited name as counted: collapsed, straight apostrophes, no leading "the".

    >>> normalise("the  Wall Street\\nJournal")
    'Wall Street Journal'
    """
    words = " ".join(text.replace("’", "'").split()).split(" ")
    if len(words) > 1 and words[0].lower() in {"the", "a", "an"}:
        words = words[1:]
    return " ".join(words)


def _is_anonymous(phrase: Span, head: Token) -> bool:
    lowered = phrase.text.lower()
    return (
        head.lemma_.lower() in _ANONYMOUS_HEADS or "familiar with" in lowered or "anonym" in lowered
    )


def _cited(token: Token, *, speaking: bool) -> tuple[Span, bool, str] | None:
    """Return (span, anonymous, via) for the cited phrase ``token`` heads, or None.

    ``speaking`` narrows to what can speak as a source: a named organisation, an institution
    or unnamed sources; people and places are not citations.
    """
    phrase = noun_phrase(token)
    ent = entity_of(token)
    if ent is not None and ent.label_ in _CITABLE_LABELS:
        return ent, False, "name"
    inner = [e for e in phrase.ents if e.label_ in _CITABLE_LABELS]
    if inner and ent is None:
        return inner[-1], False, "name"  # "the WSJ sources said": WSJ is cited
    if ent is not None and ent.label_ in {"PERSON", "GPE", "NORP", "LOC"}:
        return None
    if _is_anonymous(phrase, token):
        return phrase, True, "name"
    if token.pos_ == "PRON":
        return None
    if token.lemma_.lower() in MEDIA_ANAPHORS and any(
        c.lower_ == "the" for c in token.children if c.dep_ == "det"
    ):
        return phrase, False, "anaphor"
    if token.lemma_.lower() in INSTITUTIONS:
        return phrase, False, "name"
    if not speaking and token.pos_ in {"NOUN", "PROPN"}:
        return phrase, False, "name"  # "according to multiple reports"
    return None


def _child(token: Token, deps: set[str], text: str | None = None) -> Token | None:
    for child in token.children:
        if child.dep_ in deps and (text is None or child.lower_ == text):
            return child
    return None


def _cues(doc: Doc) -> list[tuple[Token, str, bool]]:
    """Return (token naming the source, cue, speaking) triples in document order."""
    found: list[tuple[Token, str, bool]] = []
    for token in doc:
        lemma = token.lemma_.lower()
        if token.lower_ == "according":
            to = _child(token, {"prep"}, "to")
            target = _child(to, {"pobj"}) if to is not None else None
            if target is not None:
                found.append((target, "according to", False))
        elif lemma == "cite" and token.pos_ == "VERB":
            target = _child(token, {"dobj"})
            if target is not None:
                found.append((target, "citing", False))
        elif lemma in {"quote", "report"} and token.pos_ == "VERB":
            by = _child(token, {"agent", "prep"}, "by")
            target = _child(by, {"pobj"}) if by is not None else None
            if target is not None:
                cue = "as quoted by" if lemma == "quote" else "reported by"
                found.append((target, cue, False))
            elif lemma == "report" and (subject := subject_of(token)) is not None:
                found.append((subject, "reported", True))
        if lemma in _SPEECH and token.pos_ == "VERB":
            subject = subject_of(token)
            cue = _CUES.get(lemma, token.lower_)
            if subject is not None:
                found.append((subject, cue, True))
            if lemma == "tell":
                listener = _child(token, {"dobj", "dative"})
                if listener is not None:
                    found.append((listener, "told", True))
    return found


def from_doc(doc: Doc) -> list[dict[str, Any]]:
    """Return one row per outlet, agency, institution or unnamed source cited in ``doc``.

    Rows have the keys in :data:`COLUMNS`: ``start, end`` the span of the cited name (for
    "the newspaper", of the outlet it stands for), ``cited_text`` its words, ``cited_label``
    the name as counted (:func:`normalise`, or ``"anonymous sources"``), ``anonymous``,
    ``cue`` ("reported", "according to", "citing", "as quoted by", "reported by", "said",
    "told", ...), ``via`` (``name`` or ``anaphor``), ``sent_start, sent_end`` the sentence
    with the cue.
    """
    rows: list[dict[str, Any]] = []
    # the small model sometimes tags a surname as ORG ("Wang said"): a person, not a source
    surnames = {t.text for ent in doc.ents if ent.label_ == "PERSON" and len(ent) > 1 for t in ent}
    seen: set[tuple[int, int, str]] = set()
    last_named: Span | None = None
    for token, cue, speaking in _cues(doc):
        cited = _cited(token, speaking=speaking)
        if cited is None:
            continue
        span, anonymous, via = cited
        if len(span) == 1 and span.text in surnames:
            continue
        if via == "anaphor":
            if last_named is None:
                continue
            span = last_named
        elif not anonymous:
            last_named = span
        key = (span.start_char, span.end_char, cue)
        if key in seen and via != "anaphor":
            continue
        seen.add(key)
        sent = token.sent
        rows.append(
            {
                "start": span.start_char,
                "end": span.end_char,
                "cited_text": span.text,
                "cited_label": ANONYMOUS if anonymous else normalise(span.text),
                "anonymous": anonymous,
                "cue": cue,
                "via": via,
                "sent_start": sent.start_char,
                "sent_end": sent.end_char,
            }
        )
    return rows


def build(rows: pd.DataFrame, mentions: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Return the ``citations`` frame: one row per source cited, with the sentence citing it.

    ``cited`` is ``"anonymous sources"`` for unnamed sources, else the canonical entity of the
    mention covering the last character of the cited span (its head: "China's Foreign
    Ministry" is not "China"), else the normalised words. ``text`` is the citing sentence,
    cut from ``articles.text``. Columns: ``doc_id, cited, text, source, cue, published,
    cited_text, start, end``.
    """
    columns = ["doc_id", "cited", "text", "source", "cue", "published", "cited_text"]
    columns += ["start", "end"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    heads = rows.assign(_start=rows["end"] - 1)
    entity = entity_at(heads, mentions, start="_start", end="end")
    anonymous = rows["anonymous"].astype(bool)
    cited = entity.where(~anonymous, rows["cited_label"]).fillna(rows["cited_label"])
    citations = rows.assign(cited=cited.astype(object))
    meta = articles[["doc_id", "source", "published", "text"]].rename(columns={"text": "_body"})
    citations = citations.merge(meta, on="doc_id", how="left")
    citations["text"] = [
        " ".join(str(body)[start:end].split()) if isinstance(body, str) else ""
        for body, start, end in zip(
            citations["_body"], citations["sent_start"], citations["sent_end"], strict=True
        )
    ]
    return citations[columns].reset_index(drop=True)


def reliance(citations: pd.DataFrame) -> pd.DataFrame:
    """Return who relies on whom: one row per (source, cited) with counts, most cited first.

    Columns ``source, cited, n_citations, n_articles``.

    >>> citations = pd.DataFrame({"doc_id": [1, 1, 2], "source": ["Post", "Post", "Kyiv"],
    ...     "cited": ["Wall Street Journal"] * 3})
    >>> reliance(citations).values.tolist()
    [['Post', 'Wall Street Journal', 2, 1], ['Kyiv', 'Wall Street Journal', 1, 1]]
    """
    counts = (
        citations.groupby(["source", "cited"])
        .agg(n_citations=("doc_id", "size"), n_articles=("doc_id", "nunique"))
        .reset_index()
    )
    counts = counts.sort_values(["n_citations", "n_articles"], ascending=False, kind="stable")
    return counts.reset_index(drop=True)
