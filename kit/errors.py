"""Error messages, built in one place so they read alike.

Every message names the input, says what was wrong with it and what to do, e.g.
``data/feed.csv, line 41: no text column (looked for text, content, body); pass text_column=``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class KitError(Exception):
    """Base class of the kit's own errors."""


class InputError(KitError, ValueError):
    """An input file or argument the kit cannot use (raised by ``strict=True`` loads)."""


class ArgumentError(KitError, ValueError):
    """A value passed to the kit that it cannot use; the message names it and what it takes."""


class MissingPart(KitError, RuntimeError):
    """A part of the kit that is not installed here (a model, an optional dependency)."""


class ArgumentTypeError(KitError, TypeError):
    """A value of a type the kit cannot use; the message names it and what to pass instead."""


def where(path: Any, line: int | None = None) -> str:
    """Return ``"path"`` or ``"path, line N"`` for the start of a message."""
    return f"{path}, line {line}" if line is not None else f"{path}"


def input_msg(path: Any, problem: str, *, line: int | None = None, fix: str | None = None) -> str:
    """Return a message naming the input, the problem and, where known, the fix.

    >>> input_msg("data/feed.csv", "no text column", line=41, fix="pass text_column=")
    'data/feed.csv, line 41: no text column; pass text_column='
    """
    message = f"{where(path, line)}: {problem}"
    return f"{message}; {fix}" if fix else message


def value_invalid_msg(name: str, value: Any, valid: Iterable[Any]) -> str:
    """Return a message for an argument outside its allowed values.

    >>> value_invalid_msg("freq", "Y", ["D", "W", "M"])
    "freq='Y' is not valid; use one of 'D', 'W', 'M'"
    """
    options = ", ".join(repr(option) for option in valid)
    return f"{name}={value!r} is not valid; use one of {options}"
