"""Bytes to text: the encoding detected, not guessed, and every doubt said out loud.

The order of evidence, strongest first (``kit.ingest.encodings.detect``):

1. a byte-order mark (UTF-8, UTF-16 and UTF-32, both byte orders);
2. UTF-16/32 without a mark, told by where the NUL bytes fall;
3. valid UTF-8 (a page of another encoding is almost never valid UTF-8 by chance);
4. a declaration in the first bytes: ``<meta charset>``, ``<meta http-equiv ... charset=>``,
   an HTTP-style ``Content-Type: ...; charset=`` line, an XML ``encoding=``;
5. UTF-8 with a few stray bytes of another encoding (read as cp1252, and said so);
6. charset-normalizer's candidates, judged by how messy each decoding reads, cp1252 winning ties.

Then mojibake (UTF-8 read as cp1252 somewhere upstream: "cafÃ©") is repaired with ftfy where
its rules are sure, keeping curly quotes; binary data inside a text is cut off, not decoded.
What the decoder was not sure of comes back as ``Note`` rows for ``corpus.problems``.

>>> decode_bytes("Ministr — “café”".encode("cp1252")).text
'Ministr — “café”'
>>> decode_bytes("Министр заявил".encode("cp1251")).encoding
'cp1251'
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kit.ingest.documents import ProblemLog, normalise_newlines
from kit.ingest.encodings import (
    BINARY_SHARE,
    BINARY_WINDOW,
    BOMS,  # noqa: F401  (read by kit.ingest.readers from here)
    SAMPLE_BYTES,
    Note,
    NotText,
    decode_legacy,
    decode_wide,
    detect,
    utf8_with_stray_bytes,
)
from kit.ingest.files import UnreadableFile, read_bytes

# Characters that never occur in text: C0/C1 controls other than whitespace and escape.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


@dataclass
class Decoded:
    """Text decoded from bytes, the codec used and what was doubtful or repaired.

    ``binary_from`` is the line where binary data begins (None for clean text); the text stops
    before it. ``text`` is empty when the whole input is binary.
    """

    text: str
    encoding: str
    notes: list[Note] = field(default_factory=list)
    binary_from: int | None = None


def decode(data: bytes) -> str:
    """Return ``data`` decoded as ``decode_bytes`` does, without its notes.

    >>> decode("café".encode("cp1252"))
    'café'
    """
    return decode_bytes(data).text


def decode_bytes(data: bytes, *, repair: bool = True) -> Decoded:
    """Return the text of ``data`` with the encoding detected and the doubts noted.

    Raises ``NotText`` when the bytes behind a UTF-16/32 byte-order mark are binary data.

    >>> decoded = decode_bytes("caf\\u00e9 \\u201cquoted\\u201d".encode() + b" \\xe9t\\xe9")
    >>> decoded.text, decoded.notes[0].problem[:33]
    ('café “quoted” été', '2 byte(s) are not UTF-8 (first at')
    """
    encoding, bom, notes = detect(data)
    body = data[len(bom) :]
    if encoding.startswith(("utf-16", "utf-32")):
        text = decode_wide(body, encoding)
    elif encoding == "utf-8":
        text, stray, first = utf8_with_stray_bytes(body)
        if stray:
            notes.append(_stray_note(text, stray, first))
    else:
        text = decode_legacy(body, encoding)
    decoded = Decoded(text, encoding, notes)
    _cut_binary_tail(decoded)
    if repair:
        _repair_mojibake(decoded)
    return decoded


def looks_binary(sample: bytes) -> bool:
    """Return True when a file's first bytes are binary data rather than text in any encoding.

    >>> png = b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00\\x00\\rIHDR"
    >>> looks_binary(png), looks_binary("é".encode("utf-16"))
    (True, False)
    """
    encoding, bom, _ = detect(sample)
    if encoding.startswith(("utf-16", "utf-32")):
        return False  # judged once decoded (``NotText``): its NUL bytes are text
    if b"\x00" in sample:
        return True
    text = sample.decode("latin-1")
    return len(_CONTROL.findall(text)) > 0.05 * len(text)


def text_lines(file: Path, *, notes: list[Note] | None = None) -> Iterator[str]:
    """Yield the decoded lines of a file (with their ends), streaming when it is not UTF-16/32.

    The encoding is detected from the file's first bytes; a later line that is not valid in it
    is read with stray bytes as cp1252, and one note per file (its first line, the count) is
    appended to ``notes``. Lines holding binary data are yielded as they decode: record readers
    judge them (NUL bytes make a record unreadable, not a crash).
    """
    notes = notes if notes is not None else []
    with file.open("rb") as stream:
        head = stream.read(SAMPLE_BYTES)
        encoding, bom, detected_notes = detect(head)
        notes.extend(detected_notes)
        if encoding.startswith(("utf-16", "utf-32")):
            stream.seek(0)
            try:
                decoded = decode_bytes(stream.read())
            except NotText as error:
                notes.append(Note(f"{error}, not text", "save it as text; it was skipped"))
                return
            notes.extend(decoded.notes)
            yield from io.StringIO(decoded.text, newline="")
            return
        stream.seek(len(bom))
        first_bad, n_bad = None, 0
        for number, raw_line in enumerate(stream, start=1):
            try:
                yield raw_line.decode(encoding)
            except UnicodeDecodeError:
                first_bad, n_bad = first_bad or number, n_bad + 1
                if encoding == "utf-8":
                    yield utf8_with_stray_bytes(raw_line)[0]
                else:
                    yield decode_legacy(raw_line, encoding)
        if n_bad:
            notes.append(
                Note(
                    f"{n_bad} line(s) hold bytes that are not {encoding} (first: line {first_bad})",
                    "read as cp1252 where they are not; check those lines, save it as UTF-8",
                    line=first_bad,
                )
            )


def read_text(file: Path, shown: str, log: ProblemLog) -> str | None:
    """Return a text file's decoded text (newlines normalised), its doubts recorded in ``log``.

    None (with a problem) when it cannot be read or holds binary data, not text.
    """
    try:
        decoded = decode_bytes(read_bytes(file))
    except UnreadableFile as error:
        log.add(shown, f"cannot be read: {error}", fix="fix or remove it; it was skipped")
        return None
    except NotText as error:
        log.add(shown, f"{error}, not text", fix="save it as text or remove it; it was skipped")
        return None
    record_notes(decoded.notes, shown, log)
    if decoded.binary_from is not None and not decoded.text.strip():
        log.add(shown, "binary file, not text", fix="save it as text or remove it")
        return None
    return normalise_newlines(decoded.text)


def record_notes(notes: list[Note], shown: str, log: ProblemLog) -> None:
    """Record each note as a problem of the file ``shown``."""
    for note in notes:
        log.add(shown, note.problem, line=note.line, fix=note.fix, fatal=note.fatal)


def strip_controls(text: str) -> tuple[str, int]:
    """Return ``text`` without control characters (NUL, ...), and how many there were.

    >>> strip_controls("a\\x00b\\tc")
    ('ab\\tc', 1)
    """
    count = len(_CONTROL.findall(text))
    return (_CONTROL.sub("", text), count) if count else (text, 0)


def line_of(text: str, position: int) -> int:
    """Return the 1-based line of ``position`` in ``text``.

    >>> line_of("a\\nb\\nc", 2)
    2
    """
    return text.count("\n", 0, position) + 1


# ---------------------------------------------------------------------------------------------
# Detection


# ---------------------------------------------------------------------------------------------
# Decoding


def _stray_note(text: str, stray: int, position: int) -> Note:
    """Return the doubt about ``stray`` bytes read as cp1252 inside UTF-8 text."""
    context = text[max(0, position - 20) : position + 20].replace("\n", " ")
    return Note(
        f"{stray} byte(s) are not UTF-8 (first at line {line_of(text, position)}: {context!r})",
        "read as cp1252 there, the rest as UTF-8; check those characters, save it as UTF-8",
        line=line_of(text, position),
    )


# A lead byte of UTF-8 read as cp1252/latin-1 (Â..ô) followed by a continuation byte read so.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
    "\u20ac\u2122]"
)
_MOJIBAKE_LINE_CHARS = 200_000  # longer lines are left as they are (ftfy is slow on them)


def _cut_binary_tail(decoded: Decoded) -> None:
    """Cut the text where binary data begins (a run dense in control characters); note it.

    A stray control character in a text is removed instead, with a note.
    """
    text = decoded.text
    first = _CONTROL.search(text)
    if first is None:
        return
    position = first.start()
    while first is not None:
        window = text[first.start() : first.start() + BINARY_WINDOW]
        if len(_CONTROL.findall(window)) > max(2, BINARY_SHARE * len(window)):
            line = line_of(text, first.start())
            line_start = text.rfind("\n", 0, first.start()) + 1
            decoded.text = text[:line_start]
            decoded.binary_from = line
            if decoded.text.strip():
                decoded.notes.append(
                    Note(
                        f"binary data from line {line} on",
                        "only the text before it was loaded; check the file is complete",
                        line=line,
                    )
                )
            return
        first = _CONTROL.search(text, first.end())
    count = len(_CONTROL.findall(text))
    decoded.text = _CONTROL.sub("", text)
    decoded.notes.append(
        Note(
            f"{count} control character(s) removed (first at line {line_of(text, position)})",
            "check the file was saved as text",
            line=line_of(text, position),
            fatal=False,
        )
    )


def _repair_mojibake(decoded: Decoded) -> None:
    """Repair UTF-8-read-as-cp1252 mojibake where ftfy is sure; note what it changed.

    Only lines holding a telltale pair ("Ã©", "â€") are given to ftfy, so clean text costs
    one regular-expression scan and keeps every character as it was.
    """
    if not _MOJIBAKE_HINT.search(decoded.text):
        return
    import ftfy

    config = _ftfy_config()
    lines = decoded.text.split("\n")
    first_line, first_before, first_after, repaired = None, "", "", 0
    for index, line in enumerate(lines):
        if len(line) > _MOJIBAKE_LINE_CHARS or not _MOJIBAKE_HINT.search(line):
            continue
        fixed = ftfy.fix_text(line, config)
        if fixed == line:
            continue
        if first_line is None:
            position = next(
                (i for i, (a, b) in enumerate(zip(line, fixed, strict=False)) if a != b), 0
            )
            first_line, first_before, first_after = index + 1, line[position:], fixed[position:]
        lines[index] = fixed
        repaired += 1
    if not repaired:
        return
    decoded.text = "\n".join(lines)
    decoded.notes.append(
        Note(
            f"mojibake repaired on {repaired} line(s) (first at line {first_line}: "
            f"{first_before[:12]!r} → {first_after[:8]!r})",
            "check the repaired text; the raw file is unchanged",
            line=first_line,
            fatal=False,
        )
    )


def _ftfy_config() -> Any:
    """Return ftfy's settings: encoding repairs only; quotes, widths, HTML and breaks kept."""
    import ftfy

    return ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=False,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )
