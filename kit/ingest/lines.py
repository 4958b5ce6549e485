"""The line model: which lines of a page saved as text are its article, from their shape alone.

Each non-empty line gets shallow, language-independent features (how many words, how it ends,
how much punctuation, digits and capitals it holds, where it sits on the page, and the same of
its neighbours), and one learned from words: how often the line's words stand in article text
rather than around it on the training pages (the model's word table: "said", "because" and
"jedoch" for, "newsletter", "sitemap" and "Impressum" against; a word the table lacks, as in a
language the training pages do not hold, counts nothing). Boosted trees turn them into a first
score (the line's shape); a second set of trees reads each line's score together with its
neighbours' scores (an article is a run of lines, a menu is a run of lines) and its own shape,
and gives the probability that the line is article body.

The trees are a JSON table, ``kit/models/lines.json``, made by ``train/train_lines.py`` from
real pages (labels: which lines an HTML extractor keeps) and read here with numpy only
(``kit.ingest.trees``).

Example:
    >>> model = load_model()
    >>> scores = body_scores(["Home", "News", "The minister said on Tuesday that the talks, "
    ...     "which began in May, would resume next week in the capital.", "Contact us"], model)
    >>> int(scores.argmax())  # the sentence is the likeliest body line
    2
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from kit.errors import ArgumentError
from kit.ingest.trees import BoostedTrees, trees_from_table, trees_table

MODEL_PATH = Path(__file__).resolve().parents[1] / "models" / "lines.json"

# Full stops, question and exclamation marks of many scripts (Latin, CJK, Devanagari, Arabic,
# Armenian, Ethiopic, Myanmar, Tibetan), and the closing quotes and brackets after them.
SENTENCE_END = ".!?…。！？｡．।॥؟۔։።။།"
CLOSERS = "\"'”’»)]」』）"
_SENTENCE_END_RE = re.compile(rf"[{re.escape(SENTENCE_END)}][{re.escape(CLOSERS)}]*\s*$")
_INNER_STOP = re.compile(rf"[{re.escape(SENTENCE_END)}](?=[\s{re.escape(CLOSERS)}])")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d[\d,.]*")
_WIDE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_COMMA = re.compile(r"[,，、;；:]")
_SEPARATOR = re.compile(r"[|»›·•►▸→←/\\>]|\s-\s|©|\u00ae")
BULLET = re.compile(r"^\s*(?:[*•·\-–—+]|\d+[.)])\s")
_LONG_WORDS = 10
_EDGE_PUNCTUATION = ".,;:!?\"'()"

LINE_FEATURES = [
    "log_words",
    "log_chars",
    "ends_sentence",
    "stops_per_word",
    "commas_per_word",
    "letters_share",
    "digits_share",
    "capitalised_share",
    "short_words_share",
    "separators",
    "bullet",
    "long_line",
    "very_long_line",
    "position",
    "words_before_share",
    "repeated_on_page",
    "in_densest_block",
    "distance_to_densest",
    "frequent_words_share",
    "words_vs_page_median",
    "run_words_share",
    "in_largest_run",
    "log_run_lines",
    "distance_to_largest_run",
    "words_say_body",
    "most_boilerplate_word",
]
NEIGHBOUR_WINDOWS = (1, 3, 8)
NEIGHBOUR_OF = [
    "log_words",
    "words_say_body",
    "ends_sentence",
    "long_line",
    "separators",
    "bullet",
    "frequent_words_share",
]
CONTEXT_WINDOWS = (1, 2, 4, 8, 16)
# The best score among the lines just before and after (a body line beside a menu item).
CONTEXT_MAX_WINDOWS = (2, 5, 12)
# A line is near the body when a line this likely to be body is close to it.
LIKELY_BODY = 0.5
# The neighbours whose own shape (``LINE_FEATURES``) stage one reads line by line.
SHIFTS = (2, 1)


def line_words(line: str) -> int:
    """Return the words of a line, counting two CJK characters as a word.

    >>> line_words("The talks resume."), line_words("会談は来週再開される。")
    (3, 5)
    """
    wide = len(_WIDE.findall(line))
    if not wide:
        return len(_WORD.findall(line))
    return len(_WORD.findall(_WIDE.sub(" ", line))) + math.ceil(wide / 2)


def ends_sentence(line: str) -> bool:
    """Return True when a line ends like a sentence, in any of the scripts of ``SENTENCE_END``.

    >>> ends_sentence("会談は来週再開される。"), ends_sentence("Read more »")
    (True, False)
    """
    return bool(_SENTENCE_END_RE.search(line))


def word_tokens(line: str) -> list[str]:
    """Return the distinct words of a line as the word table knows them (lower case, numbers
    as ``0``).

    >>> word_tokens("Read more: 21 photos, read more")
    ['read', 'more', '0', 'photos']
    """
    return _table_words([token.lower() for token in _WORD.findall(line)])


def _table_words(lowered: list[str]) -> list[str]:
    return list(dict.fromkeys("0" if token[0].isdigit() else token for token in lowered))


def _word_columns(lowered: list[list[str]], word_odds: dict[str, float]) -> np.ndarray:
    """Return, per line (its words in lower case), the mean and the lowest log-odds of its
    words being article text (``word_odds``; an unknown word counts 0)."""
    result = np.zeros((len(lowered), 2))
    if not word_odds:
        return result
    for row, tokens in enumerate(lowered):
        values = [word_odds.get(token, 0.0) for token in _table_words(tokens)]
        if values:
            result[row] = (sum(values) / len(values), min(values))
    return result


def _line_row(line: str, found: list[str]) -> list[float]:
    """Return a line's own features (``found``: its ``_WORD`` matches)."""
    words = line_words(line) if _WIDE.search(line) else len(found)
    chars = len(line)
    tokens = line.split()
    letters = sum(map(str.isalpha, line))
    digits = sum(map(str.isdigit, line))
    capitalised = sum(map(str.isupper, [token[0] for token in tokens]))
    short = sum([len(token.strip(_EDGE_PUNCTUATION)) <= 3 for token in tokens])
    word_count = max(words, 1)
    return [
        math.log1p(words),
        math.log1p(chars),
        float(ends_sentence(line)),
        min(len(_INNER_STOP.findall(line + " ")) / word_count, 1.0),
        min(len(_COMMA.findall(line)) / word_count, 1.0),
        letters / max(chars, 1),
        digits / max(chars, 1),
        capitalised / max(len(tokens), 1),
        short / max(len(tokens), 1),
        min(len(_SEPARATOR.findall(line)), 3) / 3,
        float(bool(BULLET.match(line))),
        float(words >= _LONG_WORDS),
        float(words >= 40),
    ]


def line_features(lines: list[str], word_odds: dict[str, float] | None = None) -> np.ndarray:
    """Return the feature matrix (one row per line, ``feature_names()`` columns) of a page.

    ``word_odds``: each word's log-odds of being article text (the model's word table; without
    it the word columns are 0, so score a page with ``LineModel.features``, which passes it).
    """
    count = len(lines)
    if not count:
        return np.zeros((0, len(feature_names())))
    found = [_WORD.findall(line) for line in lines]
    lowered = [[token.lower() for token in tokens] for tokens in found]
    rows = np.array(
        [_line_row(line, tokens) for line, tokens in zip(lines, found, strict=True)], dtype=float
    )
    words = np.expm1(rows[:, 0])
    position = np.arange(count) / max(count - 1, 1)
    words_before = (np.cumsum(words) - words) / max(words.sum(), 1.0)
    stripped = [line.strip() for line in lines]
    seen: dict[str, int] = {}
    for line in stripped:
        seen[line] = seen.get(line, 0) + 1
    repeated = np.array([float(seen[line] > 1) for line in stripped])
    densest_start, window = _densest_window(rows[:, 11])
    index = np.arange(count)
    in_block = ((index >= densest_start) & (index < densest_start + window)).astype(float)
    distance = np.maximum(densest_start - index, index - (densest_start + window - 1))
    distance = np.log1p(np.maximum(distance, 0)) / 5
    frequent = _frequent_words_share(lowered)
    median = max(float(np.median(words)), 1.0)
    versus_median = np.log((words + 1) / (median + 1))
    runs = _text_runs(words, rows[:, 2])
    said = _word_columns(lowered, word_odds or {})
    base = np.column_stack(
        [
            rows,
            position,
            words_before,
            repeated,
            in_block,
            distance,
            frequent,
            versus_median,
            runs,
            said,
        ]
    )  # columns LINE_FEATURES
    columns = [base]
    for name in NEIGHBOUR_OF:
        values = base[:, LINE_FEATURES.index(name)]
        for width in NEIGHBOUR_WINDOWS:
            columns.append(_window_mean(values, width, side="before")[:, None])
            columns.append(_window_mean(values, width, side="after")[:, None])
    for shift in SHIFTS:
        columns.append(_shifted(base, -shift))
    for shift in SHIFTS[::-1]:
        columns.append(_shifted(base, shift))
    return np.hstack(columns)


def _shifted(base: np.ndarray, offset: int) -> np.ndarray:
    """Return the rows of the line ``offset`` lines away (-1 in every column past the page)."""
    result = np.full_like(base, -1.0)
    if offset < 0 and -offset < len(base):
        result[-offset:] = base[:offset]
    elif offset > 0 and offset < len(base):
        result[:-offset] = base[offset:]
    return result


def feature_names() -> list[str]:
    """Return the names of the columns of ``line_features``."""
    names = list(LINE_FEATURES)
    for name in NEIGHBOUR_OF:
        for width in NEIGHBOUR_WINDOWS:
            names += [f"{name} ({width} before)", f"{name} ({width} after)"]
    for shift in SHIFTS:
        names += [f"{name} (line {shift} before)" for name in LINE_FEATURES]
    for shift in SHIFTS[::-1]:
        names += [f"{name} (line {shift} after)" for name in LINE_FEATURES]
    return names


def context_features(scores: np.ndarray, features: np.ndarray) -> np.ndarray:
    """Return a line's first-stage score beside the scores of the lines around it, and its shape.

    Columns: its score; the mean and the best score of the lines before and after it; the log
    distance to the nearest line before and after that is likely body (``LIKELY_BODY``); the
    share of the page's summed score above it; its own ``LINE_FEATURES``.
    """
    count = len(scores)
    columns = [scores[:, None]]
    for width in CONTEXT_WINDOWS:
        columns.append(_window_mean(scores, width, side="before")[:, None])
        columns.append(_window_mean(scores, width, side="after")[:, None])
    for width in CONTEXT_MAX_WINDOWS:
        columns.append(_window_max(scores, width, side="before")[:, None])
        columns.append(_window_max(scores, width, side="after")[:, None])
    index = np.arange(count)
    likely = np.flatnonzero(scores >= LIKELY_BODY)
    far = 99
    if len(likely):
        below = np.searchsorted(likely, index, side="left")
        before = np.where(below > 0, index - likely[np.maximum(below - 1, 0)], far)
        above = np.searchsorted(likely, index, side="right")
        after = np.where(
            above < len(likely), likely[np.minimum(above, len(likely) - 1)] - index, far
        )
    else:
        before = after = np.full(count, far)
    columns += [np.log1p(before)[:, None], np.log1p(after)[:, None]]
    columns.append(((np.cumsum(scores) - scores) / max(float(scores.sum()), 1e-6))[:, None])
    columns.append(features[:, : len(LINE_FEATURES)])
    return np.hstack(columns)


def context_names() -> list[str]:
    """Return the names of the columns of ``context_features``."""
    names = ["own score"]
    for width in CONTEXT_WINDOWS:
        names += [f"score of {width} lines before", f"score of {width} lines after"]
    for width in CONTEXT_MAX_WINDOWS:
        names += [f"best score of {width} lines before", f"best score of {width} lines after"]
    names += ["lines since a likely body line", "lines to a likely body line", "score above"]
    return names + list(LINE_FEATURES)


def _frequent_words_share(lowered: list[list[str]], top: int = 30) -> np.ndarray:
    """Return each line's share of words (in lower case) among the page's most frequent ones.

    On any page in any language the most frequent words are its function words ("the", "der",
    "de", "и"), and those fill running text, not menus: a stop-word ratio without a word list.
    """
    counts: dict[str, int] = {}
    for tokens in lowered:
        for token in tokens:
            counts[token] = counts.get(token, 0) + 1
    frequent = set(sorted(counts, key=lambda token: (-counts[token], token))[:top])
    return np.array(
        [sum(token in frequent for token in tokens) / max(len(tokens), 1) for tokens in lowered]
    )


def _text_runs(words: np.ndarray, ends: np.ndarray, *, min_words: int = 6) -> np.ndarray:
    """Return, per line, features of the run of text lines it belongs to (or is nearest to).

    A text line has ``min_words`` words or ends like a sentence; a run is a sequence of text
    lines with at most one other line between two of them. Columns: the run's share of the
    page's words, whether it is the page's largest run, log of its lines, and the log distance
    in lines to the largest run.
    """
    count = len(words)
    text = (words >= min_words) | (ends > 0)
    run_of = np.full(count, -1)
    runs: list[list[int]] = []
    gap = 2
    for i in range(count):
        if not text[i]:
            continue
        if runs and i - runs[-1][1] <= gap:
            runs[-1][1] = i
        else:
            runs.append([i, i])
        run_of[i] = len(runs) - 1
    total = max(float(words.sum()), 1.0)
    result = np.zeros((count, 4))
    if not runs:
        return result
    run_words = np.array([words[start : end + 1].sum() for start, end in runs])
    largest = int(np.argmax(run_words))
    big_start, big_end = runs[largest]
    for number, (start, end) in enumerate(runs):
        result[start : end + 1, 0] = run_words[number] / total
        result[start : end + 1, 1] = float(number == largest)
        result[start : end + 1, 2] = math.log1p(end - start + 1)
    index = np.arange(count)
    outside = np.maximum(big_start - index, index - big_end)
    result[:, 3] = np.log1p(np.maximum(outside, 0)) / 5
    return result


def _window_mean(values: np.ndarray, width: int, *, side: str) -> np.ndarray:
    """Return the mean of the ``width`` values before (or after) each one; 0 past the page."""
    padded = np.concatenate([np.zeros(width), values, np.zeros(width)])
    sums = np.concatenate([[0.0], np.cumsum(padded)])
    count = len(values)
    index = np.arange(count) + width  # position of each value in ``padded``
    if side == "before":
        total = sums[index] - sums[index - width]
    else:
        total = sums[index + width + 1] - sums[index + 1]
    return total / width


def _window_max(values: np.ndarray, width: int, *, side: str) -> np.ndarray:
    """Return the largest of the ``width`` values before (or after) each one; 0 past the page."""
    padded = np.concatenate([np.zeros(width), values, np.zeros(width)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, width)
    start = np.arange(len(values)) + (0 if side == "before" else width + 1)
    return windows[start].max(axis=1)


def _densest_window(long_line: np.ndarray, window: int = 15) -> tuple[int, int]:
    """Return (start, width) of the run of ``window`` lines holding the most long lines."""
    count = len(long_line)
    if count <= window:
        return 0, count
    sums = np.convolve(long_line, np.ones(window), mode="valid")
    return int(np.argmax(sums)), window


@dataclass(frozen=True)
class LineModel:
    """The two stages and the threshold, as trained.

    Stage one: boosted trees over the line features (``line_features``), giving the line's
    shape score. Stage two: boosted trees over that score, its neighbours' scores and the
    line's own shape (``context_features``). ``mean`` and ``scale`` of each line feature (on
    the training lines) say, in the audit, whether a value is low or high.
    """

    shape: BoostedTrees
    context: BoostedTrees
    mean: np.ndarray
    scale: np.ndarray
    threshold: float
    words: dict[str, float] = field(default_factory=dict)

    def features(self, lines: list[str]) -> np.ndarray:
        """Return ``line_features`` of a page's lines with this model's word table."""
        return line_features(lines, self.words)

    def first_scores(self, features: np.ndarray) -> np.ndarray:
        return _sigmoid(self.shape.raw(features))

    def scores(self, features: np.ndarray) -> np.ndarray:
        if not len(features):
            return np.zeros(0)
        first = self.first_scores(features)
        return _sigmoid(self.context.raw(context_features(first, features)))

    def contributions(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (standardised features, each one's push on the stage-one logit)."""
        return (features - self.mean) / self.scale, self.shape.contributions(features)


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(values, -30, 30)))


def model_table(model: LineModel, **about: object) -> dict:
    """Return the model as the JSON-ready table that ``kit/models/lines.json`` holds."""
    return {
        **about,
        "features": [
            {"name": name, "mean": mean, "scale": scale}
            for name, mean, scale in zip(
                feature_names(),
                np.round(model.mean, 6).tolist(),
                np.round(model.scale, 6).tolist(),
                strict=True,
            )
        ],
        "context_features": context_names(),
        "threshold": round(float(model.threshold), 4),
        "words": {word: round(value, 3) for word, value in sorted(model.words.items())},
        "shape_trees": trees_table(model.shape),
        "context_trees": trees_table(model.context),
    }


def model_from_table(table: dict) -> LineModel:
    """Return the ``LineModel`` a table of ``model_table`` describes (names must match)."""
    names = [row["name"] for row in table.get("features", [])]
    if names != feature_names() or table.get("context_features") != context_names():
        raise ArgumentError(
            "kit/models/lines.json does not match kit/ingest/lines.py: run train/train_lines.py"
        )
    return LineModel(
        shape=trees_from_table(table["shape_trees"]),
        context=trees_from_table(table["context_trees"]),
        mean=np.array([row["mean"] for row in table["features"]]),
        scale=np.array([row["scale"] for row in table["features"]]),
        threshold=float(table["threshold"]),
        words={word: float(value) for word, value in table.get("words", {}).items()},
    )


@cache
def load_model(path: Path = MODEL_PATH) -> LineModel:
    """Return the shipped line model (read once)."""
    return model_from_table(json.loads(path.read_text(encoding="utf-8")))


def body_scores(lines: list[str], model: LineModel | None = None) -> np.ndarray:
    """Return, for each line of a page (empty lines left out first), the body probability."""
    model = model or load_model()
    return model.scores(model.features(lines))


def strongest_features(
    features: np.ndarray, model: LineModel, *, count: int = 2
) -> list[list[tuple[str, float]]]:
    """Return, per line, the ``count`` (feature, standardised value) that lowered its score most."""
    standardised, contributions = model.contributions(features)
    names = feature_names()
    order = np.argsort(contributions, axis=1)[:, :count]
    return [
        [(names[column], float(standardised[row, column])) for column in columns]
        for row, columns in enumerate(order)
    ]


_PHRASES = {
    "log_words": ("few words", "many words"),
    "log_chars": ("short", "long"),
    "ends_sentence": ("no sentence end", "ends like a sentence"),
    "stops_per_word": ("no full stop inside", "many full stops"),
    "commas_per_word": ("no commas", "many commas"),
    "letters_share": ("few letters", "mostly letters"),
    "digits_share": ("few digits", "many digits"),
    "capitalised_share": ("few capitalised words", "mostly capitalised words"),
    "short_words_share": ("few short words", "many short words"),
    "separators": ("no separators", "separators such as | » ›"),
    "bullet": ("not list items", "list items"),
    "long_line": ("no long line", "long lines"),
    "very_long_line": ("not a paragraph", "a paragraph"),
    "position": ("near the top", "near the bottom"),
    "words_before_share": ("above most of the page's words", "below most of the page's words"),
    "repeated_on_page": ("not repeated", "repeated on the page"),
    "in_densest_block": ("outside the densest run of long lines", "inside the densest run"),
    "distance_to_densest": ("near the densest run", "far from the densest run of long lines"),
    "frequent_words_share": ("few of the page's common words", "many of the page's common words"),
    "words_vs_page_median": ("shorter than most lines", "longer than most lines"),
    "run_words_share": ("in a small block of text", "in a large block of text"),
    "in_largest_run": ("outside the largest block of text", "in the largest block of text"),
    "log_run_lines": ("in a short block", "in a long block"),
    "distance_to_largest_run": ("near the largest block", "far from the largest block of text"),
    "words_say_body": ("words seldom in article text", "words common in article text"),
    "most_boilerplate_word": ("a word seldom in article text", "no word seldom in article text"),
}


def describe(name: str, standardised: float) -> str:
    """Return a feature's value in words, as the audit shows it.

    >>> describe("log_words (3 after)", -1.2), describe("separators (line 2 before)", 0.8)
    ('few words in the 3 lines after', 'separators such as | » › on the line 2 lines before')
    """
    base, _, around = name.partition(" (")
    low, high = _PHRASES[base]
    phrase = low if standardised < 0 else high
    if not around:
        return phrase
    if around.startswith("line "):
        _, distance, side = around.rstrip(")").split()
        return (
            f"{phrase} on the line {side}"
            if distance == "1"
            else (f"{phrase} on the line {distance} lines {side}")
        )
    width, side = around.rstrip(")").split()
    return (
        f"{phrase} in the {width} lines {side}" if width != "1" else f"{phrase} on the line {side}"
    )
