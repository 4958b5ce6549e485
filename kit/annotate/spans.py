"""Character spans: join spans found by one step to the entity mentions found by another."""

from __future__ import annotations

import pandas as pd


def entity_at(
    spans: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    start: str = "start",
    end: str = "end",
) -> pd.Series:
    """Return, for each span, the canonical entity of the longest mention overlapping it.

    ``spans`` needs ``doc_id`` and the two offset columns; ``mentions`` needs
    ``doc_id, start, end, entity``. Spans that overlap no mention get ``NaN``.

    >>> spans = pd.DataFrame({"doc_id": ["a"], "s": [0], "e": [5]})
    >>> mentions = pd.DataFrame(
    ...     {"doc_id": ["a"], "start": [0], "end": [5], "entity": ["Xi Jinping"]}
    ... )
    >>> entity_at(spans, mentions, start="s", end="e").tolist()
    ['Xi Jinping']
    """
    result = pd.Series(pd.NA, index=spans.index, dtype="object")
    if spans.empty or mentions.empty:
        return result
    left = spans[["doc_id", start, end]].rename(columns={start: "_s", end: "_e"})
    left = left.reset_index(names="_row")
    right = mentions[["doc_id", "start", "end", "entity"]]
    pairs = left.merge(right, on="doc_id")
    pairs = pairs[(pairs["start"] < pairs["_e"]) & (pairs["end"] > pairs["_s"])]
    if pairs.empty:
        return result
    pairs = pairs.assign(_length=pairs["end"] - pairs["start"])
    best = pairs.sort_values("_length", ascending=False).drop_duplicates("_row")
    result.loc[best["_row"].to_numpy()] = best["entity"].to_numpy()
    return result
