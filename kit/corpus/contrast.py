"""Contrast: the words that set one outlet's coverage apart from the others'.

:func:`distinctive_words` scores each term by the log-odds ratio with an informative Dirichlet
prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words"), each group against all the others
together, so it works for two outlets or twenty. For term ``w`` in group ``i`` against the rest
``j``, with counts ``y``, totals ``n``, prior counts ``a_w`` and prior total ``a0``::

    delta = log((y_iw + a_w) / (n_i + a0 - y_iw - a_w))
            - log((y_jw + a_w) / (n_j + a0 - y_jw - a_w))
    variance = 1 / (y_iw + a_w) + 1 / (y_jw + a_w)
    z = delta / sqrt(variance)

Tokenisation is deliberately plain: lower-cased runs of letters (apostrophes and hyphens
inside a word kept, "’s" dropped, digits ignored); unigrams drop spaCy's English stop words;
bigrams join two adjacent words that are both not stop words, never across punctuation
("russian dictator", not "of the", not "war ukraine" from "war in Ukraine").
:func:`passages` shows the sentences behind a term.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from kit.annotate.nlp import english_stop_words
from kit.errors import ArgumentError, value_invalid_msg

STOP_WORDS = english_stop_words()

_CHUNK = re.compile(r"[.!?;:,()\[\]{}\"“”—–]+|\s-\s|\n")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$")


def terms(text: str, *, ngram_range: tuple[int, int] = (1, 2)) -> list[str]:
    """Return the terms counted in ``text``: unigrams without stop words, then bigrams.

    >>> terms("Russia’s dictator Vladimir Putin, and the war in Ukraine.")
    ['russia', 'dictator', 'vladimir', 'putin', 'war', 'ukraine', 'russia dictator', \
'dictator vladimir', 'vladimir putin']
    """
    low, high = ngram_range
    found: list[list[str]] = [[] for _ in range(high)]
    for chunk in _CHUNK.split(text.lower()):
        words = [_POSSESSIVE.sub("", w.replace("’", "'")) for w in _WORD.findall(chunk)]
        for n in range(max(low, 1), high + 1):
            for i in range(len(words) - n + 1):
                gram = words[i : i + n]
                if not any(word in STOP_WORDS for word in gram):
                    found[n - 1].append(" ".join(gram))
    return [term for grams in found for term in grams]


def _counts(texts: Iterable[str], ngram_range: tuple[int, int]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        if isinstance(text, str):
            counts.update(terms(text, ngram_range=ngram_range))
    return counts


def distinctive_words(
    articles: pd.DataFrame,
    *,
    by: str = "source",
    text: str = "text",
    min_count: int = 3,
    top: int | None = 20,
    ngram_range: tuple[int, int] = (1, 2),
    prior: str | Mapping[str, float] = "corpus",
) -> pd.DataFrame:
    """Return the terms most typical of each group against the rest, by z-scored log-odds.

    Args:
        articles: one row per article, with the ``by`` and ``text`` columns.
        by: the column grouping articles (outlet by default).
        text: the column with the words.
        min_count: leave out terms used fewer times than this in all groups together.
        top: keep the ``top`` terms of highest z per group (``None``: every term, all z).
        ngram_range: smallest and largest n-gram, as in scikit-learn.
        prior: ``"corpus"`` (prior counts are the corpus's own counts: a strong, informative
            prior), ``"uniform"`` (0.01 for every term) or background counts per term.

    Returns:
        Columns ``group, term, count, count_rest, log_odds, variance, z``, each group's terms
        by z descending.

    >>> articles = pd.DataFrame({"source": ["A", "B"],
    ...     "text": ["dictator dictator dictator war", "president president president war"]})
    >>> distinctive_words(articles, min_count=2, top=1)[["group", "term"]].values.tolist()
    [['A', 'dictator'], ['B', 'president']]
    """
    columns = ["group", "term", "count", "count_rest", "log_odds", "variance", "z"]
    missing = [column for column in (by, text) if column not in articles.columns]
    if missing:
        raise KeyError(f"articles has no column {missing[0]!r}; pass by= and text= to name them")
    per_group = {
        group: _counts(frame[text], ngram_range) for group, frame in articles.groupby(by, sort=True)
    }
    counts = pd.DataFrame(per_group).fillna(0.0)
    if counts.empty:
        return pd.DataFrame(columns=columns)
    total = counts.sum(axis=1)
    counts = counts[total >= min_count]
    total = total[total >= min_count]
    if isinstance(prior, str):
        if prior == "corpus":
            alpha = total.astype(float)
        elif prior == "uniform":
            alpha = pd.Series(0.01, index=counts.index)
        else:
            raise ArgumentError(value_invalid_msg("prior", prior, ["corpus", "uniform"]))
    else:
        alpha = pd.Series(prior, dtype=float).reindex(counts.index).fillna(0.01)
    alpha0 = alpha.sum()
    frames = []
    for group in counts.columns:
        y_i = counts[group]
        y_j = total - y_i
        n_i, n_j = y_i.sum(), y_j.sum()
        log_odds = np.log((y_i + alpha) / (n_i + alpha0 - y_i - alpha)) - np.log(
            (y_j + alpha) / (n_j + alpha0 - y_j - alpha)
        )
        variance = 1.0 / (y_i + alpha) + 1.0 / (y_j + alpha)
        frame = pd.DataFrame(
            {
                "group": group,
                "term": counts.index,
                "count": y_i.astype(int).to_numpy(),
                "count_rest": y_j.astype(int).to_numpy(),
                "log_odds": log_odds.to_numpy(),
                "variance": variance.to_numpy(),
                "z": (log_odds / np.sqrt(variance)).to_numpy(),
            }
        )
        frame = frame.sort_values(["z", "term"], ascending=[False, True], kind="stable")
        frames.append(frame if top is None else frame.head(top))
    return pd.concat(frames, ignore_index=True)[columns]


def passages(
    articles: pd.DataFrame,
    term: str,
    *,
    by: str = "source",
    text: str = "text",
    width: int = 80,
) -> pd.DataFrame:
    """Return every place ``term`` occurs: ``doc_id, <by>, left, match, right`` (+ ``start``).

    Matching ignores case and follows :func:`terms`: words of a bigram may be separated by
    whitespace or a possessive ("russia war" finds "Russia's war"). ``left`` and ``right``
    hold up to ``width`` characters of context, whitespace collapsed.

    >>> articles = pd.DataFrame({"doc_id": [1], "source": ["Kyiv"],
    ...     "text": ["A meeting with Russian dictator Vladimir Putin."]})
    >>> passages(articles, "russian dictator", width=10)[["left", "match", "right"]].values.tolist()
    [['ting with', 'Russian dictator', 'Vladimir']]
    """
    words = [re.escape(word) for word in term.lower().split()]
    if not words:
        raise ArgumentError(f"term={term!r} is empty; pass a word or two words")
    pattern = re.compile(
        r"(?<![^\W\d_])" + r"(?:['’]s)?\s+".join(words) + r"(?![^\W\d_])", re.IGNORECASE
    )
    rows = []
    for record in articles[["doc_id", by, text]].itertuples(index=False):
        body = record[2]
        if not isinstance(body, str):
            continue
        for match in pattern.finditer(body):
            start, end = match.span()
            rows.append(
                {
                    "doc_id": record[0],
                    by: record[1],
                    "left": " ".join(body[max(0, start - width) : start].split()),
                    "match": match.group(0),
                    "right": " ".join(body[end : end + width].split()),
                    "start": start,
                }
            )
    return pd.DataFrame(rows, columns=["doc_id", by, "left", "match", "right", "start"])
