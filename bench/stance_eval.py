"""Score every stance method on NewsMTSC and print macro-F1, accuracy and speed as one table.

Usage (from the repository root)::

    .venv/bin/python bench/stance_eval.py                 # full dev_rw and devtest_mt
    .venv/bin/python bench/stance_eval.py --limit 60      # first 60 targets of each set

Speed is measured single-threaded (onnxruntime ``intra_op_num_threads=1``) after a warm-up,
and includes tokenisation. The VADER row scores the whole sentence (compound score beyond
±0.05), ignoring the target: the baseline a target-dependent method has to beat.
NewsMTSC is read from ``--shared`` (default ``../shared``); nothing of it is written out.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ["KIT_STANCE_THREADS"] = "1"

from kit import stance  # noqa: E402

SETS = ("dev_rw", "devtest_mt")
REFERENCE = (
    "Published reference (Hamborg & Donnay 2021, real-world test set): "
    "RoBERTa GRU-TSC 83.1 macro-F1, BERT SPC 80.1."
)


def macro_f1(gold: pd.Series, predicted: pd.Series) -> float:
    """Return the macro-averaged F1 (in %) over negative, neutral and positive."""
    gold_array, predicted_array = np.asarray(gold), np.asarray(predicted)
    scores = []
    for label in stance.LABELS:
        tp = np.sum((predicted_array == label) & (gold_array == label))
        fp = np.sum((predicted_array == label) & (gold_array != label))
        fn = np.sum((predicted_array != label) & (gold_array == label))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return 100 * float(np.mean(scores))


@functools.lru_cache(maxsize=1)
def _vader_analyzer() -> object:
    """Return one VADER analyzer (building it reads its lexicon)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_labels(targets: pd.DataFrame) -> list[str]:
    """Return VADER's sentence polarity for each row (the target is ignored)."""
    analyzer = _vader_analyzer()
    labels = []
    for text in targets["text"]:
        compound = analyzer.polarity_scores(text)["compound"]
        if compound >= 0.05:
            labels.append("positive")
        elif compound <= -0.05:
            labels.append("negative")
        else:
            labels.append("neutral")
    return labels


def method_runners() -> dict[str, Callable[[pd.DataFrame], list[str]] | str]:
    """Return ``{name: labelling function}``, or a reason string for a method that cannot run."""
    runners: dict[str, Callable[[pd.DataFrame], list[str]] | str] = {
        "lexicon": lambda targets: stance.predict(targets, method="lexicon")["label"].tolist(),
    }
    if stance.default_method() == "model":
        runners["model"] = lambda targets: stance.predict(targets, method="model")["label"].tolist()
    else:
        runners["model"] = "unavailable (needs onnxruntime, tokenizers and the weights)"
    try:
        import vaderSentiment  # noqa: F401

        runners["vader (sentence)"] = vader_labels
    except ImportError:
        runners["vader (sentence)"] = "unavailable (pip install vadersentiment)"
    return runners


def evaluate(shared: Path, limit: int | None) -> pd.DataFrame:
    """Return one row per (method, set): ``n, macro_f1, accuracy, targets_per_s``."""
    data_dir = shared / "stance" / "newsmtsc"
    sets = {name: stance.read_newsmtsc(data_dir / f"{name}.jsonl", limit) for name in SETS}
    rows = []
    for method, runner in method_runners().items():
        if isinstance(runner, str):
            rows.append({"method": method, "set": "-", "note": runner})
            continue
        runner(next(iter(sets.values())).head(4))  # warm up: load the model, the lexicon
        for name, targets in sets.items():
            started = time.perf_counter()
            predicted = runner(targets)
            elapsed = time.perf_counter() - started
            rows.append(
                {
                    "method": method,
                    "set": name,
                    "n": len(targets),
                    "macro_f1": macro_f1(targets["gold"], predicted),
                    "accuracy": 100 * float(np.mean(np.asarray(predicted) == targets["gold"])),
                    "targets_per_s": len(targets) / elapsed,
                    "note": "",
                }
            )
    return pd.DataFrame(rows)


def format_table(results: pd.DataFrame) -> str:
    """Return the results as a fixed-width text table."""
    lines = [
        f"{'method':<18} {'set':<11} {'n':>5} {'macro-F1':>9} {'accuracy':>9} {'targets/s':>10}",
        "-" * 67,
    ]
    for row in results.itertuples():
        if row.set == "-":
            lines.append(f"{row.method:<18} {row.note}")
            continue
        lines.append(
            f"{row.method:<18} {row.set:<11} {int(row.n):>5d} {row.macro_f1:>9.1f} "
            f"{row.accuracy:>9.1f} {row.targets_per_s:>10.0f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N targets of each set")
    parser.add_argument(
        "--shared", type=Path, default=REPO.parent / "shared", help="folder holding stance/newsmtsc"
    )
    args = parser.parse_args(argv)
    data_dir = args.shared / "stance" / "newsmtsc"
    if not data_dir.exists():
        parser.error(
            f"{data_dir} is absent; pass --shared with the folder that holds stance/newsmtsc"
        )
    results = evaluate(args.shared, args.limit)
    print(format_table(results))
    print(REFERENCE)
    print("Speed: one core (onnxruntime intra_op_num_threads=1), including tokenisation.")


if __name__ == "__main__":
    main()
