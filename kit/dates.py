"""Dates and time zones: values as given in manifests, records and pages → UTC timestamps.

>>> parse_published("2023-02-21 19:00", "Europe/Kyiv")
Timestamp('2023-02-21 17:00:00+0000', tz='UTC')
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

import numpy as np
import pandas as pd

from kit.documents import ProblemLog

_HAS_TIME = re.compile(r"\d:\d|T\d\d")
_HAS_YEAR = re.compile(r"\d{4}")
_RELATIVE_DATES = frozenset({"now", "today", "yesterday", "tomorrow"})
_published_cache: dict[tuple[str, str | None], pd.Timestamp] = {}
_PUBLISHED_CACHE_SIZE = 100_000


def parse_published(value: Any, timezone: str | None = None) -> pd.Timestamp:
    """Return ``value`` as a UTC timestamp (NaT when empty); raise ValueError when unreadable.

    Naive times are read in ``timezone`` (an IANA name) when given, else as UTC. A date without
    a time of day stays on its calendar date (midnight UTC), whatever the time zone.

    >>> parse_published("2023-02-21 19:00", "Europe/Kyiv")
    Timestamp('2023-02-21 17:00:00+0000', tz='UTC')
    >>> parse_published("2023-02-21", "Europe/Kyiv")
    Timestamp('2023-02-21 00:00:00+0000', tz='UTC')
    """
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return pd.NaT
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return pd.NaT
        key = (text, timezone)
        if key not in _published_cache:
            if len(_published_cache) >= _PUBLISHED_CACHE_SIZE:
                _published_cache.clear()
            if text.casefold() in _RELATIVE_DATES or not _HAS_YEAR.search(text):
                raise ValueError(f"not a date with a year: {text!r}")
            has_time = bool(_HAS_TIME.search(text))
            _published_cache[key] = to_utc(pd.Timestamp(text), timezone if has_time else None)
        return _published_cache[key]
    if isinstance(value, bool):
        raise ValueError(f"not a date: {value!r}")
    if isinstance(value, (int, float, np.integer, np.floating)):
        unit = "ms" if abs(value) > 1e11 else "s"  # seconds or milliseconds since 1970
        return to_utc(pd.Timestamp(value, unit=unit), None)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return to_utc(pd.Timestamp(value), None)
    return to_utc(pd.Timestamp(value), timezone)


def to_utc(stamp: pd.Timestamp, timezone: str | None) -> pd.Timestamp:
    if stamp is pd.NaT:
        return pd.NaT
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(timezone or "UTC", nonexistent="shift_forward")
    return stamp.tz_convert("UTC").as_unit("ns")


def valid_timezone(name: str | None) -> bool:
    if not name:
        return True
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def published_or_problem(
    value: Any,
    timezone: str | None,
    log: ProblemLog,
    shown: str,
    *,
    line: int | None,
    prefix: str = "",
) -> pd.Timestamp:
    """Return the parsed date, or NaT after recording a problem naming the value."""
    try:
        return parse_published(value, timezone)
    except (ValueError, TypeError, OverflowError) as error:
        log.add(
            shown,
            f"{prefix}date {value!r} could not be read ({error})",
            line=line,
            fix="published left empty; write dates like 2023-02-21 or 2023-02-21T19:00+02:00",
        )
        return pd.NaT
