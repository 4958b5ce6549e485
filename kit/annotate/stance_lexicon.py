"""The stance lexicon: cue words and the rules about whom each kind judges.

``lexicon_score(text, start, end)`` is the lexicon's stance towards ``text[start:end]``, in
[-1, 1]; ``cue_rows`` lists the cue words that counted and why (what ``kit.annotate.stance.explain``
shows for ``method="lexicon"``). The words are ``kit/annotate/stance_lexicon.csv``; the role rule
(``kit.annotate.stance_roles``) looks its act and deed words up here too.

>>> lexicon_score("Smith condemned Jones.", 16, 21)
-1.0
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

LEXICON_PATH = Path(__file__).resolve().parent / "stance_lexicon.csv"
# A lexicon score beyond this (either sign) is a negative or positive stance.
LEXICON_THRESHOLD = 0.15
# A negated cue counts this much, with the opposite sign.
NEGATION_FACTOR = 0.3
# Other cues in the target's clause count this much (the clause's mood).
MOOD_FACTOR = 0.6


# --- lexicon ----------------------------------------------------------------------------
#
# Three kinds of cue word, each with its own rule about whom it judges:
#   act   - something done *to* someone (condemn, praise, accuse): judges the one it is done
#           to, i.e. a target after the cue ("condemned Jones", "criticism of Jones") or the
#           subject of a passive ("Jones was condemned"), never the doer.
#   deed  - something that reflects on the doer (lie, cheat, rescue, win): judges a target
#           before the cue ("Jones lied") or the agent of a passive ("was rescued by Jones").
#   trait - a description (corrupt, brave, dictator): judges a target right beside it
#           ("corrupt Jones", "Jones, a brave ...") or linked by a copula ("Jones is corrupt").
# Any other cue in the target's clause adds a little (MOOD_FACTOR), unless the target is the
# one acting on someone else or reporting what someone said: then the clause is about others.
# A negator (not, never, n't, ...) up to three words before a cue flips it and weakens it
# ("did not praise" leans negative, but less than "condemned").

WORD = re.compile(r"[A-Za-z]+(?:n't|'[A-Za-z]+)?|\d+|[.;:!?]|—|--")
_CLAUSE_BREAKS = {".", ";", ":", "!", "?", "—", "--", "but", "while", "whereas", "although"}
_NEGATORS = {"not", "no", "never", "nobody", "none", "nor", "without", "hardly", "cannot"}
_BE = {"is", "was", "were", "are", "be", "been", "being", "get", "got", "gets", "getting"}
_COPULA = _BE | {"seems", "seemed", "looks", "looked", "remains", "remained", "became", "becomes"}
_AUXILIARY = {"has", "have", "had", "also", "still", "now", "often", "very", "so", "too"}
_BLOCKERS = {
    "said", "says", "say", "told", "tells", "claimed", "claims", "and", "or", "that", "who",
    "which", "than", "whom", "called", "calls", "wrote", "writes", "added",
}  # fmt: skip
_SPEECH = {
    "said", "says", "say", "told", "tells", "claimed", "claims", "added", "wrote", "writes",
    "argued", "argues", "stated", "declared", "tweeted", "noted", "explained", "insisted",
}  # fmt: skip
_ACT_REACH = 6
_DOER = "the target does it"  # a cue that speaks about someone other than the target
_DEED_REACH = 6
_TRAIT_REACH = 4


@functools.lru_cache(maxsize=1)
def lexicon() -> pd.DataFrame:
    """Return the stance word list: ``word, polarity`` (-1..1) and ``kind`` (act, deed, trait)."""
    return pd.read_csv(LEXICON_PATH)


@functools.lru_cache(maxsize=1)
def lexicon_entries() -> dict[str, tuple[float, str]]:
    """Return ``{word: (polarity, kind)}`` from :func:`lexicon`."""
    words = lexicon()
    return {
        word: (float(polarity), kind)
        for word, polarity, kind in zip(
            words["word"], words["polarity"], words["kind"], strict=True
        )
    }


def base_forms(token: str) -> list[str]:
    """Return the token and the word forms it may inflect (praised -> praise, slammed -> slam)."""
    forms = [token]
    for suffix in ("ing", "ed", "es", "s", "d", "er", "ers"):
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            stem = token[: -len(suffix)]
            forms += [stem, stem + "e"]
            if len(stem) >= 4 and stem[-1] == stem[-2]:
                forms.append(stem[:-1])  # slammed -> slam
            if stem.endswith("i"):
                forms.append(stem[:-1] + "y")  # bullied -> bully
    return forms


def lookup(token: str) -> tuple[str, float, str] | None:
    """Return ``(lexicon word, polarity, kind)`` for a token, or None."""
    entries = lexicon_entries()
    for form in base_forms(token.lower()):
        if form in entries:
            return (form, *entries[form])
    return None


def cue_rows(text: str, start: int, end: int) -> pd.DataFrame:
    """Return the cue rows of :func:`explain` for ``method="lexicon"``."""
    tokens = [(m.group(), m.start(), m.end()) for m in WORD.finditer(text)]
    inside = [i for i, (_, s, e) in enumerate(tokens) if s < end and e > start]
    columns = ["word", "start", "end", "lexicon_word", "kind", "polarity", "negated", "weight",
               "reason"]  # fmt: skip
    if not inside:
        return pd.DataFrame(columns=columns)
    first, last = inside[0], inside[-1]
    lowered = [word.lower() for word, _, _ in tokens]
    clause_start = first
    while clause_start > 0 and lowered[clause_start - 1] not in _CLAUSE_BREAKS:
        clause_start -= 1
    clause_end = last
    while clause_end + 1 < len(tokens) and lowered[clause_end + 1] not in _CLAUSE_BREAKS:
        clause_end += 1

    rows, unplaced = [], []
    # A speaker ("Lee said ...", "according to Lee") is not judged by what they report.
    target_acts = any(word in _SPEECH for word in lowered[last + 1 : last + 4]) or lowered[
        max(0, first - 2) : first
    ] == ["according", "to"]
    for index in range(clause_start, clause_end + 1):
        match = lookup(lowered[index])
        if match is None:
            continue
        if first <= index <= last:
            # A description inside the mention itself ("dictator Vladimir Putin") counts.
            if match[2] == "trait":
                rows.append(_cue_row(tokens, lowered, index, match, clause_start, "in the mention"))
            continue
        reason = _cue_reason(lowered, index, first, last, match[2])
        if reason == _DOER:
            target_acts = target_acts or match[2] == "act"
        elif reason:
            rows.append(_cue_row(tokens, lowered, index, match, clause_start, reason))
        else:
            unplaced.append((index, match))
    # When the target acts on someone ("Smith condemned Jones for corruption"), the rest of
    # the clause is about that someone; otherwise it colours the target a little.
    if not target_acts:
        for index, match in unplaced:
            row = _cue_row(tokens, lowered, index, match, clause_start, "mood of the clause")
            row["weight"] = round(MOOD_FACTOR * row["weight"], 4)
            rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def _cue_reason(lowered: list[str], cue: int, first: int, last: int, kind: str) -> str | None:
    """Return why a cue at ``cue`` judges the target spanning ``first..last``, or None."""
    before = cue < first  # the cue comes before the target
    between = lowered[cue + 1 : first] if before else lowered[last + 1 : cue]
    distance = len(between) + 1
    passive_cue = cue >= 1 and (lowered[cue - 1] in _BE or (cue >= 2 and lowered[cue - 2] in _BE))
    by_agent = "by" in lowered[max(cue + 1, first - 2) : first]
    if kind == "act":
        if before and distance <= _ACT_REACH and not by_agent:
            return "act done to the target"
        if not before and distance <= _ACT_REACH and passive_cue:
            return "act done to the target (passive)"
        if (not before and distance <= _ACT_REACH) or (before and by_agent):
            return _DOER
        return None
    if kind == "deed":
        if not before and distance <= _DEED_REACH and not passive_cue:
            return "deed of the target"
        if before and distance <= _DEED_REACH and by_agent:
            return "deed of the target (passive)"
        if before and distance <= _DEED_REACH:
            return _DOER  # the target suffers the deed ("X killed Y"): it says nothing of Y
        return None
    if any(word in _BLOCKERS for word in between):
        return None
    if before and distance <= _TRAIT_REACH:
        return "description next to the target"
    if not before and distance <= 3:
        return "description next to the target"
    linked = [word for word in between if word not in _AUXILIARY]
    if not before and linked and linked[0] in _COPULA and distance <= 2 * _TRAIT_REACH:
        return "description linked to the target"
    return None


def _cue_row(
    tokens: Sequence[tuple[str, int, int]],
    lowered: list[str],
    index: int,
    match: tuple[str, float, str],
    clause_start: int,
    reason: str,
) -> dict[str, Any]:
    """Return one row of :func:`explain`."""
    lexicon_word, polarity, kind = match
    window = lowered[max(clause_start, index - 3) : index]
    negated = any(word in _NEGATORS or word.endswith("n't") for word in window)
    weight = -NEGATION_FACTOR * polarity if negated else polarity
    word, start, end = tokens[index]
    return {
        "word": word,
        "start": start,
        "end": end,
        "lexicon_word": lexicon_word,
        "kind": kind,
        "polarity": polarity,
        "negated": negated,
        "weight": round(weight, 4),
        "reason": reason,
    }


def lexicon_score(text: str, start: int, end: int) -> float:
    """Return the lexicon stance score in [-1, 1] towards ``text[start:end]``.

    >>> lexicon_score("Jones, a brave nurse, rescued two children.", 0, 5)
    1.0
    """
    cues = cue_rows(text, start, end)
    return float(np.clip(cues["weight"].sum(), -1.0, 1.0)) if len(cues) else 0.0


def label_of(score: float) -> str:
    """Return the label for a lexicon score."""
    if score >= LEXICON_THRESHOLD:
        return "positive"
    if score <= -LEXICON_THRESHOLD:
        return "negative"
    return "neutral"
