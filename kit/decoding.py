"""Bytes to text: decoding input files and telling text from binary data.

>>> decode("café".encode("cp1252"))
'café'
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode(data: bytes) -> str:
    """Return ``data`` as text: UTF-8 (with or without BOM), else cp1252, else latin-1.

    >>> decode("café".encode("cp1252"))
    'café'
    """
    if data.startswith(UTF16_BOMS):
        return data.decode("utf-16", errors="replace")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def looks_binary(sample: bytes) -> bool:
    """Return True when a file's first bytes hold NULs or mostly control characters."""
    if sample.startswith(UTF16_BOMS):
        return False
    if b"\x00" in sample:
        return True
    text = decode(sample)
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f\v\x1b")
    return controls > 0.05 * len(text)


def text_lines(file: Path) -> Iterator[str]:
    """Yield the decoded lines of a file (with their ends), streaming unless it is UTF-16."""
    with file.open("rb") as stream:
        if stream.read(2) in UTF16_BOMS:
            stream.seek(0)
            yield from io.StringIO(decode(stream.read()), newline="")
            return
        stream.seek(0)
        for raw_line in stream:
            yield decode(raw_line)


def normalise_newlines(text: str) -> str:
    """Return ``text`` with ``\\r\\n`` and ``\\r`` line ends as ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
