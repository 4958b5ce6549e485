"""Train the line model (``kit/ingest/lines.py``) and write its weights, ``kit/models/lines.json``.

Data: the pages of ``../shared/corpora/extraction-dev`` that are NOT in the held-out third
(``bench/extraction_dev.py``). Each page is rendered to text as a scraper's "save as text"
would (inscriptis); a line is labelled body when trafilatura, reading the same page's HTML,
keeps it (corrected by the page's passages: a line holding one the article must keep is body,
a short line holding one it must not keep is not). Stage one, over each line's own and
neighbours' features, is a set of gradient-boosted trees (scikit-learn's histogram boosting,
one thread, a fixed seed); stage two, over its first score, its neighbours' scores and its own
shape, another. Stage two learns from out-of-fold stage-one scores (``INNER_FOLDS`` folds of
pages), as it will see them on a page stage one never saw. The threshold is the one at which
the whole cleaner (``kit.ingest.clean.clean_page``: the model, then the rules), reading those
out-of-fold scores, keeps the most ``with`` passages of the training pages at an F1 within
0.01 of the best (and at least 90% of them). The same data and scikit-learn version give the
same table, to the last digit.

Run: ``.venv/bin/python train/train_lines.py`` (a few minutes; ``--out`` to write elsewhere;
``--cross-validate 5`` prints the whole cleaner's figures on each fold of training pages, by
threshold, from models that never saw that fold, for all of them and for the English ones:
what the threshold and the README's cross-validation figures come from). ``train(pages)`` is
importable so that a test can run it on pages it writes itself.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from kit.ingest.lines import (  # noqa: E402
    MODEL_PATH,
    LineModel,
    context_features,
    line_features,
    model_from_table,
    model_table,
    word_tokens,
)

MIN_RECALL = 0.9
# Within 0.01 of F1 the thresholds are alike (folds of cross-validation differ by more); the
# issue asks for recall first (0.95), so the highest recall among them wins.
F1_TOLERANCE = 0.01
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
SEED = 20260212
INNER_FOLDS = 4
# Histogram gradient boosting; a leaf holds at least 40 lines (fewer on a test's tiny pages).
# Small and shallow: walking the trees is most of what cleaning a page costs, and 5-fold
# cross-validation on the training pages put 100 trees of depth 8 and 60 of depth 6 within
# 0.002 of F1 of 200 and 150 unbounded ones (31 leaves each), at a fifth of the cost.
SHAPE_TREES = {
    "max_iter": 100,
    "max_depth": 8,
    "learning_rate": 0.1,
    "max_leaf_nodes": 31,
    "l2_regularization": 1.0,
}
CONTEXT_TREES = {**SHAPE_TREES, "max_iter": 60, "max_depth": 6}
MIN_LEAF_LINES = 40
# The word table: a word's log-odds of being in a body line (against the share of body lines),
# for words on at least WORD_MIN_PAGES training pages; each page counts a word on at most
# WORD_PAGE_CAP lines (a page of 300 "Reply" lines is one page's habit), smoothed towards the
# base rate by WORD_PRIOR lines; |log-odds| below WORD_MIN_ODDS is left out (it says nothing).
WORD_MIN_PAGES = 5
WORD_PAGE_CAP = 3
WORD_PRIOR = 5.0
WORD_MIN_ODDS = 0.25
WORD_MAX_ODDS = 4.0


@dataclass(frozen=True)
class TrainingPage:
    """A page as text, which of its lines are body, and the passages it must (not) keep."""

    page_id: str
    lines: list[str]
    labels: list[int]
    with_passages: Sequence[str] = ()
    without_passages: Sequence[str] = ()


def squash(text: str) -> str:
    return " ".join(text.split())


_MARKERS = re.compile(r"^(?:[*•·+\-–—|>]+|\d+[.)])\s*|\s*\|\s*$")


def _core(text: str) -> str:
    """Return a line without list markers and table bars, squashed (as extractors print it)."""
    text = squash(text.replace("|", " "))
    return _MARKERS.sub("", text).strip()


def _shingles(words: list[str], size: int = 3) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def label_lines(
    lines: list[str],
    extracted: str,
    with_passages: Sequence[str] = (),
    without_passages: Sequence[str] = (),
) -> list[int]:
    """Return 1 for each line that an extractor's output holds, 0 for the others.

    A line of 4+ words is held when most of its word 3-grams are in the output (list markers
    and table bars aside: renderers print them differently); a shorter one only when it is a
    whole line of the output ("Home" is in most texts). The page's annotated passages correct
    the extractor where it erred: a line holding a passage the article must keep is body, a
    short line holding one it must not keep is not.
    """
    output_lines = {_core(line) for line in extracted.split("\n") if line.strip()}
    output_shingles = _shingles(_core(extracted.replace("\n", " ")).split())
    must = [squash(passage) for passage in with_passages if passage.strip()]
    must_not = [squash(passage) for passage in without_passages if passage.strip()]
    labels = []
    for line in lines:
        core = _core(line)
        words = core.split()
        if len(words) >= 4:
            shingles = _shingles(words)
            kept = len(shingles & output_shingles) >= 0.5 * len(shingles)
        else:
            kept = core in output_lines
        squashed = squash(line)
        if any(
            passage in squashed or (len(squashed) >= 20 and squashed in passage) for passage in must
        ):
            kept = True
        if any(
            passage in squashed and len(squashed) < 2 * len(passage) + 20 for passage in must_not
        ):
            kept = False
        labels.append(int(kept))
    return labels


def page_lines(text: str) -> list[str]:
    """Return the non-empty lines of a page as text, stripped (what the cleaner scores)."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def snippet_score(
    pages: Sequence[TrainingPage],
    kept: Sequence[Sequence[bool]],
    *,
    texts: Sequence[str] | None = None,
) -> tuple[float, float, float]:
    """Return (precision, recall, F1) against the pages' passages, of the kept lines or texts."""
    tp = fn = fp = 0
    for number, page in enumerate(pages):
        if texts is not None:
            output = squash(texts[number])
        else:
            pairs = zip(page.lines, kept[number], strict=True)
            output = squash(" ".join(line for line, keep in pairs if keep))
        found = sum(squash(passage) in output for passage in page.with_passages)
        tp += found
        fn += len(page.with_passages) - found
        fp += sum(squash(passage) in output for passage in page.without_passages)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def word_table(pages: Sequence[TrainingPage]) -> dict[str, float]:
    """Return each word's log-odds of being in an article line rather than around it.

    >>> page = TrainingPage("p", ["Read more", "The talks resumed."] * 5, [0, 1] * 5)
    >>> table = word_table([page] * 5)
    >>> table["read"] < 0 < table["talks"]
    True
    """
    body: dict[str, float] = {}
    other: dict[str, float] = {}
    on_pages: dict[str, int] = {}
    body_lines = other_lines = 0
    for page in pages:
        page_body: dict[str, int] = {}
        page_other: dict[str, int] = {}
        for line, label in zip(page.lines, page.labels, strict=True):
            counts = page_body if label else page_other
            for token in word_tokens(line):
                counts[token] = counts.get(token, 0) + 1
            body_lines += label
            other_lines += 1 - label
        for token in page_body.keys() | page_other.keys():
            on_pages[token] = on_pages.get(token, 0) + 1
            body[token] = body.get(token, 0) + min(page_body.get(token, 0), WORD_PAGE_CAP)
            other[token] = other.get(token, 0) + min(page_other.get(token, 0), WORD_PAGE_CAP)
    rate = body_lines / max(body_lines + other_lines, 1)
    if not 0 < rate < 1:
        return {}
    base = math.log(rate / (1 - rate))
    table = {}
    for token, pages_with in on_pages.items():
        if pages_with < WORD_MIN_PAGES:
            continue
        seen = body[token] + other[token]
        share = (body[token] + WORD_PRIOR * rate) / (seen + WORD_PRIOR)
        odds = math.log(share / (1 - share)) - base
        if abs(odds) >= WORD_MIN_ODDS:
            table[token] = round(max(-WORD_MAX_ODDS, min(WORD_MAX_ODDS, odds)), 3)
    return dict(sorted(table.items()))


def _features_out_of_fold(pages: Sequence[TrainingPage]) -> list[np.ndarray]:
    """Return each page's line features with a word table learned from the other folds' pages
    (a page's own lines never vouch for its words, as on a page the model never saw)."""
    folds = [page_fold(page.page_id, INNER_FOLDS) for page in pages]
    features: list[np.ndarray] = [np.zeros(0)] * len(pages)
    for fold in set(folds):
        words = word_table([page for page, f in zip(pages, folds, strict=True) if f != fold])
        for number, page in enumerate(pages):
            if folds[number] == fold:
                features[number] = line_features(page.lines, words)
    return features


def page_fold(page_id: str, folds: int) -> int:
    """Return the fold of a page (a hash of its id: the same page, the same fold)."""
    return int(hashlib.sha256(page_id.encode()).hexdigest(), 16) % folds


def fit_trees(features: np.ndarray, labels: np.ndarray, settings: dict) -> dict:
    """Return the table (``kit.ingest.trees``) of boosted trees fitted to ``labels``."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    leaf = min(MIN_LEAF_LINES, max(5, len(labels) // 50))
    estimator = HistGradientBoostingClassifier(
        **settings, min_samples_leaf=leaf, early_stopping=False, random_state=SEED % 2**31
    )
    with threadpool_limits(1):  # one thread: sums in the same order, the same trees every run
        estimator.fit(features, labels)
    return _tree_table(estimator)


def _tree_table(estimator) -> dict:
    """Return a fitted scikit-learn histogram booster as flat node lists (leaves point to self).

    An inner node's value is the mean output of the training rows below it, so that the audit
    can say which splits pushed a line's score down (``BoostedTrees.contributions``).
    """
    trees, depth = [], 0
    for (predictor,) in estimator._predictors:
        nodes = predictor.nodes
        count = len(nodes)
        leaf = nodes["is_leaf"].astype(bool)
        value = nodes["value"].astype(float).copy()
        rows = nodes["count"].astype(float)
        left = np.where(leaf, np.arange(count), nodes["left"]).astype(int)
        right = np.where(leaf, np.arange(count), nodes["right"]).astype(int)
        for i in range(count - 1, -1, -1):  # children come after their parent
            if not leaf[i]:
                total = rows[left[i]] + rows[right[i]]
                value[i] = (rows[left[i]] * value[left[i]] + rows[right[i]] * value[right[i]]) / (
                    total or 1.0
                )
        depth = max(depth, int(nodes["depth"].max()))
        trees.append(
            {
                "feature": np.where(leaf, -1, nodes["feature_idx"]).astype(int).tolist(),
                "threshold": [
                    float(f"{t:.9g}") for t in np.where(leaf, 0.0, nodes["num_threshold"])
                ],
                "left": left.tolist(),
                "right": right.tolist(),
                "value": np.round(value, 6).tolist(),
            }
        )
    baseline = round(float(np.ravel(estimator._baseline_prediction)[0]), 6)
    return {"baseline": baseline, "depth": depth, "trees": trees}


def _stage_one_out_of_fold(
    pages: Sequence[TrainingPage], features: Sequence[np.ndarray]
) -> list[np.ndarray]:
    """Return each page's stage-one scores from trees fitted on the other folds of pages."""
    folds = [page_fold(page.page_id, INNER_FOLDS) for page in pages]
    scores: list[np.ndarray] = [np.zeros(len(page.lines)) for page in pages]
    for fold in range(INNER_FOLDS):
        inside = [number for number, page_fold_ in enumerate(folds) if page_fold_ != fold]
        if len(inside) == len(pages) or not inside:
            continue
        table = fit_trees(
            np.vstack([features[number] for number in inside]),
            np.concatenate([pages[number].labels for number in inside]),
            SHAPE_TREES,
        )
        shape = _model({"shape_trees": table}, features[0].shape[1])
        for number, page_fold_ in enumerate(folds):
            if page_fold_ == fold:
                scores[number] = shape.first_scores(features[number])
    return scores


def _model(
    tables: dict, width: int, threshold: float = 0.5, mean=None, scale=None, words=None
) -> LineModel:
    """Return a LineModel from tree tables (a stage left out predicts 0.5), via the JSON table."""
    from kit.ingest.lines import context_names, feature_names

    empty = {
        "baseline": 0.0,
        "depth": 0,
        "trees": [{"feature": [-1], "threshold": [0.0], "left": [0], "right": [0], "value": [0.0]}],
    }
    names = feature_names()
    table = {
        "features": [
            {"name": name, "mean": float(m), "scale": float(s)}
            for name, m, s in zip(
                names,
                np.zeros(width) if mean is None else mean,
                np.ones(width) if scale is None else scale,
                strict=True,
            )
        ],
        "context_features": context_names(),
        "threshold": threshold,
        "words": words or {},
        "shape_trees": tables.get("shape_trees", empty),
        "context_trees": tables.get("context_trees", empty),
    }
    return model_from_table(json.loads(json.dumps(table)))


class _FixedScores:
    """A line model that gives a page the scores it was given (the cleaner's threshold test)."""

    def __init__(self, model: LineModel, scores: np.ndarray, threshold: float) -> None:
        self.model, self._scores, self.threshold = model, scores, threshold

    def features(self, lines: list[str]) -> np.ndarray:
        return self.model.features(lines)

    def scores(self, features: np.ndarray) -> np.ndarray:
        return self._scores

    def contributions(self, features: np.ndarray):
        return self.model.contributions(features)


def train(pages: Sequence[TrainingPage], *, choose_threshold: bool = True) -> LineModel:
    """Return the line model fitted to ``pages`` (the same pages give the same model).

    Its threshold is chosen on scores from stage-one trees that never saw the page (0.5
    without ``choose_threshold``).
    """
    pages = [page for page in pages if page.lines]
    features = _features_out_of_fold(pages)
    words = word_table(pages)
    stacked = np.vstack(features)
    labels = np.concatenate([np.array(page.labels, dtype=float) for page in pages])
    mean = stacked.mean(axis=0)
    scale = stacked.std(axis=0)
    scale[scale < 1e-9] = 1.0
    mean, scale = np.round(mean, 6), np.round(scale, 6)
    width = stacked.shape[1]
    shape_table = fit_trees(stacked, labels, SHAPE_TREES)
    first = _stage_one_out_of_fold(pages, features)
    context = np.vstack([context_features(s, f) for s, f in zip(first, features, strict=True)])
    context_table = fit_trees(context, labels, CONTEXT_TREES)
    tables = {"shape_trees": shape_table, "context_trees": context_table}
    model = _model(tables, width, 0.5, mean, scale, words)
    if not choose_threshold:
        return model
    stage_two = _model({"context_trees": context_table}, width, 0.5, mean, scale)
    logits = [
        stage_two.context.raw(context_features(s, f)) for s, f in zip(first, features, strict=True)
    ]
    scores = [1 / (1 + np.exp(-np.clip(logit, -30, 30))) for logit in logits]
    return _with_threshold(model, pages, scores)


def _with_threshold(
    model: LineModel, pages: Sequence[TrainingPage], scores: Sequence[np.ndarray]
) -> LineModel:
    """Return the model with the threshold at which the whole cleaner does best on ``pages``.

    The cleaner reads each page's ``scores`` (stage two over out-of-fold stage-one scores).
    Best: among the thresholds that keep ``MIN_RECALL`` of the passages the articles must keep
    (all of them if none does), the one of highest recall whose F1 is within ``F1_TOLERANCE``
    of the highest F1: recall is what the cleaner most often lacks, and a hair of F1 on the
    training pages is within the noise.
    """
    from kit.ingest.clean import clean_page

    if not any(page.with_passages for page in pages):
        return model
    figures = []
    for threshold in THRESHOLDS:
        texts = [
            clean_page("\n".join(page.lines), model=_FixedScores(model, page_scores, threshold))[0]
            for page, page_scores in zip(pages, scores, strict=True)
        ]
        precision, recall, f1 = snippet_score(pages, [], texts=texts)
        print(f"threshold {threshold}: P {precision:.3f} R {recall:.3f} F1 {f1:.3f}", flush=True)
        figures.append((threshold, recall, f1))
    eligible = [row for row in figures if row[1] >= MIN_RECALL] or figures
    best_f1 = max(f1 for _, _, f1 in eligible)
    close = [row for row in eligible if row[2] >= best_f1 - F1_TOLERANCE]
    return replace(model, threshold=max(close, key=lambda row: (row[1], row[2]))[0])


def dev_training_pages() -> tuple[list[TrainingPage], str]:
    """Return the training pages of extraction-dev (not held out) and a digest of the data."""
    from extraction_dev import CACHE, load_pages, render_text

    from kit.ingest.html_pages import read_html_page

    digest = hashlib.sha256()
    pages = []
    for page in load_pages():
        if page.held_out:
            continue
        digest.update(page.page_id.encode() + hashlib.sha256(page.html).digest())
        text = render_text(page)
        cached = (
            CACHE / "extracted" / f"{page.page_id}-{hashlib.sha256(page.html).hexdigest()[:16]}.txt"
        )
        if cached.exists():
            extracted = cached.read_text(encoding="utf-8")
        else:
            result = read_html_page(page.html)
            extracted = result.text if result.kind == "html" else ""
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_text(extracted, encoding="utf-8")
        lines = page_lines(text)
        pages.append(
            TrainingPage(
                page.page_id,
                lines,
                label_lines(lines, extracted, page.with_passages, page.without_passages),
                page.with_passages,
                page.without_passages,
            )
        )
    return pages, digest.hexdigest()[:16]


def cross_validate(
    pages: Sequence[TrainingPage], folds: int, english: frozenset[str] = frozenset()
) -> None:
    """Print the whole cleaner's figures, by threshold, on each fold of pages from a model
    trained on the other folds (all folds together: every page scored by a model that never
    saw it), and on the ``english`` pages among them."""
    from kit.ingest.clean import clean_page

    pages = [page for page in pages if page.lines]
    texts: dict[float, list[str]] = {threshold: [] for threshold in THRESHOLDS}
    ordered: list[TrainingPage] = []
    for fold in range(folds):
        inside = [page for page in pages if page_fold(page.page_id, folds) != fold]
        outside = [page for page in pages if page_fold(page.page_id, folds) == fold]
        model = train(inside, choose_threshold=False)
        print(f"fold {fold}: {len(outside)} pages", flush=True)
        for page in outside:
            scores = model.scores(model.features(page.lines))
            for threshold in THRESHOLDS:
                fixed = _FixedScores(model, scores, threshold)
                texts[threshold].append(clean_page("\n".join(page.lines), model=fixed)[0])
        ordered += outside
    in_english = [number for number, page in enumerate(ordered) if page.page_id in english]
    for threshold in THRESHOLDS:
        precision, recall, f1 = snippet_score(ordered, [], texts=texts[threshold])
        line = (
            f"cross-validated, threshold {threshold}: P {precision:.3f} R {recall:.3f} F1 {f1:.3f}"
        )
        if in_english:
            precision, recall, f1 = snippet_score(
                [ordered[number] for number in in_english],
                [],
                texts=[texts[threshold][number] for number in in_english],
            )
            line += (
                f"; {len(in_english)} English pages P {precision:.3f} R {recall:.3f} F1 {f1:.3f}"
            )
        print(line)


def main() -> None:
    import sklearn

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--cross-validate", type=int, metavar="FOLDS", default=0)
    arguments = parser.parse_args()
    pages, data_digest = dev_training_pages()
    if arguments.cross_validate:
        from extraction_dev import DEV

        english = json.loads((DEV / "english.json").read_text(encoding="utf-8"))
        cross_validate(pages, arguments.cross_validate, frozenset(english))
        return
    model = train(pages)
    table = model_table(
        model,
        about="kit/ingest/lines.py line model; made by train/train_lines.py, do not edit by hand",
        training_pages=len(pages),
        training_data="extraction-dev, pages not held out (bench/extraction_dev.py)",
        training_data_sha256=data_digest,
        scikit_learn=sklearn.__version__,
    )
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(table, indent=None, separators=(",", ":"))
    arguments.out.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {arguments.out} (threshold {model.threshold})")


if __name__ == "__main__":
    main()
