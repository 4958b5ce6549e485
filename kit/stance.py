"""Target-dependent stance: how a sentence portrays one named target, not its overall mood.

In "Smith condemned Jones" the sentence is negative, but only towards Jones; Smith is the one
who condemns. Two methods read a sentence this way:

- ``"model"`` (default): all-MiniLM-L6-v2 fine-tuned on NewsMTSC, shipped as an int8 ONNX
  file in ``kit/models/stance/`` and run with onnxruntime (see ``meta.json`` there for its
  training and its measured score; ``train/train_stance.py`` rebuilds it), combined with the
  role rule of :mod:`kit.stance_roles`: where the dependency parse shows the target as the
  patient of an act ("X condemned *Y*", "*Y* was sued by X"), the agent of a negative act
  ("*X* condemned Y") or the agent of a negative deed, the rule labels it; elsewhere the
  model does. The ``decided_by`` column and :func:`explain` say which part decided.
- ``"model_only"``: the model without the role rule (it gives the condemner in "X condemned
  Y" the sentence's mood too).
- ``"lexicon"``: a short hand-made word list (``kit/stance_lexicon.csv``) and a few rules about
  where a cue word stands relative to the target. Weaker, but every decision can be shown
  with :func:`explain`.

>>> import pandas as pd
>>> sentences = pd.DataFrame({"text": ["Smith condemned Jones."] * 2, "start": [0, 16],
...                           "end": [5, 21]})
>>> predict(sentences, method="lexicon")["label"].tolist()
['neutral', 'negative']
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from kit.errors import value_invalid_msg

METHODS = ("model", "model_only", "lexicon")
LABELS = ("negative", "neutral", "positive")
MODEL_DIR = Path(__file__).resolve().parent / "models" / "stance"
LEXICON_PATH = Path(__file__).resolve().parent / "stance_lexicon.csv"

TARGET_OPEN = "<<"
TARGET_CLOSE = ">>"
CONTEXT_CHARS = 300
MAX_TOKENS = 128

# A lexicon score beyond this (either sign) is a negative or positive stance.
LEXICON_THRESHOLD = 0.15
# A negated cue counts this much, with the opposite sign.
NEGATION_FACTOR = 0.3
# Other cues in the target's clause count this much (the clause's mood).
MOOD_FACTOR = 0.6


# NewsMTSC (Hamborg & Donnay 2021) codes polarity 2/4/6 for negative/neutral/positive.
NEWSMTSC_POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}


def read_newsmtsc(path: str | Path, limit: int | None = None) -> pd.DataFrame:
    """Return one row per target of a NewsMTSC JSONL file: ``text, start, end, gold``.

    ``gold`` is the label name; ``limit`` keeps the first targets only.
    """
    rows = []
    with Path(path).open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            for target in record["targets"]:
                rows.append(
                    {
                        "text": record["sentence_normalized"],
                        "start": target["from"],
                        "end": target["to"],
                        "gold": NEWSMTSC_POLARITY[target["polarity"]],
                    }
                )
    targets = pd.DataFrame(rows, columns=["text", "start", "end", "gold"])
    return targets.head(limit) if limit else targets


def default_method() -> str:
    """Return ``"model"`` if its runtime and weights are present, else ``"lexicon"``."""
    if not (MODEL_DIR / "model.onnx").exists() or not (MODEL_DIR / "tokenizer.json").exists():
        return "lexicon"
    try:
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError:
        return "lexicon"
    return "model"


@functools.lru_cache(maxsize=4)
def version(method: str | None = None) -> str:
    """Return a name for what ``method`` scores with: the method and a hash of its files.

    Stance kept from an earlier start is read back only under the same name.
    """
    method = method or default_method()
    digest = hashlib.sha256(method.encode())
    paths = [LEXICON_PATH] + (sorted(MODEL_DIR.iterdir()) if method != "lexicon" else [])
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"stance-{method}-{digest.hexdigest()[:12]}"


@functools.lru_cache(maxsize=1)
def _notice_fallback() -> None:
    """Say once that the default fell back to the lexicon."""
    print(
        "kit.stance: the stance model is unavailable (needs onnxruntime, tokenizers and "
        f"{MODEL_DIR / 'model.onnx'}); using method='lexicon'",
        file=sys.stderr,
    )


def predict(
    frame: pd.DataFrame,
    *,
    method: str | None = None,
    batch_size: int = 1,
    progress: bool = False,
) -> pd.DataFrame:
    """Return a copy of ``frame`` with the stance towards each target: ``label, score, method``.

    Args:
        frame: one row per target, with ``text`` and the target's character span ``start``,
            ``end`` in it. Other columns pass through.
        method: ``"model"``, ``"lexicon"`` or ``None`` for :func:`default_method`.
        batch_size: targets per model call. The default, one, gives each target the same
            score whatever else is scored with it (the model's int8 scales are computed per
            call), so a filter never changes a mention's stance; on one core it is also the
            fastest (313 against 176 targets per CPU-second at 64, NewsMTSC dev_rw).
        progress: show a progress bar (model only).

    Returns:
        The rows of ``frame`` plus ``label`` (negative, neutral, positive), ``score`` in
        [-1, 1] (for the model P(positive) - P(negative)) and ``method``.

    >>> rows = pd.DataFrame({"text": ["Reviewers praised Lee."], "start": [18], "end": [21]})
    >>> predict(rows, method="lexicon")[["label", "score"]].values.tolist()
    [['positive', 0.9]]
    """
    if method is None:
        method = default_method()
        if method != "model":
            _notice_fallback()
    if method not in METHODS:
        raise ValueError(value_invalid_msg("method", method, METHODS))
    missing = [column for column in ("text", "start", "end") if column not in frame.columns]
    if missing:
        raise ValueError(
            f"stance frame: no {', '.join(missing)} column(s) "
            f"(has {', '.join(map(str, frame.columns))}); "
            "pass one row per target with text, start, end"
        )
    if frame.empty:
        result = frame.copy()
        result["label"] = pd.Series(dtype="object")
        result["score"] = pd.Series(dtype="float64")
        result["decided_by"] = pd.Series(dtype="object")
        result["method"] = pd.Series(dtype="object")
        return result
    if method in ("model", "model_only"):
        if default_method() != "model":
            raise RuntimeError(
                f"method={method!r}: the stance model is unavailable (needs onnxruntime, "
                f"tokenizers and {MODEL_DIR / 'model.onnx'}); install the kit with its "
                "dependencies or pass method='lexicon'"
            )
        result = score_with_model(frame, batch_size=batch_size, progress=progress)
        result["decided_by"] = "model"
        if method == "model":
            result = _apply_role_rule(result)
    else:
        result = frame.copy()
        scores = [
            lexicon_score(str(text), int(start), int(end))
            for text, start, end in zip(frame["text"], frame["start"], frame["end"], strict=True)
        ]
        result["label"] = [_label_of(score) for score in scores]
        result["score"] = scores
        result["decided_by"] = "lexicon"
    result["method"] = method
    return result


def _apply_role_rule(scored: pd.DataFrame) -> pd.DataFrame:
    """Return ``scored`` with the role rule's label and score wherever the rule applies.

    Where the parse links the target to an act or deed of the lexicon
    (:func:`kit.stance_roles.role_cue`) and :func:`kit.stance_roles.rule_decides` says so,
    the rule decides: ``label`` is the rule's, ``score``
    the cue word's polarity (0 for a neutral agent) and ``decided_by`` is ``"role rule"``.
    """
    from kit import stance_roles

    texts = [str(text) for text in scored["text"]]
    stance_roles.parse_all(texts)
    cues = [
        stance_roles.role_cue(text, int(start), int(end))
        for text, start, end in zip(texts, scored["start"], scored["end"], strict=True)
    ]
    decided = np.array([stance_roles.rule_decides(cue) for cue in cues])
    if not decided.any():
        return scored
    result = scored.copy()
    labels, scores = result["label"].to_numpy(copy=True), result["score"].to_numpy(copy=True)
    for row in np.flatnonzero(decided):
        cue = cues[row]
        labels[row] = cue["label"]
        scores[row] = 0.0 if cue["label"] == "neutral" else float(cue["polarity"])
    result["label"], result["score"] = labels, scores
    result.loc[decided, "decided_by"] = "role rule"
    return result


# --- model ------------------------------------------------------------------------------


def model_pair(text: str, start: int, end: int) -> tuple[str, str]:
    """Return ``(marked sentence, target)``: the two segments the stance model reads.

    The target is wrapped in ``<< >>`` so the model knows which mention is meant, and
    long texts are cut to ``CONTEXT_CHARS`` characters either side of it.

    >>> model_pair("Smith condemned Jones.", 16, 21)
    ('Smith condemned << Jones >>.', 'Jones')
    """
    left = text[max(0, start - CONTEXT_CHARS) : start]
    right = text[end : end + CONTEXT_CHARS]
    if start > CONTEXT_CHARS and " " in left:
        left = left[left.index(" ") + 1 :]
    if len(text) - end > CONTEXT_CHARS and " " in right:
        right = right[: right.rindex(" ")]
    target = text[start:end].strip()
    return f"{left}{TARGET_OPEN} {target} {TARGET_CLOSE}{right}", target


@functools.lru_cache(maxsize=4)
def _load_model(model_dir: str, threads: int) -> tuple[Any, Any]:
    """Return the ``(onnxruntime session, tokenizer)`` pair for a model folder, cached."""
    import onnxruntime
    from tokenizers import Tokenizer

    options = onnxruntime.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(
        str(Path(model_dir) / "model.onnx"), options, providers=["CPUExecutionProvider"]
    )
    tokenizer = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=MAX_TOKENS, strategy="only_first")
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return session, tokenizer


def score_with_model(
    frame: pd.DataFrame,
    *,
    model_dir: str | Path = MODEL_DIR,
    batch_size: int = 1,
    progress: bool = False,
    threads: int | None = None,
) -> pd.DataFrame:
    """Return ``frame`` with ``label`` and ``score`` from the fine-tuned ONNX model.

    ``score`` is P(positive) - P(negative). ``threads`` sets onnxruntime's intra-op threads
    (default: the ``KIT_STANCE_THREADS`` environment variable, else onnxruntime's choice).
    """
    if threads is None:
        threads = int(os.environ.get("KIT_STANCE_THREADS", "0") or 0)
    session, tokenizer = _load_model(str(model_dir), threads)
    pairs = [
        model_pair(str(text), int(start), int(end))
        for text, start, end in zip(frame["text"], frame["start"], frame["end"], strict=True)
    ]
    # Batch texts of similar length together so that little time goes into padding.
    order = np.argsort([len(marked) for marked, _ in pairs], kind="stable")
    probabilities = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
    batches = range(0, len(pairs), batch_size)
    for begin in _progress(batches, progress, total=len(batches)):
        rows = order[begin : begin + batch_size]
        encodings = tokenizer.encode_batch([pairs[row] for row in rows])
        inputs = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        (logits,) = session.run(["logits"], inputs)
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        probabilities[rows] = exp / exp.sum(axis=1, keepdims=True)
    result = frame.copy()
    result["label"] = [LABELS[i] for i in probabilities.argmax(axis=1)]
    result["score"] = (probabilities[:, 2] - probabilities[:, 0]).astype(float)
    return result


def _progress(items: Iterable, show: bool, total: int) -> Iterable:
    """Return ``items`` wrapped in a tqdm bar when ``show``."""
    if not show:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, total=total, desc="stance")


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

_WORD = re.compile(r"[A-Za-z]+(?:n't|'[A-Za-z]+)?|\d+|[.;:!?]|—|--")
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
def _lexicon_entries() -> dict[str, tuple[float, str]]:
    """Return ``{word: (polarity, kind)}`` from :func:`lexicon`."""
    words = lexicon()
    return {
        word: (float(polarity), kind)
        for word, polarity, kind in zip(
            words["word"], words["polarity"], words["kind"], strict=True
        )
    }


def _base_forms(token: str) -> list[str]:
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


def _lookup(token: str) -> tuple[str, float, str] | None:
    """Return ``(lexicon word, polarity, kind)`` for a token, or None."""
    entries = _lexicon_entries()
    for form in _base_forms(token.lower()):
        if form in entries:
            return (form, *entries[form])
    return None


def explain(text: str, start: int, end: int, *, method: str | None = None) -> pd.DataFrame:
    """Return what decided the stance towards ``text[start:end]`` under ``method``.

    ``method="model"`` (the default where the model is installed): one row, ``decided_by``
    (``"role rule"`` or ``"model"``), ``label``, ``score``, ``reason`` and, when the role
    rule decided, ``cue`` (the act or deed word), ``role`` (agent, patient) and ``kind``.
    ``method="lexicon"``: one row per cue word that counted: ``word`` (as written),
    ``start, end``, ``lexicon_word``, ``kind``, ``polarity``, ``negated``, ``weight`` (what it
    adds to the score) and ``reason``; the score is the sum of ``weight``, clipped to [-1, 1].

    >>> cues = explain("Smith condemned Jones.", 16, 21, method="lexicon")
    >>> cues[["word", "weight"]].values.tolist()
    [['condemned', -1.0]]
    >>> decision = explain("Smith condemned Jones.", 0, 5, method="model")
    >>> decision[["decided_by", "label", "reason"]].values.tolist()
    [['role rule', 'neutral', 'agent of an act (condemn)']]
    """
    if method is None:
        method = default_method()
    if method not in METHODS:
        raise ValueError(value_invalid_msg("method", method, METHODS))
    if method != "lexicon":
        return _explain_decision(text, start, end, method)
    return _explain_lexicon(text, start, end)


def _explain_decision(text: str, start: int, end: int, method: str) -> pd.DataFrame:
    """Return the one-row explanation of :func:`explain` for the model methods."""
    from kit import stance_roles

    row = pd.DataFrame({"text": [text], "start": [start], "end": [end]})
    decided = predict(row, method=method).iloc[0]
    cue = stance_roles.role_cue(text, start, end) if method == "model" else None
    explanation = {
        "decided_by": decided["decided_by"],
        "label": decided["label"],
        "score": float(decided["score"]),
        "reason": "the model's reading of the sentence",
        "cue": None,
        "role": None,
        "kind": None,
    }
    if cue is not None and decided["decided_by"] == "role rule":
        explanation |= {"reason": cue["reason"], "cue": cue["cue"], "role": cue["role"],
                        "kind": cue["kind"]}  # fmt: skip
    elif cue is not None:
        explanation["reason"] += f" ({cue['reason']}: the model decides there)"
    return pd.DataFrame([explanation])


def _explain_lexicon(text: str, start: int, end: int) -> pd.DataFrame:
    """Return the cue rows of :func:`explain` for ``method="lexicon"``."""
    tokens = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
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
        match = _lookup(lowered[index])
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
    cues = _explain_lexicon(text, start, end)
    return float(np.clip(cues["weight"].sum(), -1.0, 1.0)) if len(cues) else 0.0


def _label_of(score: float) -> str:
    """Return the label for a lexicon score."""
    if score >= LEXICON_THRESHOLD:
        return "positive"
    if score <= -LEXICON_THRESHOLD:
        return "negative"
    return "neutral"


# --- summaries --------------------------------------------------------------------------


def t_quantile(probability: float, dof: int) -> float:
    """Return the ``probability`` quantile of Student's t with ``dof`` degrees of freedom.

    Exact for 1 and 2 degrees of freedom; from 3 on, the Cornish-Fisher expansion
    (Abramowitz & Stegun 26.7.5), within 0.2% of the exact value.

    >>> round(t_quantile(0.975, 10), 3)
    2.228
    """
    if dof == 1:
        return math.tan(math.pi * (probability - 0.5))
    if dof == 2:
        return (2 * probability - 1) / math.sqrt(2 * probability * (1 - probability))
    z = NormalDist().inv_cdf(probability)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / dof + g2 / dof**2 + g3 / dof**3 + g4 / dof**4


def summarize(
    stance: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("source", "entity"),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Return one row per group of ``by``: mentions, articles, mean score with its interval, labels.

    Columns: the ``by`` columns, ``n`` (mentions), ``n_articles`` (distinct ``doc_id``),
    ``mean_score``, ``ci_low``, ``ci_high``, then ``negative, neutral, positive`` (counts),
    ``negative_share, neutral_share, positive_share``, and the group's overall stance:
    ``weighted_score`` (mentions in the lead count more, quoted speech less) and ``label``
    (negative, neutral, positive) by the rule of :mod:`kit.stance_articles`. With
    ``by=("doc_id", "entity")`` that is each article's stance toward each entity.

    The interval is a Student-t interval for the mean score, mean ± t·sd/√n, treating each
    mention as independent (mentions in one article are not, so read it as a lower bound on
    the uncertainty). With n = 1 it is NaN.

    >>> rows = pd.DataFrame({"source": ["A", "A"], "entity": ["X", "X"], "doc_id": [1, 2],
    ...                      "score": [0.5, -0.5], "label": ["positive", "negative"]})
    >>> summarize(rows)[["n", "n_articles", "positive", "positive_share"]].to_dict("records")
    [{'n': 2, 'n_articles': 2, 'positive': 1, 'positive_share': 0.5}]
    >>> summarize(rows)["label"].tolist()
    ['neutral']
    """
    group_columns = [by] if isinstance(by, str) else list(by)
    needed = [*group_columns, "score", "label", "doc_id"]
    missing = [column for column in needed if column not in stance.columns]
    if missing:
        raise ValueError(
            f"stance frame: no {', '.join(missing)} column(s); summarize needs {', '.join(needed)}"
        )
    if not 0 < confidence < 1:
        raise ValueError(f"confidence={confidence!r} is not valid; use a number between 0 and 1")
    label_columns = list(LABELS)
    share_columns = [f"{label}_share" for label in LABELS]
    columns = [*group_columns, "n", "n_articles", "mean_score", "ci_low", "ci_high",
               *label_columns, *share_columns, "weighted_score", "label"]  # fmt: skip
    if stance.empty:
        return pd.DataFrame(columns=columns)
    grouped = stance.groupby(group_columns, dropna=False, sort=True)
    summary = grouped.agg(
        n=("score", "size"),
        n_articles=("doc_id", "nunique"),
        mean_score=("score", "mean"),
        sd=("score", "std"),
    )
    dof = summary["n"] - 1
    quantiles = np.array(
        [t_quantile((1 + confidence) / 2, int(d)) if d >= 1 else np.nan for d in dof]
    )
    half_width = quantiles * summary["sd"] / np.sqrt(summary["n"])
    summary["ci_low"] = summary["mean_score"] - half_width
    summary["ci_high"] = summary["mean_score"] + half_width
    counts = (
        stance.assign(label=pd.Categorical(stance["label"], categories=label_columns))
        .groupby([*group_columns, "label"], dropna=False, sort=True, observed=False)
        .size()
        .unstack("label")
        .reindex(columns=label_columns, fill_value=0)
    )
    summary = summary.join(counts)
    for label, share in zip(label_columns, share_columns, strict=True):
        summary[label] = summary[label].fillna(0).astype(int)
        summary[share] = summary[label] / summary["n"]
    from kit.stance_articles import group_labels

    summary = summary.reset_index().merge(
        group_labels(stance, group_columns), on=group_columns, how="left"
    )
    return summary[columns]
