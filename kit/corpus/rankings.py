"""Which entities and outlets a view shows: ranked by their counts, ties broken by name.

Charts and the dashboard both pick "the top 10 entities" and "the outlets that mention them
most"; the choice is made here, once, so a chart and the table beside it always agree.

>>> import pandas as pd
>>> counts = pd.DataFrame({"entity": ["A", "B", "B"], "source": ["X", "X", "Y"],
...                        "mentions": [5, 2, 4]})
>>> ranked_entities(counts, "mentions"), top_outlets(counts, "mentions", max_outlets=1)
(['B', 'A'], ['X'])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.corpus.tally import totals_by


def ranked_entities(counts: pd.DataFrame, measure: str, n: int | None = None) -> list[str]:
    """Return the entities of ``counts``, most ``measure`` first (the first ``n`` if given)."""
    names, sums = totals_by(counts["entity"], counts[measure])
    entities = names[most_first(names, sums)].tolist()
    return entities if n is None else entities[:n]


def top_outlets(counts: pd.DataFrame, measure: str, max_outlets: int | None) -> list[str]:
    """Return the outlets to show (sorted by name): the ``max_outlets`` that mention most.

    Outlets are chosen by raw mentions where the frame has them, whatever the measure drawn:
    a rate from an outlet with one short article is noise, not a top outlet.
    """
    ranking = "mentions" if "mentions" in counts.columns else measure
    names, sums = totals_by(counts["source"], counts[ranking])
    if max_outlets is not None and len(names) > max_outlets:
        names = names[most_first(names, sums)[:max_outlets]]
    return sorted(names.tolist())


def most_first(names: np.ndarray, sums: np.ndarray) -> np.ndarray:
    """Return the positions that order ``sums`` from largest, ties by name.

    >>> most_first(np.array(["b", "a", "c"]), np.array([2, 2, 5])).tolist()
    [2, 1, 0]
    """
    by_name = np.argsort(names, kind="stable")
    return by_name[np.argsort(-sums[by_name], kind="stable")]
