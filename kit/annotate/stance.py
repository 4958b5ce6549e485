"""Target-dependent stance: how a sentence portrays one named target, not its overall mood.

In "Smith condemned Jones" the sentence is negative, but only towards Jones; Smith is the one
who condemns. Two methods read a sentence this way:

- ``"model"`` (default): all-MiniLM-L6-v2 fine-tuned on NewsMTSC (two runs averaged, each
  distilled from a larger fine-tuned model), shipped as an int8 ONNX file in
  ``kit/models/stance/`` and run with onnxruntime (see ``meta.json`` there for its training
  and its measured score; ``train/`` rebuilds it, README says how), combined with the
  role rule of :mod:`kit.annotate.stance_roles`: where the dependency parse shows the target as the
  patient of an act ("X condemned *Y*", "*Y* was sued by X"), the agent of a negative act
  ("*X* condemned Y") or the agent of a negative deed, the rule labels it, unless the model
  is at least ``stance_roles.MODEL_SURE`` (0.92) sure of another label ("*X* falsely accused
  the judge in a bizarre rant": negative); elsewhere the model does. The ``decided_by``
  column and :func:`explain` say which part decided.
- ``"model_only"``: the model without the role rule (it gives the doer of a negative act, as
  in "The board fired Crest", the sentence's mood more often).
- ``"lexicon"``: a short hand-made word list (``kit/annotate/stance_lexicon.csv``) and a few
  rules about where a cue word stands relative to the target. Weaker, but every decision can
  be shown with :func:`explain`.

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
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kit.annotate import stance_roles
from kit.annotate.stance_lexicon import LEXICON_PATH, cue_rows, label_of, lexicon_score
from kit.errors import ArgumentError, MissingPart, value_invalid_msg

METHODS = ("model", "model_only", "lexicon")
LABELS = ("negative", "neutral", "positive")
MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "stance"

TARGET_OPEN = "<<"
TARGET_CLOSE = ">>"
CONTEXT_CHARS = 300
MAX_TOKENS = 128


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
        "kit.annotate.stance: the stance model is unavailable (needs onnxruntime, tokenizers and "
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
        raise ArgumentError(value_invalid_msg("method", method, METHODS))
    missing = [column for column in ("text", "start", "end") if column not in frame.columns]
    if missing:
        raise ArgumentError(
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
        result = _model_decisions(frame, method, batch_size=batch_size, progress=progress)[0]
    else:
        result = frame.copy()
        scores = [
            lexicon_score(str(text), int(start), int(end))
            for text, start, end in zip(frame["text"], frame["start"], frame["end"], strict=True)
        ]
        result["label"] = [label_of(score) for score in scores]
        result["score"] = scores
        result["decided_by"] = "lexicon"
    result["method"] = method
    return result


def _model_decisions(
    frame: pd.DataFrame, method: str, *, batch_size: int = 1, progress: bool = False
) -> tuple[pd.DataFrame, np.ndarray]:
    """Return ``frame`` labelled by ``method`` ("model" or "model_only") with ``decided_by``,
    and the model's probabilities (one row per target), from one run of the model."""
    if default_method() != "model":
        raise MissingPart(
            f"method={method!r}: the stance model is unavailable (needs onnxruntime, "
            f"tokenizers and {MODEL_DIR / 'model.onnx'}); install the kit with its "
            "dependencies or pass method='lexicon'"
        )
    logits = model_logits(frame, batch_size=batch_size, progress=progress)
    result, probabilities = _labelled(frame, logits, MODEL_DIR)
    result["decided_by"] = "model"
    if method == "model":
        result = _apply_role_rule(result, probabilities)
    return result, probabilities


def _by_label(probabilities: np.ndarray) -> dict[str, float]:
    """Return one target's model probabilities as ``{label: probability}``."""
    return dict(zip(LABELS, map(float, probabilities), strict=True))


def _apply_role_rule(scored: pd.DataFrame, probabilities: np.ndarray) -> pd.DataFrame:
    """Return ``scored`` with the role rule's label and score wherever the rule applies.

    Where the parse links the target to an act or deed of the lexicon
    (:func:`kit.stance_roles.role_cue`) and :func:`kit.stance_roles.rule_decides` says so
    (given the model's ``probabilities``, one row per target: negative, neutral, positive),
    the rule decides: ``label`` is the rule's, ``score``
    the cue word's polarity (0 for a neutral agent) and ``decided_by`` is ``"role rule"``.
    """
    texts = [str(text) for text in scored["text"]]
    stance_roles.parse_all(texts)
    cues = [
        stance_roles.role_cue(text, int(start), int(end))
        for text, start, end in zip(texts, scored["start"], scored["end"], strict=True)
    ]
    decided = np.array(
        [
            stance_roles.rule_decides(cue, _by_label(row))
            for cue, row in zip(cues, probabilities, strict=True)
        ]
    )
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

    ``score`` is the model's P(positive) - P(negative). ``label`` is its most likely label once
    the calibration (``logit_bias``) is added: the model alone says "negative" too often.
    Scores stay uncalibrated, so the article rule (``kit.corpus.stance_articles``), which was
    calibrated on them, reads what it was calibrated on. ``threads`` sets onnxruntime's
    intra-op threads (default: ``$KIT_STANCE_THREADS``, else onnxruntime's choice).
    """
    logits = model_logits(
        frame, model_dir=model_dir, batch_size=batch_size, progress=progress, threads=threads
    )
    return _labelled(frame, logits, model_dir)[0]


def _labelled(
    frame: pd.DataFrame, logits: np.ndarray, model_dir: str | Path
) -> tuple[pd.DataFrame, np.ndarray]:
    """Return ``frame`` with the ``label`` and ``score`` that ``logits`` give (see
    :func:`score_with_model`), and the probabilities (one row per target)."""
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities = exp / exp.sum(axis=1, keepdims=True)
    calibrated = logits + logit_bias(str(model_dir))
    result = frame.copy()
    result["label"] = [LABELS[i] for i in calibrated.argmax(axis=1)]
    result["score"] = (probabilities[:, 2] - probabilities[:, 0]).astype(float)
    return result, probabilities


def model_logits(
    frame: pd.DataFrame,
    *,
    model_dir: str | Path = MODEL_DIR,
    batch_size: int = 1,
    progress: bool = False,
    threads: int | None = None,
) -> np.ndarray:
    """Return the model's raw logits (negative, neutral, positive), one row per target."""
    if threads is None:
        threads = int(os.environ.get("KIT_STANCE_THREADS", "0") or 0)
    session, tokenizer = _load_model(str(model_dir), threads)
    pairs = [
        model_pair(str(text), int(start), int(end))
        for text, start, end in zip(frame["text"], frame["start"], frame["end"], strict=True)
    ]
    # Batch texts of similar length together so that little time goes into padding.
    order = np.argsort([len(marked) for marked, _ in pairs], kind="stable")
    logits = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
    batches = range(0, len(pairs), batch_size)
    for begin in _progress(batches, progress, total=len(batches)):
        rows = order[begin : begin + batch_size]
        encodings = tokenizer.encode_batch([pairs[row] for row in rows])
        inputs = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        (logits[rows],) = session.run(["logits"], inputs)
    return logits


@functools.lru_cache(maxsize=4)
def logit_bias(model_dir: str) -> np.ndarray:
    """Return the bias added to the model's logits (zeros without a ``calibration.json``).

    ``train/calibrate_stance.py`` chooses it: the model says "negative" too often.
    """
    path = Path(model_dir) / "calibration.json"
    if not path.exists():
        return np.zeros(len(LABELS), dtype=np.float32)
    bias = json.loads(path.read_text(encoding="utf-8"))["logit_bias"]
    return np.array([bias[label] for label in LABELS], dtype=np.float32)


def _progress(items: Iterable, show: bool, total: int) -> Iterable:
    """Return ``items`` wrapped in a tqdm bar when ``show``."""
    if not show:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, total=total, desc="stance")


def explain(text: str, start: int, end: int, *, method: str | None = None) -> pd.DataFrame:
    """Return what decided the stance towards ``text[start:end]`` under ``method``.

    ``method="model"`` (the default where the model is installed): one row, ``decided_by``
    (``"role rule"`` or ``"model"``), ``label``, ``score``, ``reason`` and, when the role
    rule decided, ``cue`` (the act or deed word), ``role`` (agent, patient) and ``kind``.
    Where the rule read a role but the model decided, ``reason`` says why (the model was sure
    of another label, a weak positive cue, the agent of a positive act).
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
        raise ArgumentError(value_invalid_msg("method", method, METHODS))
    if method != "lexicon":
        return _explain_decision(text, start, end, method)
    return cue_rows(text, start, end)


def _explain_decision(text: str, start: int, end: int, method: str) -> pd.DataFrame:
    """Return the one-row explanation of :func:`explain` for the model methods."""
    row = pd.DataFrame({"text": [text], "start": [start], "end": [end]})
    decisions, probabilities = _model_decisions(row, method)
    decided = decisions.iloc[0]
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
        why = stance_roles.why_the_model_decides(cue, _by_label(probabilities[0]))
        explanation["reason"] += f" ({cue['reason']}: the model decides, {why})"
    return pd.DataFrame([explanation])
