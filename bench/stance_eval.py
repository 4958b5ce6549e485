"""Score every stance method on NewsMTSC, PerSenT and the role sentences, as one table.

Usage (from the repository root)::

    .venv/bin/python bench/stance_eval.py                 # everything (~15 min on a busy machine)
    .venv/bin/python bench/stance_eval.py --limit 60      # first 60 targets/articles of each set

Columns: macro-F1 and accuracy on NewsMTSC ``dev_rw`` and ``devtest_mt`` (targets), the
article-level macro-F1 on PerSenT dev (the author's stance toward the main entity; ``cal`` is
the 70% the article rule of ``kit.corpus.stance_articles`` was calibrated on, ``held`` the 30% kept
out), the share of role sentences (``tests/data/role_sentences.csv``) labelled right, and
targets per CPU-second of this process (onnxruntime ``intra_op_num_threads=1``, so the speed
on one core, tokenising and parsing included, measured on devtest_mt; CPU time rather than
the wall clock so that other programs on a shared machine do not count).

Methods: ``model`` (the default: model + role rule), ``model_only`` (the model alone),
``previous`` (the default before issue 11: the weights in git ``--previous-rev``, no role
rule; when the weights are the same as today's it is ``model_only``, not scored twice),
``lexicon`` and
``vader``: VADER's sentence polarity (ignoring the target) and, for PerSenT, VADER on the whole
article. The data are read from ``--shared`` (default ``../shared``); nothing is written out.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
os.environ["KIT_STANCE_THREADS"] = "1"

from persent import persent_targets, read_persent  # noqa: E402

from kit.annotate import stance  # noqa: E402
from kit.corpus import stance_articles  # noqa: E402

SETS = ("dev_rw", "devtest_mt")
ROLE_SENTENCES = REPO / "tests" / "data" / "role_sentences.csv"
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


def _vader_label(text: str) -> tuple[str, float]:
    """Return VADER's ``(label, compound score)`` of a whole text."""
    compound = _vader_analyzer().polarity_scores(text)["compound"]
    if compound >= 0.05:
        return "positive", compound
    if compound <= -0.05:
        return "negative", compound
    return "neutral", compound


def vader_scored(targets: pd.DataFrame) -> pd.DataFrame:
    """Return ``targets`` with VADER's sentence ``label`` and ``score`` (the target is ignored)."""
    labelled = [_vader_label(text) for text in targets["text"]]
    return targets.assign(label=[lab for lab, _ in labelled], score=[sc for _, sc in labelled])


def previous_model_dir(rev: str) -> Path | None:
    """Return a folder with the stance weights of git ``rev``, or None when they are today's."""
    files = {}
    for name in ("model.onnx", "tokenizer.json"):
        shown = subprocess.run(
            ["git", "-C", str(REPO), "show", f"{rev}:kit/models/stance/{name}"],
            capture_output=True,
            check=True,
        )
        files[name] = shown.stdout
    today = (stance.MODEL_DIR / "model.onnx").read_bytes()
    if hashlib.sha256(today).digest() == hashlib.sha256(files["model.onnx"]).digest():
        return None
    folder = REPO / "artifacts" / f"stance-model-{rev.replace('/', '_')}"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return folder


def method_runners(previous_rev: str) -> dict[str, Callable[[pd.DataFrame], pd.DataFrame] | str]:
    """Return ``{name: scoring function}`` (frame -> label, score), or why a method cannot run."""
    runners: dict[str, Callable[[pd.DataFrame], pd.DataFrame] | str] = {}
    if stance.default_method() == "model":
        runners["model"] = lambda frame: stance.predict(frame, method="model")
        runners["model_only"] = lambda frame: stance.predict(frame, method="model_only")
        previous = previous_model_dir(previous_rev)
        if previous is None:
            runners["previous"] = runners["model_only"]
        else:
            runners["previous"] = lambda frame: stance.score_with_model(frame, model_dir=previous)
    else:
        for name in ("model", "model_only", "previous"):
            runners[name] = "unavailable (needs onnxruntime, tokenizers and the weights)"
    runners["lexicon"] = lambda frame: stance.predict(frame, method="lexicon")
    try:
        import vaderSentiment  # noqa: F401

        runners["vader"] = vader_scored
    except ImportError:
        runners["vader"] = "unavailable (pip install vadersentiment)"
    return runners


def role_targets() -> pd.DataFrame:
    """Return the role sentences as targets: ``text, start, end, gold``."""
    cases = pd.read_csv(ROLE_SENTENCES)
    starts = [text.index(target) for text, target in zip(cases["sentence"], cases["target"],
                                                          strict=True)]  # fmt: skip
    return pd.DataFrame(
        {
            "text": cases["sentence"],
            "start": starts,
            "end": [
                start + len(target) for start, target in zip(starts, cases["target"], strict=True)
            ],  # fmt: skip
            "gold": cases["gold"],
        }
    )


def held_out(doc_ids: pd.Series) -> pd.Series:
    """Return True for the ~30% of PerSenT articles kept out of the article rule's calibration."""
    return doc_ids.map(lambda doc: int(hashlib.md5(doc.encode()).hexdigest(), 16) % 10 < 3)


def article_labels(method: str, runner: Callable, articles: pd.DataFrame,
                   mentions: pd.DataFrame) -> pd.Series:  # fmt: skip
    """Return each PerSenT article's predicted label (indexed by doc_id)."""
    if method == "vader":
        text = (
            articles["title"].str.capitalize()
            + ". "
            + articles["masked"].str.replace("[TGT]", " ", regex=False)
        )
        return pd.Series([_vader_label(t)[0] for t in text], index=articles["doc_id"])
    scored = runner(mentions).rename(columns={"text": "sentence"})
    summary = stance_articles.summarize(scored, by=("doc_id", "entity"))
    labels = summary.set_index("doc_id")["label"]
    return labels.reindex(articles["doc_id"]).fillna("neutral")


def evaluate(shared: Path, limit: int | None, previous_rev: str) -> pd.DataFrame:
    """Return one row per method with every figure of the table."""
    data_dir = shared / "stance" / "newsmtsc"
    sets = {name: stance.read_newsmtsc(data_dir / f"{name}.jsonl", limit) for name in SETS}
    articles = read_persent(shared / "stance" / "persent" / "dev.csv")
    if limit:
        articles = articles.head(limit)
    mentions = persent_targets(articles)
    held = held_out(articles["doc_id"]).to_numpy()
    roles = role_targets()
    rows: list[dict] = []
    done: dict[int, dict] = {}
    for method, runner in method_runners(previous_rev).items():
        if isinstance(runner, str):
            rows.append({"method": method, "note": runner})
            continue
        if id(runner) in done:  # the same weights and method: the same figures
            rows.append(done[id(runner)] | {"method": method})
            continue
        print(f"scoring {method} ...", file=sys.stderr, flush=True)
        runner(sets["dev_rw"].head(4))  # warm up: load the model, the lexicon, the parser
        row: dict = {"method": method, "note": ""}
        for name, targets in sets.items():
            # CPU time of this process (one onnxruntime thread): the speed on one core even
            # when other programs share the machine.
            started = time.process_time()
            predicted = runner(targets)["label"]
            elapsed = time.process_time() - started
            row[f"{name}_f1"] = macro_f1(targets["gold"], predicted)
            row[f"{name}_acc"] = 100 * float(np.mean(predicted.to_numpy() == targets["gold"]))
            if name == "devtest_mt":
                row["targets_per_s"] = len(targets) / elapsed
        labels = article_labels(method, runner, articles, mentions).to_numpy()
        gold = articles["gold"].to_numpy()
        row["persent_cal_f1"] = macro_f1(gold[~held], labels[~held])
        row["persent_held_f1"] = macro_f1(gold[held], labels[held])
        row["persent_f1"] = macro_f1(gold, labels)
        row["roles_acc"] = 100 * float(np.mean(runner(roles)["label"].to_numpy() == roles["gold"]))
        rows.append(row)
        done[id(runner)] = row
    return pd.DataFrame(rows)


def format_table(results: pd.DataFrame) -> str:
    """Return the results as a fixed-width text table."""
    header = (
        f"{'method':<11} {'dev_rw F1':>9} {'acc':>5} {'devtest_mt F1':>13} {'acc':>5} "
        f"{'PerSenT F1':>10} {'(cal':>5} {'held)':>5} {'roles':>6} {'targets/s':>9}"
    )
    lines = [header, "-" * len(header)]
    for row in results.to_dict("records"):
        if row.get("note"):
            lines.append(f"{row['method']:<11} {row['note']}")
            continue
        lines.append(
            f"{row['method']:<11} {row['dev_rw_f1']:>9.1f} {row['dev_rw_acc']:>5.1f} "
            f"{row['devtest_mt_f1']:>13.1f} {row['devtest_mt_acc']:>5.1f} "
            f"{row['persent_f1']:>10.1f} {row['persent_cal_f1']:>5.1f} "
            f"{row['persent_held_f1']:>5.1f} {row['roles_acc']:>6.1f} {row['targets_per_s']:>9.0f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N targets/articles")
    parser.add_argument(
        "--shared", type=Path, default=REPO.parent / "shared", help="folder holding stance/"
    )
    parser.add_argument(
        "--previous-rev",
        default="79ab12e",
        help="git revision whose stance weights are the 'previous' row (default: before issue 11)",
    )
    args = parser.parse_args(argv)
    for needed in ("newsmtsc", "persent"):
        if not (args.shared / "stance" / needed).exists():
            parser.error(
                f"{args.shared / 'stance' / needed} is absent; pass --shared with the folder "
                "that holds stance/newsmtsc and stance/persent"
            )
    results = evaluate(args.shared, args.limit, args.previous_rev)
    print(format_table(results))
    print(REFERENCE)
    print(
        "PerSenT: article label by kit.corpus.stance_articles (calibrated on 'cal', 70% of dev); "
        "VADER: whole article, ±0.05. Majority class on PerSenT test: 22 (DESIGN.md)."
    )
    print(
        "Speed: targets per CPU-second, one thread (onnxruntime intra_op_num_threads=1), "
        "tokenising and parsing included."
    )
    print(f"Article rule: lead {stance_articles.LEAD_SENTENCES} sentences ×"
          f"{stance_articles.LEAD_WEIGHT}, quotes ×{stance_articles.QUOTE_WEIGHT}, "
          f"positive from {stance_articles.POSITIVE_FROM}, "
          f"negative to {stance_articles.NEGATIVE_TO}.")  # fmt: skip


if __name__ == "__main__":
    main()
