"""Descriptors: the words an outlet uses to name an entity ("Russian dictator Vladimir Putin").

Three kinds of naming are read from one parsed spaCy ``Doc``:

- ``title``: the noun phrase right before a name and attached to it, "Russian President"
  in "Russian President Vladimir Putin", "US Secretary of State" before "Anthony Blinken",
  "China's top diplomat" before "Wang Yi".
- ``appositive``: a noun phrase set off by commas after a name, "chairman of the Republican
  National Committee" in "Michael Steele, chairman of the Republican National Committee, said".
- ``epithet``: a definite noun phrase headed by a role noun that stands for a person named
  earlier in the same sentence, "the Communist Party leader" for Xi Jinping. Conservative: it
  fires only when one person is the clear antecedent (see :func:`from_doc`).

Descriptors are normalised for counting: whitespace collapsed, curly apostrophes made
straight, leading determiners and possessive pronouns dropped ("the", "a", "an", "his", ...),
and the case kept as written, except that a common word capitalised only because it opens the
sentence is lower-cased. So "Russian President" and "Russian dictator" stay apart and readable,
and "President" used as a title keeps its capital where the outlet wrote one.

:func:`from_doc` gives plain rows for the annotation cache; :func:`build` joins them to the
canonical mentions; :func:`naming_table` and :func:`descriptor_counts` summarise them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from kit.annotate.spans import entity_at
from kit.annotate.syntax import path_up

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

#: Keys of every row :func:`from_doc` returns, in order.
COLUMNS: tuple[str, ...] = (
    "start",
    "end",
    "mention",
    "label",
    "descriptor",
    "kind",
    "desc_start",
    "desc_end",
    "sent_start",
    "sent_end",
)

#: Entity labels whose namings are collected.
LABELS: frozenset[str] = frozenset({"PERSON", "ORG", "GPE", "NORP"})

#: Nouns that head an epithet standing for a person ("the Communist Party leader").
ROLE_NOUNS: frozenset[str] = frozenset(
    {
        "leader",
        "president",
        "premier",
        "minister",
        "chief",
        "dictator",
        "strongman",
        "autocrat",
        "despot",
        "tyrant",
        "ruler",
        "official",
        "diplomat",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "secretary",
        "chancellor",
        "senator",
        "governor",
        "mayor",
        "ambassador",
        "envoy",
        "general",
        "commander",
        "chairman",
        "chairwoman",
        "chair",
        "ceo",
        "king",
        "queen",
        "prince",
        "monarch",
        "head",
        "lawmaker",
        "congressman",
        "congresswoman",
        "representative",
        "prosecutor",
        "judge",
        "justice",
        "director",
        "candidate",
        "nominee",
        "incumbent",
        "billionaire",
        "mogul",
        "tycoon",
        "oligarch",
        "politician",
        "statesman",
        "negotiator",
        "counterpart",
        "speaker",
    }
)

#: Words spaCy sometimes folds into a PERSON name ("President Putin"); split off as a title.
TITLE_WORDS: frozenset[str] = frozenset(
    {
        "president",
        "prime",
        "minister",
        "secretary",
        "senator",
        "sen.",
        "governor",
        "gov.",
        "mayor",
        "general",
        "gen.",
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "rep.",
        "pope",
        "king",
        "queen",
        "prince",
        "chancellor",
        "premier",
        "chairman",
        "ambassador",
        "judge",
    }
)

_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "its", "their", "our", "my", "your"})
_TITLE_DEPS = frozenset({"compound", "amod", "nmod", "poss", "case", "prep", "pobj", "det"})
_CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "appos", "cc", "conj", "punct", "ccomp"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_SPACE = re.compile(r"\s+")


def normalise(text: str, *, sentence_initial: bool = False) -> str:
    """Return a descriptor as counted: collapsed, straight apostrophes, no leading determiner.

    >>> normalise("the  Communist Party\\nleader")
    'Communist Party leader'
    >>> normalise("Top diplomat", sentence_initial=True)
    'top diplomat'
    """
    words = _SPACE.sub(" ", text.replace("’", "'")).strip().split(" ")
    dropped = False
    while len(words) > 1 and words[0].lower() in _DETERMINERS:
        words = words[1:]
        dropped = True
    first = words[0]
    if sentence_initial and not dropped and first[:1].isupper() and first[1:].islower():
        words[0] = first.lower()
    return " ".join(words)


def _in_entity(token: Token, labels: Iterable[str] | None = None) -> bool:
    return token.ent_iob_ != "O" and (labels is None or token.ent_type_ in labels)


def _named(ent: Span) -> Span:
    """Return the entity without leading title words spaCy sometimes folds in."""
    start = ent.start
    if ent.label_ != "PERSON":
        return ent
    while start < ent.end - 1 and ent.doc[start].lower_ in TITLE_WORDS:
        start += 1
    return ent.doc[start : ent.end]


def _clip_left(tokens: Sequence[Token]) -> list[Token]:
    """Keep the contiguous run that ends at the last token, cut at line breaks and commas."""
    kept: list[Token] = []
    for token in reversed(tokens):
        if token.is_space or "\n" in token.whitespace_ or token.text in {",", ";", ":", "—"}:
            break
        kept.append(token)
    return list(reversed(kept))


def _title(ent: Span) -> tuple[list[Token], str] | None:
    """Return the tokens of the title before ``ent`` and its kind, or None."""
    doc, sent = ent.doc, ent.sent
    before = ent.start - 1
    if before < sent.start or ent.root.dep_ in {"compound", "amod", "nmod"}:
        return None  # no name before the sentence, or the name only modifies a noun
    token = doc[before]
    kind = "title"
    if token.text == "," and ent.root.dep_ == "appos" and ent.root.head.i < before:
        # "the country's top diplomat, Wang Yi, said": the name is in apposition to a noun.
        kind = "appositive"
        before -= 1
        token = doc[before]
    if token.is_space or "\n" in token.whitespace_:
        return None
    # climb from the neighbour to the highest modifier still left of the name
    head = token
    while head.head.i < ent.start and head.head.i != head.i and head.dep_ in _TITLE_DEPS:
        head = head.head
    attached = head.head.i in range(ent.start, ent.end) and head.dep_ in _TITLE_DEPS | {"appos"}
    # "China's top diplomat Wang Yi": the name in apposition to the noun before it, or the
    # parser making noun and name two subjects of one verb
    adjacent = head.i == before
    reversed_appos = adjacent and ent.root.dep_ == "appos" and ent.root.head.i == head.i
    siblings = adjacent and head.head.i == ent.root.head.i and head.dep_ == ent.root.dep_
    if not (attached or reversed_appos or siblings):
        return None
    if head.pos_ not in {"NOUN", "PROPN"} or _in_entity(head, {"PERSON", "DATE", "TIME"}):
        return None
    if kind == "title" and head.dep_ == "appos" and not reversed_appos:
        return None
    tokens = [t for t in head.subtree if t.i <= before and t.i >= sent.start]
    tokens = [t for t in tokens if not any(a.dep_ in _CLAUSE_DEPS for a in path_up(t, head))]
    tokens = _clip_left(tokens)
    if not tokens or tokens[-1].i != before:
        return None
    if all(t.pos_ in {"DET", "PRON", "PART", "PUNCT"} for t in tokens):
        return None
    return tokens, kind


def _appositive(ent: Span) -> list[Token] | None:
    """Return the tokens of an appositive after ``ent`` ("X, chairman of Y,"), or None."""
    doc, sent = ent.doc, ent.sent
    if ent.end >= sent.end or doc[ent.end].text != ",":
        return None
    if any(child.dep_ == "conj" for child in ent.root.children):
        return None  # "Lavrov and other officials, TASS ...": whose appositive is unclear
    for child in ent.root.rights:
        if child.dep_ != "appos" or child.pos_ != "NOUN" or child.i <= ent.end:
            continue
        tokens = [
            t
            for t in child.subtree
            if not any(a.dep_ in _CLAUSE_DEPS - {"appos"} for a in path_up(t, child))
        ]
        tokens = [t for t in tokens if t.dep_ != "punct" or t.i not in {tokens[0].i, tokens[-1].i}]
        if not tokens or tokens[0].i != ent.end + 1:
            return None
        if any(_in_entity(t, {"PERSON"}) for t in tokens):
            return None  # a second person named, not a description of the first
        closing = tokens[-1].i + 1
        if closing < sent.end and not doc[closing].is_punct:
            return None
        if any(t.is_space or "\n" in t.whitespace_ for t in tokens[:-1]):
            return None
        return tokens
    return None


def _epithets(sent: Span) -> list[tuple[Span, Token]]:
    """Return (antecedent name, epithet head) pairs found in one sentence."""
    persons = [ent for ent in sent.ents if ent.label_ == "PERSON"]
    found: list[tuple[Span, Token]] = []
    for token in sent:
        if token.lower_ not in ROLE_NOUNS or token.tag_ not in {"NN", "NNP"}:
            continue
        if _in_entity(token, {"PERSON"}) or token.dep_ in {"compound", "appos", "nmod"}:
            continue
        if token.head.i != token.i and _in_entity(token.head, {"PERSON"}):
            continue  # a title of a name, found by _title
        if not any(c.dep_ == "det" and c.lower_ == "the" for c in token.children):
            continue
        # a parse can run a headline or caption into the sentence: stop at the line break
        breaks = [t.i for t in sent if t.i < token.i and "\n" in t.text + t.whitespace_]
        line_start = breaks[-1] + 1 if breaks else sent.start
        before = [ent for ent in persons if line_start <= ent.start and ent.end <= token.i]
        if len(before) == 1:
            found.append((before[0], token))
            continue
        if len(before) < 2 or token.dep_ not in _SUBJECT_DEPS:
            continue
        # Several people named: the epithet (itself a subject) goes to the uncoordinated subject
        # of the main verb, and only when every other person sits in a prepositional phrase
        # ("a summit with Putin"); a direct object ("Biden met Macron") is a rival antecedent.
        # (When the parse makes no person a subject, as happens when a headline runs into the
        # sentence, the persons named before the main verb stand in for the subject.)
        subjects = [
            ent
            for ent in before
            if ent.root.dep_ in _SUBJECT_DEPS and ent.root.head.i == sent.root.i
        ] or [ent for ent in before if ent.end <= sent.root.i]
        others = [ent for ent in before if ent not in subjects]
        if (
            len(subjects) == 1
            and not any(c.dep_ == "conj" for c in subjects[0].root.children)
            and all(ent.root.dep_ == "pobj" for ent in others)
        ):
            found.append((subjects[0], token))
    return found


def _row(name: Span, tokens: Sequence[Token], kind: str) -> dict[str, Any]:
    first = tokens[0]
    # "Top diplomat" opening a sentence is lower-cased; "Chinese", "China's" are names
    sentence_initial = first.is_sent_start and first.pos_ != "PROPN" and first.ent_iob_ == "O"
    desc_start, desc_end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    sent = name.sent
    return {
        "start": name.start_char,
        "end": name.end_char,
        "mention": name.text,
        "label": name.label_ or name.root.ent_type_,
        "descriptor": normalise(
            name.doc[tokens[0].i : tokens[-1].i + 1].text,
            sentence_initial=sentence_initial,
        ),
        "kind": kind,
        "desc_start": desc_start,
        "desc_end": desc_end,
        "sent_start": sent.start_char,
        "sent_end": sent.end_char,
    }


def from_doc(doc: Doc) -> list[dict[str, Any]]:
    """Return one row per naming of a PERSON/ORG/GPE/NORP mention in ``doc``.

    Rows have the keys in :data:`COLUMNS`: ``start, end`` and ``mention`` are the name
    described (character offsets into ``doc.text``), ``descriptor`` the normalised naming,
    ``kind`` one of ``title``, ``appositive``, ``epithet``, ``desc_start, desc_end`` where the
    naming itself is, ``sent_start, sent_end`` its sentence.

    An epithet ("the Communist Party leader") is linked to a person named before it in the
    same sentence only when that person is the one named there, or, with several named, the
    only uncoordinated subject of the sentence's main verb while the epithet is itself a
    subject. Otherwise no row: "the president" after two people is left alone.

    >>> from kit.annotate.nlp import load_model
    >>> rows = from_doc(load_model()("Russian dictator Vladimir Putin spoke."))
    >>> [(r["mention"], r["descriptor"], r["kind"]) for r in rows]
    [('Vladimir Putin', 'Russian dictator', 'title')]
    """
    rows: list[dict[str, Any]] = []
    for ent in doc.ents:
        if ent.label_ not in LABELS:
            continue
        name = _named(ent)
        if name.start > ent.start:
            # spaCy folded the title into the name: "President Putin"
            tokens = list(doc[ent.start : name.start])
            name = doc.char_span(name.start_char, ent.end_char, label=ent.label_) or name
            rows.append(_row(name, tokens, "title"))
        title = _title(ent)
        if title is not None:
            tokens, kind = title
            rows.append(_row(name, tokens, kind))
        appositive = _appositive(ent)
        if appositive is not None:
            rows.append(_row(name, appositive, "appositive"))
    for sent in doc.sents:
        for antecedent, head in _epithets(sent):
            tokens = [t for t in head.subtree if t.i <= head.i]
            tokens = [
                t for t in tokens if not any(a.dep_ in _CLAUSE_DEPS for a in path_up(t, head))
            ]
            tokens = _clip_left(tokens)
            rows.append(_row(antecedent, tokens, "epithet"))
    rows.sort(key=lambda row: (row["start"], row["desc_start"]))
    return rows


def build(rows: pd.DataFrame, mentions: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Return the ``descriptors`` frame: one row per naming of a canonical entity.

    ``rows`` are :func:`from_doc` rows with a ``doc_id`` column. Each row's name span is
    matched to the canonical ``entity`` of the longest overlapping mention
    (:func:`kit.annotate.spans.entity_at`); rows whose span overlaps no mention are dropped, since
    they name nothing the mentions frame counts. ``source`` and ``published`` come from
    ``articles``. Columns: ``doc_id, entity, descriptor, source, kind, start, end, published``.
    """
    columns = ["doc_id", "entity", "descriptor", "source", "kind", "start", "end", "published"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    named = rows.assign(entity=entity_at(rows, mentions)).dropna(subset=["entity"])
    meta = articles[["doc_id", "source", "published"]]
    named = named.merge(meta, on="doc_id", how="left")
    return named[columns].reset_index(drop=True)


def descriptor_counts(descriptors: pd.DataFrame) -> pd.DataFrame:
    """Return tidy counts: one row per (entity, source, descriptor) with ``n``, most used first.

    >>> descriptors = pd.DataFrame({"entity": ["Vladimir Putin"] * 3,
    ...     "source": ["Post", "Post", "Kyiv"],
    ...     "descriptor": ["Russian President"] * 2 + ["Russian dictator"]})
    >>> descriptor_counts(descriptors)[["source", "descriptor", "n"]].values.tolist()
    [['Post', 'Russian President', 2], ['Kyiv', 'Russian dictator', 1]]
    """
    keys = ["entity", "source", "descriptor"]
    counts = descriptors.groupby(keys, dropna=False).size().reset_index(name="n")
    counts = counts.sort_values(["n", *keys], ascending=[False, True, True, True])
    return counts.reset_index(drop=True)


def naming_table(
    descriptors: pd.DataFrame, *, entities: Iterable[str] | None = None, top: int = 5
) -> pd.DataFrame:
    """Return a side-by-side table: a row per entity, a column per outlet, top descriptors in cells.

    Cells read ``"Russian President (3); China's top diplomat (1)"``, most used first,
    at most ``top`` per cell, empty where the outlet names the entity no way at all. Rows are
    the given ``entities`` in that order, else every entity, most described first.

    >>> descriptors = pd.DataFrame({"entity": ["Vladimir Putin"] * 2,
    ...     "source": ["Post", "Kyiv"], "descriptor": ["Russian President", "Russian dictator"]})
    >>> naming_table(descriptors).loc["Vladimir Putin"].tolist()
    ['Russian dictator (1)', 'Russian President (1)']
    """
    counts = descriptor_counts(descriptors)
    if entities is not None:
        wanted = list(entities)
        counts = counts[counts["entity"].isin(wanted)]
    else:
        totals = counts.groupby("entity")["n"].sum().sort_values(ascending=False, kind="stable")
        wanted = totals.index.tolist()
    counts = counts.groupby(["entity", "source"], sort=False).head(top)
    cells = (
        counts.assign(cell=counts["descriptor"] + " (" + counts["n"].astype(str) + ")")
        .groupby(["entity", "source"])["cell"]
        .agg("; ".join)
        .unstack("source")
    )
    table = cells.reindex(index=wanted).fillna("")
    table.columns.name = "source"
    return table
