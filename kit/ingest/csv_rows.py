"""CSV rows that a stray quote cannot swallow, with the delimiter found from the header.

Python's ``csv`` module, lenient by default, reads an unbalanced quote as the start of a field
that runs to the next quote, or to the end of the file: the rows after it silently become one
field of one record. Here quoting is strict, and a record that breaks it is reported (its
first line) while reading resumes on the line after that one.

>>> rows = csv_rows(['id,text\\n', '1,"never closed\\n', '2,fine\\n'], delimiter=",")
>>> [row for row in rows]  # doctest: +NORMALIZE_WHITESPACE
[(1, ['id', 'text']), (2, 'unbalanced quote (unexpected end of data)'), (3, ['2', 'fine'])]
"""

from __future__ import annotations

import csv
import sys
from collections import deque
from collections.abc import Iterable, Iterator

DELIMITERS = (",", ";", "\t", "|")

# Article bodies exceed the csv module's default 128 KiB field limit.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def sniff_delimiter(header: str, *, default: str = ",") -> str:
    """Return the delimiter that splits the header line into the most fields.

    >>> sniff_delimiter("file;source;published\\n"), sniff_delimiter("a,b;c\\n")
    (';', ',')
    """
    counts = {}
    for delimiter in DELIMITERS:
        try:
            counts[delimiter] = len(next(csv.reader([header], delimiter=delimiter), []))
        except csv.Error:
            counts[delimiter] = 0
    best = max(counts.values())
    if best <= 1 or counts.get(default, 0) == best:
        return default
    return next(delimiter for delimiter in DELIMITERS if counts[delimiter] == best)


def csv_rows(lines: Iterable[str], *, delimiter: str) -> Iterator[tuple[int, list[str] | str]]:
    """Yield ``(line, fields)`` per record, or ``(line, reason)`` for one that breaks quoting.

    ``line`` is the 1-based physical line where the record starts. Blank lines give ``[]``.
    """
    source = iter(lines)
    replay: deque[str] = deque()
    pending: list[str] = []
    consumed = 0

    def feed() -> Iterator[str]:
        nonlocal consumed
        while True:
            if replay:
                text = replay.popleft()
            else:
                text = next(source, None)
                if text is None:
                    return
            consumed += 1
            pending.append(text)
            yield text

    while True:
        reader = csv.reader(feed(), delimiter=delimiter, strict=True)
        try:
            for fields in reader:
                start = consumed - len(pending) + 1
                pending.clear()
                yield start, fields
            return
        except csv.Error as error:
            start = consumed - len(pending) + 1
            spent = pending[1:]
            pending.clear()
            consumed = start
            replay.extendleft(reversed(spent))
            yield start, f"unbalanced quote ({error})"
