"""Canonical entities: one name per actor, and every mention of it counted.

Two steps turn spaCy's entity spans into the ``mentions`` frame:

1. Within an article (:func:`find_mentions`), a name the model found once is found wherever it
   recurs, and the short forms of a person's full name ("Putin", "Xi", "Jinping") are found too
   and join that name. Small models miss sentence-initial and surname-only forms.
2. Across the corpus (:func:`canonical_names`), variants merge: titles and "the" are dropped,
   built-in and user aliases apply ("U.S." → "United States", "WSJ" → "The Wall Street
   Journal"), and a surname alone joins the full name it almost always stands for.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from kit.ingest.documents import ProblemLog
from kit.ingest.manifests import read_entity_aliases

MENTION_COLUMNS = [
    "doc_id",
    "sent_id",
    "start",
    "end",
    "text",
    "entity",
    "label",
    "source",
    "published",
    "found",
]
ALIASES_FILE = Path(__file__).with_name("aliases.csv")
TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "sir", "dame", "president", "vice", "prime", "minister",
    "secretary", "sen", "senator", "rep", "representative", "gov", "governor", "gen", "general",
    "chancellor", "judge", "justice", "pope", "king", "queen", "prince", "princess", "speaker",
    "mayor", "ambassador", "chairman", "chairwoman", "leader", "dictator", "premier", "lt",
    "col", "capt", "adm", "sgt", "attorney", "former", "foreign", "state", "defense",
}  # fmt: skip
PARTICLES = {"de", "da", "van", "von", "der", "bin", "al", "el", "la", "le", "du", "dos", "di"}
SURNAME_SHARE = 0.75
NOT_NAMES = {"January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December", "Monday", "Tuesday", "Wednesday",
             "Thursday", "Friday", "Saturday", "Sunday"}  # fmt: skip
# Named things only: dates, times, numbers, amounts and ordinals are not actors in the news.
ENTITY_LABELS = {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART",
                 "LAW", "LANGUAGE"}  # fmt: skip
LABEL_PRIORITY = ["PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART"]


def clean_name(text: str, label: str = "") -> str:
    """Return a mention's name without newlines, "the", a possessive or a person's title.

    >>> clean_name("the Wall Street Journal’s", "ORG")
    'Wall Street Journal'
    >>> clean_name("President Joe Biden", "PERSON")
    'Joe Biden'
    """
    name = text.split("\n")[0].strip(" \t\"'“”‘’.,;:()[]-—")
    name = re.sub(r"(?:['’]s|['’])$", "", name).strip()
    name = re.sub(r"^(?:the|The|THE)\s+", "", name)
    if label == "PERSON":
        words = name.split()
        while len(words) > 1 and words[0].rstrip(".").lower() in TITLES:
            words = words[1:]
        name = " ".join(words)
    return re.sub(r"\s+", " ", name)


def name_key(name: str) -> str:
    """Return the key under which spellings of one name meet: case, dots and "the" ignored.

    >>> name_key("U.S.") == name_key("US") == name_key("the u.s")
    True
    """
    key = re.sub(r"^the\s+", "", name.strip().casefold())
    return re.sub(r"[^\w]+", "", key)


def read_aliases(path: str | Path, *, log: ProblemLog | None = None) -> dict[str, str]:
    """Return {alias key: canonical name} from a CSV with columns ``alias,entity``.

    Problems (a wrong header, a malformed row, an empty file) go to ``log``; without one the
    first raises ``InputError`` naming the file and the line.

    >>> read_aliases(ALIASES_FILE)["us"]
    'United States'
    """
    file = Path(path)
    log = log if log is not None else ProblemLog(strict=True)
    table = read_entity_aliases(file, file.as_posix(), log)
    return {name_key(alias): entity.strip() for alias, entity in table.items()}


def alias_table(extra: Mapping[str, str] | str | Path | None = None) -> dict[str, str]:
    """Return the built-in aliases updated with ``extra`` (a mapping or an ``aliases.csv``)."""
    aliases = dict(_builtin_aliases())
    if isinstance(extra, (str, Path)):
        aliases.update(read_aliases(extra))
    elif extra:
        aliases.update({name_key(alias): entity for alias, entity in extra.items()})
    return aliases


@lru_cache(maxsize=1)
def _builtin_aliases() -> dict[str, str]:
    return read_aliases(ALIASES_FILE)


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and len(word) >= 2


def lowercase_words(text: str) -> set[str]:
    """Return the words written in lower case somewhere in ``text`` ("will", "state")."""
    return set(re.findall(r"\b[a-z][\w'’-]*", text))


def _short_forms(person_names: set[str], common_words: set[str]) -> dict[str, str]:
    """Return {short form: full name} for the multi-word person names of one article."""
    owners: dict[str, set[str]] = defaultdict(set)
    for full_name in person_names:
        words = full_name.split()
        if len(words) < 2:
            continue
        for word in words:
            plain = word.rstrip(".")
            if (
                _is_capitalised(plain)
                and len(plain) >= 2
                and plain.lower() not in TITLES | PARTICLES
                and plain not in NOT_NAMES
            ):
                owners[plain].add(full_name)
    return {
        short: next(iter(full_names))
        for short, full_names in owners.items()
        if len(full_names) == 1 and short.lower() not in common_words
    }


def find_mentions(text: str, entities: pd.DataFrame) -> pd.DataFrame:
    """Return every mention in one article: the model's and the recurrences it missed.

    ``entities`` holds the model's spans for this article (``start, end, text, label``).
    Returns ``start, end, text, name, label, found`` where ``name`` is the article-level
    name (a short form replaced by the full name it belongs to) and ``found`` is "model"
    or "repeat".

    >>> spans = pd.DataFrame({"start": [0], "end": [10], "text": ["Xi Jinping"],
    ...                       "label": ["PERSON"]})
    >>> find_mentions("Xi Jinping met Putin. Jinping left.", spans)[["text", "name", "found"]]
    ... # doctest: +NORMALIZE_WHITESPACE
          text        name  found
    0  Xi Jinping  Xi Jinping  model
    1     Jinping  Xi Jinping  repeat
    """
    rows = []
    labels_by_name: dict[str, Counter] = defaultdict(Counter)
    for start, end, surface, label in entities[["start", "end", "text", "label"]].itertuples(
        index=False
    ):
        first_line = surface.split("\n")[0]
        name = clean_name(first_line, label)
        if not name or not any(ch.isalpha() for ch in name):
            continue
        end = start + len(first_line.rstrip())
        rows.append([start, end, text[start:end], name, label, "model"])
        labels_by_name[name][label] += 1
    person_names = {name for name, labels in labels_by_name.items() if labels["PERSON"]}
    common_words = lowercase_words(text)
    short_forms = _short_forms(person_names, common_words)
    for row in rows:
        if row[3] in short_forms:
            row[3], row[4] = short_forms[row[3]], "PERSON"
    searchable = {
        name: max(labels, key=labels.get)
        for name, labels in labels_by_name.items()
        if len(name) >= 2
        and _is_capitalised(name)
        and (" " in name or name.lower() not in common_words)
    }
    forms = {name: (name, label) for name, label in searchable.items()}
    forms.update({short: (full, "PERSON") for short, full in short_forms.items()})
    taken = np.zeros(len(text) + 1, dtype=bool)
    for row in rows:
        taken[row[0] : row[1]] = True
    if forms:
        alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
        for match in re.finditer(rf"(?<![\w.])(?:{alternatives})(?![\w])", text):
            if taken[match.start() : match.end()].any():
                continue
            name, label = forms[match.group()]
            rows.append([match.start(), match.end(), match.group(), name, label, "repeat"])
            taken[match.start() : match.end()] = True
    columns = ["start", "end", "text", "name", "label", "found"]
    return pd.DataFrame(rows, columns=columns).sort_values("start", ignore_index=True)


def canonical_names(
    mentions: pd.DataFrame, *, aliases: Mapping[str, str] | None = None
) -> tuple[pd.Series, pd.Series]:
    """Return (entity, label) Series for ``mentions`` (columns ``name``, ``label``).

    Spellings meet on :func:`name_key`; aliases map keys to canonical names; a one-word person
    name joins the multi-word name ending in it when that name has at least 75% of such uses;
    the most frequent spelling names the entity; its label is its most frequent label.
    """
    aliases = alias_table() if aliases is None else aliases
    keys = mentions["name"].map(name_key)
    canonical_by_key = dict(aliases)
    spelling_counts = mentions.groupby([keys, mentions["name"]]).size()
    for (key, spelling), _ in spelling_counts.sort_values(ascending=False).items():
        canonical_by_key.setdefault(key, spelling)
    entity = keys.map(canonical_by_key)

    persons = entity[mentions["label"] == "PERSON"].value_counts()
    multi_word = persons[persons.index.str.contains(" ")]
    by_surname: dict[str, Counter] = defaultdict(Counter)
    for full_name, count in multi_word.items():
        by_surname[full_name.split()[-1]][full_name] += count
    surname_map = {}
    for surname, candidates in by_surname.items():
        best, best_count = candidates.most_common(1)[0]
        if best_count >= SURNAME_SHARE * sum(candidates.values()):
            surname_map[surname] = best
    is_single = ~entity.str.contains(" ", regex=False)
    entity = entity.where(~is_single, entity.map(lambda name: surname_map.get(name, name)))

    label_counts = pd.crosstab(entity, mentions["label"])
    rank = {label: i for i, label in enumerate(LABEL_PRIORITY)}
    ordered = sorted(label_counts.columns, key=lambda label: rank.get(label, len(rank)))
    best_label = label_counts[ordered].idxmax(axis=1)
    return entity, entity.map(best_label)


def build_mentions(
    articles: pd.DataFrame,
    entities: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    aliases: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Return the ``mentions`` frame: every mention with its canonical entity.

    Args:
        articles: ``doc_id, text, source, published``.
        entities: the model's spans (``doc_id, start, end, text, label``); only named things
            (``ENTITY_LABELS``) become mentions.
        sentences: ``doc_id, sent_id, start`` (to place recurrences in their sentence).
        aliases: {alias: canonical name}; default the built-in table.
    """
    named = entities[entities["label"].isin(ENTITY_LABELS)]
    entities_by_doc = dict(tuple(named.groupby("doc_id", sort=False)))
    frames = []
    for doc_id, text in zip(articles["doc_id"], articles["text"], strict=True):
        spans = entities_by_doc.get(doc_id)
        if spans is None or spans.empty:
            continue
        found = find_mentions(text, spans)
        frames.append(found.assign(doc_id=doc_id))
    if not frames:
        return pd.DataFrame(columns=MENTION_COLUMNS)
    mentions = pd.concat(frames, ignore_index=True)
    mentions["entity"], mentions["label"] = canonical_names(mentions, aliases=aliases)
    mentions["sent_id"] = _sentence_ids(mentions, sentences)
    meta = articles.set_index("doc_id")[["source", "published"]]
    mentions = mentions.join(meta, on="doc_id")
    return mentions[MENTION_COLUMNS].sort_values(["doc_id", "start"], ignore_index=True)


def _sentence_ids(mentions: pd.DataFrame, sentences: pd.DataFrame) -> np.ndarray:
    """Return the sentence id of each mention (the last sentence starting at or before it)."""
    ordered = sentences.sort_values(["doc_id", "start"])
    starts_by_doc = {
        doc_id: (group["start"].to_numpy(), group["sent_id"].to_numpy())
        for doc_id, group in ordered.groupby("doc_id", sort=False)
    }
    sent_ids = np.full(len(mentions), -1, dtype=np.int64)
    for doc_id, index in mentions.groupby("doc_id", sort=False).indices.items():
        if doc_id not in starts_by_doc:
            continue
        starts, ids = starts_by_doc[doc_id]
        position = np.searchsorted(starts, mentions["start"].to_numpy()[index], side="right") - 1
        sent_ids[index] = ids[np.clip(position, 0, len(ids) - 1)]
    return sent_ids
