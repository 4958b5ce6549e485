"""Dates and time zones: values as given in manifests, records and pages → UTC timestamps.

Only what is unambiguous is read silently:

- ``05/02/2023`` is day-first or month-first by the convention of its column, which a value
  with a number above 12 decides (``DateOrder``), or by ``dayfirst=``; undecided, it is read
  month-first and flagged;
- a number is a date only as ``YYYYMMDD`` (8 digits) or as seconds (9-10 digits) or
  milliseconds (12-13 digits) since 1970; any other number is a problem;
- a local time that a daylight-saving change makes happen twice (or never) is resolved the
  same way every time (the first of the two; the time after the gap) and noted.

>>> parse_published("2023-02-21 19:00", "Europe/Kyiv")
Timestamp('2023-02-21 17:00:00+0000', tz='UTC')
>>> parse_published(20230221), parse_published("05/02/2023", dayfirst=True)
(Timestamp('2023-02-21 00:00:00+0000', tz='UTC'), Timestamp('2023-02-05 00:00:00+0000', tz='UTC'))
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

import numpy as np
import pandas as pd

from kit.errors import ArgumentError
from kit.ingest.documents import ProblemLog

_HAS_TIME = re.compile(r"\d:\d|T\d\d")
_HAS_YEAR = re.compile(r"\d{4}")
_RELATIVE_DATES = frozenset({"now", "today", "yesterday", "tomorrow"})
# 05/02/2023, 5.2.2023, 05-02-23 14:00: a day and a month in an order the value does not say.
_DAY_MONTH = re.compile(r"^\s*(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?=$|[\sT,])(.*)$")
_DIGITS = re.compile(r"^\s*[+-]?\d+(?:\.\d+)?\s*$")
_published_cache: dict[tuple[str, str | None, bool | None], tuple[pd.Timestamp, tuple]] = {}
_PUBLISHED_CACHE_SIZE = 100_000


def parse_published(
    value: Any, timezone: str | None = None, *, dayfirst: bool | None = None
) -> pd.Timestamp:
    """Return ``value`` as a UTC timestamp (NaT when empty); raise ValueError when unreadable.

    Naive times are read in ``timezone`` (an IANA name) when given, else as UTC. A date without
    a time of day stays on its calendar date (midnight UTC), whatever the time zone.

    >>> parse_published("2023-02-21", "Europe/Kyiv")
    Timestamp('2023-02-21 00:00:00+0000', tz='UTC')
    """
    return read_published(value, timezone, dayfirst=dayfirst)[0]


def read_published(
    value: Any, timezone: str | None = None, *, dayfirst: bool | None = None
) -> tuple[pd.Timestamp, tuple[str, ...]]:
    """Return ``(timestamp, notes)``: the notes say what was ambiguous and how it was read.

    >>> read_published("05/02/2023")[1]
    ('05/02/2023 could be 5 February or 2 May; read month-first (May 2)',)
    >>> stamp, notes = read_published("2023-03-26 03:30", "Europe/Kyiv")
    >>> stamp, notes[0][-40:]
    (Timestamp('2023-03-26 01:00:00+0000', tz='UTC'), 'yiv (clocks went forward); read as 04:00')
    """
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return pd.NaT, ()
    if isinstance(value, bool):
        raise ArgumentError(f"not a date: {value!r}")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return _from_number(value), ()
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return pd.NaT, ()
        key = (text, timezone, dayfirst)
        if key not in _published_cache:
            if len(_published_cache) >= _PUBLISHED_CACHE_SIZE:
                _published_cache.clear()
            _published_cache[key] = _from_text(text, timezone, dayfirst)
        return _published_cache[key]
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return to_utc(pd.Timestamp(value), None), ()
    return _localised(pd.Timestamp(value), timezone, str(value))


def _from_text(
    text: str, timezone: str | None, dayfirst: bool | None
) -> tuple[pd.Timestamp, tuple[str, ...]]:
    if _DIGITS.match(text):
        return _from_number(float(text) if "." in text else int(text)), ()
    no_year = text.casefold() in _RELATIVE_DATES or not _HAS_YEAR.search(text)
    if no_year and not _DAY_MONTH.match(text):
        raise ArgumentError(f"not a date with a year: {text!r}")
    notes: tuple[str, ...] = ()
    day_month = _DAY_MONTH.match(text)
    if day_month:
        text, notes = _ordered(day_month, dayfirst)
    has_time = bool(_HAS_TIME.search(text))
    stamp = pd.Timestamp(text)
    if not has_time:
        return to_utc(stamp, None), notes
    utc, zone_notes = _localised(stamp, timezone, text)
    return utc, notes + zone_notes


def _ordered(match: re.Match[str], dayfirst: bool | None) -> tuple[str, tuple[str, ...]]:
    """Return a d/m/y or m/d/y date as ISO text, and a note when its order was a guess."""
    first, second, year, rest = int(match[1]), int(match[3]), match[4], match[5]
    full_year = int(year) if len(year) == 4 else int(year) + (2000 if int(year) <= 68 else 1900)
    notes: tuple[str, ...] = ()
    if first > 12 and second <= 12:
        day, month = first, second
    elif second > 12 and first <= 12:
        day, month = second, first
    elif dayfirst is not None or first == second:
        day, month = (first, second) if dayfirst else (second, first)
    else:
        day, month = second, first
        shown = match[0].strip()
        notes = (
            f"{shown} could be {first} {_MONTHS[second]} or {second} {_MONTHS[first]}; "
            f"read month-first ({_MONTHS[first][:3]} {second})",
        )
    try:
        dt.date(full_year, month, day)
    except ValueError as error:
        raise ArgumentError(f"{match[0].strip()!r} is not a real date ({error})") from None
    return f"{full_year:04d}-{month:02d}-{day:02d}{rest}", notes


def ordered_date_text(value: Any, dayfirst: bool | None) -> tuple[Any, tuple[str, ...]]:
    """Return a day/month value as ISO text by the convention given, and notes; else as is.

    >>> ordered_date_text("05/02/2023 10:00", True)
    ('2023-02-05 10:00', ())
    """
    match = _DAY_MONTH.match(value) if isinstance(value, str) else None
    if match is None:
        return value, ()
    try:
        return _ordered(match, dayfirst)
    except ValueError:
        return value, ()  # not a real date: the date reader reports it


_MONTHS = ["", "January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]  # fmt: skip


def _from_number(value: float) -> pd.Timestamp:
    """Return a number read as ``YYYYMMDD`` or epoch seconds/milliseconds, else raise."""
    magnitude = abs(value)
    if float(value).is_integer() and 10_000_000 <= magnitude < 100_000_000:
        digits = f"{int(value):08d}"
        try:
            return to_utc(
                pd.Timestamp(dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))), None
            )
        except ValueError:
            pass
    elif 1e8 <= magnitude < 1e10:
        return to_utc(pd.Timestamp(value, unit="s"), None)
    elif 1e11 <= magnitude < 1e13:
        return to_utc(pd.Timestamp(value, unit="ms"), None)
    raise ArgumentError(
        f"the number {value!r} is not a date: only YYYYMMDD or seconds or milliseconds "
        "since 1970 are read"
    )


def to_utc(stamp: pd.Timestamp, timezone: str | None) -> pd.Timestamp:
    """Return ``stamp`` in UTC (a naive one read in ``timezone``, else as UTC)."""
    return _localised(stamp, timezone, str(stamp))[0]


def _localised(
    stamp: pd.Timestamp, timezone: str | None, shown: str
) -> tuple[pd.Timestamp, tuple[str, ...]]:
    """Return ``stamp`` in UTC, resolving daylight-saving folds and gaps with a note."""
    if stamp is pd.NaT:
        return pd.NaT, ()
    notes: tuple[str, ...] = ()
    if stamp.tzinfo is None:
        zone = timezone or "UTC"
        case = _daylight_saving_case(stamp, zone)
        if case == "gap":
            stamp = stamp.tz_localize(zone, nonexistent="shift_forward")
            later = stamp.strftime("%H:%M")
            notes = (f"{shown} does not exist in {zone} (clocks went forward); read as {later}",)
        elif case == "fold":
            stamp = stamp.tz_localize(zone, ambiguous=True)
            notes = (
                f"{shown} happens twice in {zone} (clocks went back); "
                "read as the first (daylight-saving time)",
            )
        else:
            stamp = stamp.tz_localize(zone)
    return stamp.tz_convert("UTC").as_unit("ns"), notes


def _daylight_saving_case(stamp: pd.Timestamp, zone: str) -> str | None:
    """Return "gap" (a local time that never happens), "fold" (happens twice) or None."""
    if zone == "UTC":
        return None
    tz = zoneinfo.ZoneInfo(zone)
    naive = dt.datetime(stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    back = first.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None)
    return "gap" if back != naive else "fold"


def read_printed(text: str, timezone: str | None) -> tuple[pd.Timestamp, tuple[str, ...]]:
    """Return a date and time printed on a page ("February 21, 2023 7:00 PM") in UTC, and notes.

    Raises ValueError for a date that does not exist ("February 30, 2023").

    >>> read_printed("November 5, 2023 1:30 AM", "America/New_York")[0]
    Timestamp('2023-11-05 05:30:00+0000', tz='UTC')
    """
    return _localised(pd.Timestamp(text), timezone, text)


def valid_timezone(name: str | None) -> bool:
    """Return True for an empty name or a time zone this machine knows."""
    if not name:
        return True
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


class DateOrder:
    """The day/month convention of one column of dates, decided by its values.

    A value with a first number above 12 (``21/02/2023``) decides day-first; a second number
    above 12 decides month-first. ``given`` (the ``dayfirst=`` option) wins over the values.

    >>> order = DateOrder()
    >>> order.observe("05/02/2023"), order.observe("21/02/2023"), order.dayfirst
    (False, True, True)
    """

    def __init__(self, given: bool | None = None) -> None:
        self.dayfirst = given
        self.given = given is not None
        self.decided_by: str | None = None

    def observe(self, value: Any) -> bool:
        """Note one value; return True when it decided the convention just now."""
        if self.dayfirst is not None or not isinstance(value, str):
            return False
        match = _DAY_MONTH.match(value)
        if match is None:
            return False
        first, second = int(match[1]), int(match[3])
        if (first > 12) == (second > 12):
            return False
        self.dayfirst = first > 12
        self.decided_by = value.strip()
        return True

    def waits_for(self, value: Any) -> bool:
        """Return True when ``value`` cannot be read until the convention is decided."""
        if self.dayfirst is not None or not isinstance(value, str):
            return False
        match = _DAY_MONTH.match(value)
        return match is not None and int(match[1]) != int(match[3])


DAY_MONTH_FIX = "write dates as 2023-02-05, or pass dayfirst=True or dayfirst=False"


def published_or_problem(
    value: Any,
    timezone: str | None,
    log: ProblemLog,
    shown: str,
    *,
    line: int | None,
    prefix: str = "",
    dayfirst: bool | None = None,
) -> pd.Timestamp:
    """Return the parsed date, or NaT after recording a problem naming the value.

    What was ambiguous (a day/month order guessed, a daylight-saving fold) is recorded too.
    """
    try:
        published, notes = read_published(value, timezone, dayfirst=dayfirst)
    except (ValueError, TypeError, OverflowError) as error:
        log.add(
            shown,
            f"{prefix}date {value!r} could not be read ({error})",
            line=line,
            fix="published left empty; write dates like 2023-02-21 or 2023-02-21T19:00+02:00",
        )
        return pd.NaT
    for note in notes:
        dst = "clocks went" in note
        log.add(
            shown,
            f"{prefix}date {note}",
            line=line,
            fix="give the UTC offset (2023-10-29T02:30+03:00) to be exact"
            if dst
            else DAY_MONTH_FIX,
            fatal=not dst,
        )
    return published
