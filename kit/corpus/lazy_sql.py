"""The SQL a lazy corpus runs: what a filter selects, as DuckDB ``where`` clauses.

``Selection`` is a filter's choices (entities, outlets, labels, dates); ``Where`` builds a
parameterised ``where`` clause from them, ``within_dates`` adds the date bounds.

>>> where = Where().among("source", ["A", "B"])
>>> where.sql, where.parameters
('where source in (?, ?)', ['A', 'B'])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kit.corpus.memory import as_list


@dataclass(frozen=True)
class Selection:
    """What a chain of ``filter`` calls kept: outlets, a date span, entities and labels."""

    sources: tuple[str, ...] | None = None
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    entities: tuple[str, ...] | None = None
    labels: tuple[str, ...] | None = None

    def narrowed(self, **limits: Any) -> Selection:
        """Return this selection with more limits (each kept value must pass every filter)."""

        def meet(old: tuple | None, new: Any) -> tuple | None:
            new = as_list(new)
            if new is None:
                return old
            return tuple(value for value in new if old is None or value in old)

        start, end = limits["start"], limits["end"]
        return Selection(
            sources=meet(self.sources, limits["source"]),
            start=max(s for s in (self.start, start) if s is not None)
            if start is not None or self.start is not None
            else None,
            end=min(e for e in (self.end, end) if e is not None)
            if end is not None or self.end is not None
            else None,
            entities=meet(self.entities, limits["entity"]),
            labels=meet(self.labels, limits["label"]),
        )

    @property
    def by_mention(self) -> bool:
        """Return whether entities or labels are selected (articles then need such a mention)."""
        return self.entities is not None or self.labels is not None

    def day_aligned(self) -> bool:
        """Return whether the date span is whole UTC days (a day rollup then answers exactly)."""
        return _aligned(self.start, self.end, week=False)

    def week_aligned(self) -> bool:
        """Return whether the date span is whole Monday-to-Sunday weeks."""
        return _aligned(self.start, self.end, week=True)


def _aligned(start: pd.Timestamp | None, end: pd.Timestamp | None, *, week: bool) -> bool:
    for bound in (start, None if end is None else end + pd.Timedelta(1, "ns")):
        if bound is None:
            continue
        if bound != bound.normalize() or (week and bound.day_of_week != 0):
            return False
    return True


class Where:
    """A SQL ``where`` clause and its parameters, built one condition at a time."""

    def __init__(self) -> None:
        self.conditions: list[str] = []
        self.parameters: list[Any] = []

    def among(self, column: str, values: Sequence | None) -> Where:
        """Add ``column in (values)`` (nothing when ``values`` is None; false when empty)."""
        if values is not None:
            if not values:
                self.conditions.append("false")
            else:
                self.conditions.append(f"{column} in ({', '.join('?' * len(values))})")
                self.parameters.extend(values)
        return self

    def compare(self, column: str, operator: str, value: Any) -> Where:
        """Add ``column <operator> value`` (nothing when ``value`` is None)."""
        if value is not None:
            self.conditions.append(f"{column} {operator} ?")
            if isinstance(value, pd.Timestamp):
                # DuckDB keeps microseconds; an end of day (…999999999) floors to …999999.
                value = value.floor("us").to_pydatetime()
            self.parameters.append(value)
        return self

    def raw(self, condition: str, parameters: Iterable[Any] = ()) -> Where:
        """Add a condition written by the caller, with its parameters."""
        self.conditions.append(condition)
        self.parameters.extend(parameters)
        return self

    @property
    def sql(self) -> str:
        """Return ``where ...`` (or nothing)."""
        return f"where {' and '.join(self.conditions)}" if self.conditions else ""


def within_dates(where: Where, selection: Selection, column: str) -> Where:
    """Return ``where`` with the selection's date span on ``column`` added."""
    return where.compare(column, ">=", selection.start).compare(column, "<=", selection.end)
