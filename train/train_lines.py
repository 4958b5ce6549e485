"""Train the line model (``kit/ingest/lines.py``) and write its weights, ``kit/models/lines.json``.

Data: the pages of ``../shared/corpora/extraction-dev`` that are NOT in the held-out third
(``bench/extraction_dev.py``). Each page is rendered to text as a scraper's "save as text"
would (inscriptis); a line is labelled body when trafilatura, reading the same page's HTML,
keeps it (corrected by the page's passages: a line holding one the article must keep is body,
a short line holding one it must not keep is not). Stage one, over each line's own and
neighbours' features, is a one-hidden-layer network fitted by Adam from a fixed seed; stage
two, over its first score and its neighbours' scores, a logistic regression fitted by Newton's
method with an L2 penalty: the same data gives the same table, to the last digit. The
threshold is the one at which the whole cleaner (``kit.ingest.clean.clean_page``: the model,
then the rules) keeps the most ``with`` passages of the training pages at an F1 within 0.005
of the best (and at least 90% of them).

Run: ``.venv/bin/python train/train_lines.py`` (about two minutes; ``--out`` to write elsewhere).
``train(pages)`` is importable so that a test can run it on pages it writes itself.
"""

from __future__ import annotations

import argparse
import hashlib
import json
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
    model_table,
)

L2 = 1.0
MIN_RECALL = 0.9
F1_TOLERANCE = 0.005
THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3)
SEED = 20260212
HIDDEN = 24
EPOCHS = 6
BATCH = 256
LEARNING_RATE = 0.003
WEIGHT_DECAY = 1e-4


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


def fit_logistic(features: np.ndarray, labels: np.ndarray, *, l2: float = L2) -> np.ndarray:
    """Return weights (bias last) of an L2-penalised logistic regression, by Newton's method."""
    design = np.hstack([features, np.ones((len(features), 1))])
    weights = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(50):
        probabilities = 1 / (1 + np.exp(-np.clip(design @ weights, -30, 30)))
        gradient = design.T @ (probabilities - labels) + penalty * weights
        curvature = design.T @ (design * (probabilities * (1 - probabilities))[:, None])
        step = np.linalg.solve(curvature + np.diag(penalty) + 1e-9 * np.eye(len(weights)), gradient)
        weights -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return weights


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


def fit_network(
    features: np.ndarray, labels: np.ndarray, *, hidden: int = HIDDEN, seed: int = SEED
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Return (W1, b1, w2, b2) of a one-hidden-layer tanh network fitted by Adam (seeded)."""
    rng = np.random.default_rng(seed)
    n_features = features.shape[1]
    params = [
        rng.normal(0, 1 / np.sqrt(n_features), (n_features, hidden)),
        np.zeros(hidden),
        rng.normal(0, 1 / np.sqrt(hidden), hidden),
        np.zeros(1),
    ]
    moments = [np.zeros_like(param) for param in params]
    squares = [np.zeros_like(param) for param in params]
    step = 0
    for _ in range(EPOCHS):
        order = rng.permutation(len(features))
        for start in range(0, len(order), BATCH):
            batch = order[start : start + BATCH]
            inputs, targets = features[batch], labels[batch]
            hidden_out = np.tanh(inputs @ params[0] + params[1])
            logits = hidden_out @ params[2] + params[3][0]
            error = (1 / (1 + np.exp(-np.clip(logits, -30, 30))) - targets) / len(batch)
            back = np.outer(error, params[2]) * (1 - hidden_out**2)
            gradients = [
                inputs.T @ back + WEIGHT_DECAY * params[0],
                back.sum(axis=0),
                hidden_out.T @ error + WEIGHT_DECAY * params[2],
                np.array([error.sum()]),
            ]
            step += 1
            for k, gradient in enumerate(gradients):
                moments[k] = 0.9 * moments[k] + 0.1 * gradient
                squares[k] = 0.999 * squares[k] + 0.001 * gradient**2
                corrected = moments[k] / (1 - 0.9**step)
                scale = np.sqrt(squares[k] / (1 - 0.999**step)) + 1e-8
                params[k] = params[k] - LEARNING_RATE * corrected / scale
    return params[0], params[1], params[2], float(params[3][0])


def train(pages: Sequence[TrainingPage]) -> LineModel:
    """Return the line model fitted to ``pages`` (the same pages give the same model)."""
    pages = [page for page in pages if page.lines]
    features = [line_features(page.lines) for page in pages]
    stacked = np.vstack(features)
    labels = np.concatenate([np.array(page.labels, dtype=float) for page in pages])
    mean = stacked.mean(axis=0)
    scale = stacked.std(axis=0)
    scale[scale < 1e-9] = 1.0
    hidden_weights, hidden_bias, weights, bias = fit_network((stacked - mean) / scale, labels)
    partial = LineModel(
        mean, scale, hidden_weights, hidden_bias, weights, bias, np.zeros(1), 0.0, 0.5
    )
    context = [context_features(partial.first_scores(page_features)) for page_features in features]
    second = fit_logistic(np.vstack(context), labels, l2=L2)
    model = replace(partial, context_weights=second[:-1], context_bias=float(second[-1]))
    return _with_threshold(model, pages, features)


def _with_threshold(
    model: LineModel, pages: Sequence[TrainingPage], features: Sequence[np.ndarray]
) -> LineModel:
    """Return the model with the threshold at which the whole cleaner does best on ``pages``.

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
        candidate = replace(model, threshold=threshold)
        texts = [clean_page("\n".join(page.lines), model=candidate)[0] for page in pages]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    arguments = parser.parse_args()
    pages, data_digest = dev_training_pages()
    model = train(pages)
    precision, recall, f1 = snippet_score(
        pages, [model.scores(line_features(page.lines)) >= model.threshold for page in pages]
    )
    print(f"{len(pages)} training pages; lines alone: P {precision:.3f} R {recall:.3f} F1 {f1:.3f}")
    table = model_table(
        model,
        about="kit/ingest/lines.py line model; made by train/train_lines.py, do not edit by hand",
        training_pages=len(pages),
        training_data="extraction-dev, pages not held out (bench/extraction_dev.py)",
        training_data_sha256=data_digest,
    )
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {arguments.out}")


if __name__ == "__main__":
    main()
