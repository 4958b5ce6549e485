"""Quotes: who speaks in an article, in quotation marks or in reported speech.

Read from one parsed spaCy ``Doc``:

- ``direct``: text inside “…” or "…" marks, over several sentences if need be. A curly quote
  left open at the end of a paragraph ends there (the next paragraph reopens it, as news style
  does). Single quotes are not read: ’ is also the apostrophe.
- ``reported``: the clause a speech verb governs, "Kuleba said [that he had met with Wang]",
  when that verb attributes no direct quote.
- ``fragment``: a quote of fewer than four words that no speech verb attributes, a scare quote
  or a borrowed term ("lethal support"); it keeps no speaker.

The speaker is the subject of a speech verb (:data:`SPEECH_VERBS`, or "according to X") in the
quote's sentences, outside the quote; a fully quoted sentence after an attributed one
continues its speaker. "He"/"she" resolve to a person named as subject earlier in the same
sentence, else to the last named person who spoke in the article, else to the last person
named in the sentence or the one before; other pronouns stay unresolved. "reported" is left to
:mod:`kit.annotate.citations`: an outlet reporting is a source, not a voice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
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
    "text",
    "speaker_start",
    "speaker_end",
    "speaker_text",
    "speaker_named",
    "speaker_via",
    "verb",
    "kind",
    "sent_start",
    "sent_end",
)

#: Lemmas of the verbs that attribute speech.
SPEECH_VERBS: frozenset[str] = frozenset(
    {
        "say",
        "tell",
        "warn",
        "add",
        "admit",
        "announce",
        "state",
        "argue",
        "claim",
        "insist",
        "note",
        "write",
        "ask",
        "explain",
        "declare",
        "stress",
        "emphasize",
        "emphasise",
        "acknowledge",
        "reply",
        "respond",
        "comment",
        "confirm",
        "deny",
        "predict",
        "recall",
        "complain",
        "vow",
        "pledge",
        "tweet",
        "conclude",
        "observe",
        "remark",
        "suggest",
        "urge",
        "contend",
        "assert",
        "concede",
        "caution",
        "threaten",
    }
)

#: Direct quotes shorter than this, with no speech verb, are fragments (scare quotes).
FRAGMENT_WORDS = 4

_QUOTE = re.compile(
    r"“(?P<curly>[^“”]*?)(?:”|(?=\n[ \t]*\n)|(?=“)|\Z)|\"(?P<straight>[^\"\n]*)\"",
)
_RESOLVED = frozenset({"he", "she"})
_NAMED_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})


@dataclass
class _Speaker:
    span: Span | None
    text: str
    named: bool
    via: str


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) of the text inside each pair of quote marks, trailing commas cut.

    >>> text = '“Publicly, they agree,” he said. Experts doubt "lethal support".'
    >>> [text[s:e] for s, e in quote_spans(text)]
    ['Publicly, they agree', 'lethal support']
    """
    spans = []
    for match in _QUOTE.finditer(text):
        group = "curly" if match.group("curly") is not None else "straight"
        start, end = match.span(group)
        while start < end and text[start].isspace():
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def _subject(verb: Token) -> Token | None:
    """Return the token saying: nsubj of the verb, of the verb it is coordinated with, or X in
    "according to X"."""
    if verb.lower_ == "according":
        for to in verb.children:
            if to.lower_ == "to":
                objects = [c for c in to.children if c.dep_ == "pobj"]
                return objects[0] if objects else None
        return None
    return subject_of(verb)


def _speech_verbs(doc: Doc) -> list[Token]:
    verbs = []
    for token in doc:
        speech = token.lemma_ in SPEECH_VERBS and token.pos_ in {"VERB", "AUX"}
        according = token.lower_ == "according" and any(c.lower_ == "to" for c in token.children)
        if speech or according:
            verbs.append(token)
    return verbs


def _verb_text(verb: Token) -> str:
    return "according to" if verb.lower_ == "according" else verb.lower_


class _Resolver:
    """Names the speaker of each speech verb, resolving "he"/"she" as the article goes."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.last_speaker: Span | None = None
        self.speakers: dict[int, _Speaker | None] = {}
        for verb in _speech_verbs(doc):
            self.speakers[verb.i] = self._speaker(verb)

    def _speaker(self, verb: Token) -> _Speaker | None:
        subject = _subject(verb)
        if subject is None:
            return None
        if verb.lower_ == "according":
            ent = entity_of(subject)
            named = ent is not None and ent.label_ in _NAMED_LABELS
            if not named and subject.pos_ != "PROPN":
                return None  # "according to multiple reports" names no speaker
        if subject.lower_ in _RESOLVED:
            antecedent = self._antecedent(subject)
            if antecedent is None:
                return _Speaker(subject.doc[subject.i : subject.i + 1], subject.text, False, "")
            self.last_speaker = antecedent
            return _Speaker(antecedent, antecedent.text, True, "pronoun")
        if subject.pos_ == "PRON":
            return _Speaker(subject.doc[subject.i : subject.i + 1], subject.text, False, "")
        ent = entity_of(subject)
        span = ent if ent is not None else noun_phrase(subject)
        named = ent is not None or subject.pos_ == "PROPN"
        if ent is not None and ent.label_ == "PERSON":
            self.last_speaker = ent
        return _Speaker(span, span.text, named, "subject")

    def _antecedent(self, pronoun: Token) -> Span | None:
        sent = pronoun.sent
        # a person who is subject of a clause the pronoun sits in: "Wang Yi revealed ... at the
        # conference, where he announced"
        same_sentence = [
            ent
            for ent in sent.ents
            if ent.label_ == "PERSON"
            and ent.end <= pronoun.i
            and ent.root.dep_ in {"nsubj", "nsubjpass"}
            and ent.root.head.is_ancestor(pronoun)
        ]
        if same_sentence:
            return same_sentence[-1]
        if self.last_speaker is not None:
            return self.last_speaker
        previous = self.doc[sent.start - 1].sent if sent.start > 0 else sent
        window = self.doc[previous.start : pronoun.i]
        persons = [ent for ent in window.ents if ent.label_ == "PERSON"]
        return persons[-1] if persons else None


def _inside(token: Token, quotes: Iterable[tuple[int, int]]) -> bool:
    return any(start - 1 <= token.idx < end + 1 for start, end in quotes)


def _is_quoted_whole(sents: list[Span], quotes: list[tuple[int, int]]) -> bool:
    """Whether the sentences hold nothing but quoted text and punctuation."""
    return all(
        token.is_punct or token.is_space or _inside(token, quotes)
        for sent in sents
        for token in sent
    )


def _empty_speaker() -> dict[str, Any]:
    return {
        "speaker_start": None,
        "speaker_end": None,
        "speaker_text": "",
        "speaker_named": False,
        "speaker_via": "",
    }


def _speaker_fields(speaker: _Speaker | None, via: str | None = None) -> dict[str, Any]:
    if speaker is None or speaker.span is None:
        return _empty_speaker()
    return {
        "speaker_start": speaker.span.start_char,
        "speaker_end": speaker.span.end_char,
        "speaker_text": speaker.text,
        "speaker_named": speaker.named,
        "speaker_via": via or speaker.via,
    }


def _continue_open_quotes(text: str, rows: list[dict[str, Any]]) -> None:
    """Give a quote left open at a paragraph's end the speaker of the quote reopening next."""
    for row, following in zip(rows[-2::-1], rows[:0:-1], strict=False):
        closed = text[row["end"] : row["end"] + 1] in {"”", '"'}
        gap = text[row["end"] : following["start"]]
        if closed or row["verb"] or not following["verb"] or gap.strip() != "“":
            continue
        for key in ("speaker_start", "speaker_end", "speaker_text", "speaker_named", "verb"):
            row[key] = following[key]
        row["speaker_via"] = "continuation"
        row["kind"] = "direct"


def from_doc(doc: Doc) -> list[dict[str, Any]]:
    """Return one row per direct quote, reported statement or quoted fragment in ``doc``.

    Rows have the keys in :data:`COLUMNS`: ``start, end, text`` the quoted words (without the
    marks), ``speaker_start, speaker_end, speaker_text`` the speaker's mention (for a resolved
    pronoun, the named mention it stands for; ``None`` and ``""`` when nobody is found),
    ``speaker_named`` whether that is a name rather than "the sources", ``speaker_via`` how
    it was found (``subject``, ``pronoun``, ``continuation`` or ``""``), ``verb`` the speech
    verb as written ("said", "according to"), ``kind`` ``direct``, ``reported`` or
    ``fragment``, ``sent_start, sent_end`` the sentence where the quote begins.
    """
    resolver = _Resolver(doc)
    text = doc.text  # spaCy rebuilds doc.text from every token on each access
    quotes = quote_spans(text)
    rows: list[dict[str, Any]] = []
    used_verbs: set[int] = set()
    previous: tuple[list[Span], Token | None] | None = None
    for start, end in quotes:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        sents = list({id(t.sent): t.sent for t in span}.values())
        candidates = [
            doc[i]
            for i, speaker in resolver.speakers.items()
            if speaker is not None
            and any(s.start <= i < s.end for s in sents)
            and not _inside(doc[i], quotes)
        ]
        governing = [v for v in candidates if any(v.is_ancestor(t) for t in span)]
        pool = governing or candidates
        verb = min(pool, key=lambda v: min(abs(v.idx - start), abs(v.idx - end)), default=None)
        speaker, via = (resolver.speakers.get(verb.i) if verb is not None else None), None
        if verb is None and previous is not None and _is_quoted_whole(sents, quotes):
            last_sents, last_verb = previous
            if last_verb is not None and sents[0].start == last_sents[-1].end:
                verb, via = last_verb, "continuation"
                speaker = resolver.speakers.get(verb.i)
        n_words = len(text[start:end].split())
        kind = "direct" if verb is not None or n_words >= FRAGMENT_WORDS else "fragment"
        if verb is not None:
            used_verbs.add(verb.i)
        first = sents[0]
        rows.append(
            {
                "start": start,
                "end": end,
                "text": text[start:end],
                **_speaker_fields(speaker, via),
                "verb": _verb_text(verb) if verb is not None else "",
                "kind": kind,
                "sent_start": first.start_char,
                "sent_end": first.end_char,
            }
        )
        previous = (sents, verb)
    _continue_open_quotes(text, rows)
    for verb_i, speaker in resolver.speakers.items():
        verb = doc[verb_i]
        if verb_i in used_verbs or speaker is None or _inside(verb, quotes):
            continue
        clauses = [c for c in verb.children if c.dep_ == "ccomp"]
        if not clauses:
            continue
        tokens = [t for t in clauses[0].subtree if not (t.dep_ == "mark" and t.head == clauses[0])]
        tokens = [t for t in tokens if not t.is_punct or t.i not in {tokens[0].i, tokens[-1].i}]
        if not tokens or any(_inside(t, quotes) for t in tokens):
            continue
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        rows.append(
            {
                "start": start,
                "end": end,
                "text": text[start:end],
                **_speaker_fields(speaker),
                "verb": _verb_text(verb),
                "kind": "reported",
                "sent_start": verb.sent.start_char,
                "sent_end": verb.sent.end_char,
            }
        )
    rows.sort(key=lambda row: row["start"])
    return rows


def _name(text: str) -> str:
    words = " ".join(text.replace("’", "'").split()).split(" ")
    if len(words) > 1 and words[0].lower() == "the":
        words = words[1:]
    return " ".join(words)


def build(rows: pd.DataFrame, mentions: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Return the ``quotes`` frame: one row per quotation with its canonical speaker.

    ``speaker`` is the canonical entity of the mention covering the last character of the
    speaker's span (the head of an English noun phrase: "China's Foreign Ministry" is not
    "China"); failing that, a named speaker's own words ("China's Foreign Ministry"); failing
    that ``None``. Quotes without a speaker are kept. Columns: ``doc_id, speaker, text,
    source, n_words, kind, verb, start, end, published, speaker_text``.
    """
    columns = ["doc_id", "speaker", "text", "source", "n_words", "kind", "verb", "start", "end"]
    columns += ["published", "speaker_text"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    heads = rows[["doc_id", "speaker_end"]].dropna()
    heads = heads.assign(_end=heads["speaker_end"].astype(int))
    heads = heads.assign(_start=heads["_end"] - 1)
    entity = entity_at(heads, mentions, start="_start", end="_end")
    quotes = rows.assign(speaker=entity.reindex(rows.index))
    fallback = rows["speaker_text"].map(_name).where(rows["speaker_named"].astype(bool))
    quotes["speaker"] = quotes["speaker"].fillna(fallback).astype(object)
    quotes["speaker"] = quotes["speaker"].where(quotes["speaker"].notna(), None)
    quotes["n_words"] = quotes["text"].str.split().str.len()
    meta = articles[["doc_id", "source", "published"]]
    quotes = quotes.merge(meta, on="doc_id", how="left")
    return quotes[columns].reset_index(drop=True)


def voices(quotes: pd.DataFrame, *, kinds: Iterable[str] = ("direct", "reported")) -> pd.DataFrame:
    """Return who speaks in each outlet: one row per (source, speaker), most quoted first.

    Columns ``source, speaker, n_quotes, n_words``; quotes of other ``kinds`` (fragments by
    default) and quotes without a speaker are left out.

    >>> quotes = pd.DataFrame({"source": ["Post", "Post", "Kyiv"],
    ...     "speaker": ["Antony Blinken", "Antony Blinken", None],
    ...     "n_words": [5, 7, 2], "kind": ["direct", "direct", "fragment"]})
    >>> voices(quotes).values.tolist()
    [['Post', 'Antony Blinken', 2, 12]]
    """
    spoken = quotes[quotes["kind"].isin(list(kinds)) & quotes["speaker"].notna()]
    counts = (
        spoken.groupby(["source", "speaker"])
        .agg(n_quotes=("n_words", "size"), n_words=("n_words", "sum"))
        .reset_index()
    )
    counts = counts.sort_values(["n_quotes", "n_words"], ascending=False, kind="stable")
    return counts.reset_index(drop=True)
