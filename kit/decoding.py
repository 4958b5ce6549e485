"""Bytes to text: the encoding detected, not guessed, and every doubt said out loud.

The order of evidence, strongest first:

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

import codecs
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kit.documents import ProblemLog, normalise_newlines
from kit.files import UnreadableFile, read_bytes

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
SAMPLE_BYTES = 65_536  # what detection looks at; the whole file is then decoded strictly
DECLARATION_BYTES = 8192
# WHATWG's encoding labels where Python's codec of the same name would read differently.
_LABEL_CODECS = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "l1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252", "windows-1252": "cp1252",
    "x-sjis": "shift_jis", "ms_kanji": "shift_jis", "windows-31j": "cp932",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
    "ks_c_5601-1987": "cp949", "euc-kr": "cp949", "iso-8859-9": "cp1254",
    "tis-620": "cp874", "iso-8859-11": "cp874",
}  # fmt: skip
# A declaration of a 16/32-bit encoding in ASCII-compatible bytes is wrong by construction.
_IGNORED_DECLARATIONS = ("utf-16", "utf-32")
_DECLARATION = re.compile(
    rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([\w.:-]{2,40})"
    rb"|^content-type\s*:[^\n]{0,200}?charset\s*=\s*[\"']?([\w.:-]{2,40})"
    rb"|<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([\w.:-]{2,40})[\"']",
    re.IGNORECASE | re.MULTILINE,
)
# Characters that never occur in text: C0/C1 controls other than whitespace and escape.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_BINARY_WINDOW = 512  # characters after a control character inspected to call it binary
_BINARY_SHARE = 0.03  # share of controls in that window above which the rest is binary data
_NOT_TEXT_CATEGORIES = frozenset({"Cc", "Cn", "Co", "Cs"})
_NOT_TEXT_SHARE = 0.02  # in a UTF-16/32 decoding: above this share it is binary, not text
_TIE = 0.06  # messiness within this of the best: an equally good reading
_MESSY = 0.2  # messiness above which no reading is trusted
_FALLBACK_CODECS = ("cp1252",)  # always tried: the most common legacy encoding by far
# Equally clean readings are ranked by how common each encoding is on the web (Windows code
# pages and the East Asian standards first); DOS and Mac code pages come last.
_PREFERRED = (
    "cp1252", "cp1251", "cp1250", "cp932", "shift_jis", "gb18030", "big5", "euc_jp", "cp949",
    "koi8_r", "koi8_u", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "cp874",
    "iso8859_2", "iso8859_5", "iso8859_7", "iso8859_15",
)  # fmt: skip
# Box drawing and block elements: what a DOS code page makes of letters.
_PSEUDO_GRAPHICS = re.compile(r"[\u2500-\u259f]")
# Non-ASCII characters below the CJK blocks (whose punctuation follows other rules).
_SYMBOL_CANDIDATE = re.compile("[\u00a0\u00a2-\u00be\u00c0-\u2e7f]")
_CYRILLIC_END = 0x0530
_PUNCTUATION_AROUND_WORDS = frozenset({"Pi", "Pf", "Pd", "Ps", "Pe"})  # quotes, dashes, brackets


@dataclass(frozen=True)
class Note:
    """A doubt or a repair to record as a problem (``fatal``: raises in strict mode)."""

    problem: str
    fix: str
    line: int | None = None
    fatal: bool = True


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


class NotText(ValueError):
    """Raised for bytes that are binary data, not text in any encoding."""


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
        text = _decode_wide(body, encoding)
    elif encoding == "utf-8":
        text, stray, first = _utf8_with_stray_bytes(body)
        if stray:
            notes.append(_stray_note(text, stray, first))
    else:
        text = _decode_legacy(body, encoding)
    decoded = Decoded(text, encoding, notes)
    _cut_binary_tail(decoded)
    if repair:
        _repair_mojibake(decoded)
    return decoded


def detect(data: bytes) -> tuple[str, bytes, list[Note]]:
    """Return ``(codec, byte-order mark, notes)`` for ``data`` (see the module's order).

    >>> detect(b"\\xef\\xbb\\xbfhello")[:2]
    ('utf-8', b'\\xef\\xbb\\xbf')
    >>> detect(b'<meta charset="windows-1251"><p>\\xcc\\xe8\\xf0</p>')[0]
    'cp1251'
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding, bom, []
    sample = data[:SAMPLE_BYTES]
    wide = _wide_without_bom(sample)
    if wide:
        return wide, b"", []
    data = _before_binary(data)
    sample = data[:SAMPLE_BYTES]
    if _is_utf8(data):
        declared = _declared(data)
        notes = []
        if declared and declared not in ("utf-8", "ascii") and not data.isascii():
            notes.append(
                Note(
                    f"declares charset {declared!r} but its bytes are UTF-8",
                    "read as UTF-8; correct the declaration",
                    fatal=False,
                )
            )
        return "utf-8", b"", notes
    declared = _declared(data)
    if declared and declared != "utf-8" and _decodes(data, declared):
        return declared, b"", []
    if _mostly_utf8(sample):
        return "utf-8", b"", []  # the stray bytes are noted as they are decoded
    encoding, notes = _detect_legacy(sample)
    if declared:
        notes.insert(
            0,
            Note(
                f"declares charset {declared!r} but its bytes are not {declared}",
                f"read as {encoding}; check the text and correct the declaration",
            ),
        )
    return encoding, b"", notes


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
                    yield _utf8_with_stray_bytes(raw_line)[0]
                else:
                    yield _decode_legacy(raw_line, encoding)
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


def _codec_of(label: str) -> str | None:
    """Return Python's codec for an encoding label (WHATWG's reading of it), None if unknown."""
    label = label.strip().lower()
    if label.startswith(_IGNORED_DECLARATIONS):
        return None
    label = _LABEL_CODECS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


_CONTROL_BYTE = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def _before_binary(data: bytes) -> bytes:
    """Return the bytes before the first run dense in control bytes (binary data), or all."""
    for found in _CONTROL_BYTE.finditer(data[: SAMPLE_BYTES * 4]):
        window = data[found.start() : found.start() + _BINARY_WINDOW]
        if len(_CONTROL_BYTE.findall(window)) > max(2, _BINARY_SHARE * len(window)):
            return data[: found.start()]
    return data


def _declared(data: bytes) -> str | None:
    """Return the codec a declaration in the first bytes names (None when none or unknown)."""
    match = _DECLARATION.search(data[:DECLARATION_BYTES])
    if match is None:
        return None
    label = next(group for group in match.groups() if group)
    codec = _codec_of(label.decode("ascii", errors="replace"))
    return "ascii" if codec == "ascii" else codec


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        _decode_legacy(data, encoding, errors="strict")
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the end of a sample is still UTF-8.
        return error.start >= len(data) - 3 and error.reason == "unexpected end of data"
    return True


_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _mostly_utf8(sample: bytes) -> bool:
    """Return True when valid UTF-8 sequences outnumber the bytes that are not UTF-8."""
    valid = len(_UTF8_MULTIBYTE.findall(sample))
    if valid == 0:
        return False
    _, stray, _ = _utf8_with_stray_bytes(sample)
    return valid >= stray


def _wide_without_bom(sample: bytes) -> str | None:
    """Return "utf-16-le"/"-be" or "utf-32-le"/"-be" for marked-less wide text, else None.

    UTF-32 shows as three NUL bytes in four; UTF-16 of an alphabetic script as one byte value
    (0x00 for Latin, 0x04 for Cyrillic, 0x03 for Greek, ...) in every other position. The
    reading must then decode and look like text. Wide text always holds NUL bytes (its spaces,
    digits and line ends are ASCII characters widened), so a sample without one is not wide
    (a page indented with spaces has 0x20 in every other position).
    """
    size = len(sample) // 4 * 4
    if size < 8 or 0 not in sample:
        return None
    columns = [sample[offset:size:4].count(0) / (size // 4) for offset in range(4)]
    candidates = []
    if min(columns[1:]) > 0.9:
        candidates.append("utf-32-le")
    if min(columns[:3]) > 0.9:
        candidates.append("utf-32-be")
    for encoding, high, low in (
        ("utf-16-le", sample[1:size:2], sample[0:size:2]),
        ("utf-16-be", sample[0:size:2], sample[1:size:2]),
    ):
        value, count = Counter(high).most_common(1)[0]
        if value < 0x30 and count > 0.5 * len(high) and Counter(low).most_common(1)[0][1] < count:
            candidates.append(encoding)
    for encoding in candidates:
        try:
            _decode_wide(sample[:size], encoding)
        except NotText:
            continue
        return encoding
    return None


def _detect_legacy(sample: bytes) -> tuple[str, list[Note]]:
    """Return the best single- or multi-byte legacy encoding for ``sample`` and any doubt.

    Each candidate (charset-normalizer's, plus cp1252) is scored by how messy its decoding
    reads; the least messy wins, cp1252 and then charset-normalizer's order breaking ties.
    """
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    sample = _without_cut_character(sample)
    results = from_bytes(sample, steps=5, chunk_size=512, threshold=0.5)
    ranked = [match.encoding for match in results]
    candidates = list(dict.fromkeys([*_FALLBACK_CODECS, *ranked]))
    readings: list[tuple[float, int, str, str]] = []
    for order, encoding in enumerate(candidates):
        try:
            text = _decode_legacy(sample, encoding, errors="strict")
        except (UnicodeDecodeError, LookupError):
            continue
        # cp1252's undefined bytes are judged apart (a note), not as mess in the letters.
        scored = _C1.sub("", text) if encoding == "cp1252" else text
        mess = mess_ratio(scored, 1.0) + _misread_share(scored)
        rank = _PREFERRED.index(encoding) if encoding in _PREFERRED else len(_PREFERRED) + order
        readings.append((mess, rank, encoding, text))
    if not readings:
        return "cp1252", [
            Note(
                "encoding not recognised (no encoding reads it cleanly)",
                "read as cp1252 with unknown bytes replaced; save it as UTF-8",
            )
        ]
    best_mess = min(reading[0] for reading in readings)
    tied = sorted(
        (reading for reading in readings if reading[0] <= best_mess + _TIE),
        key=lambda reading: reading[1],
    )
    chosen_mess, _, chosen, chosen_text = tied[0]
    others = [reading[2] for reading in tied[1:] if reading[3] != chosen_text]
    notes = []
    if chosen_mess > _MESSY:
        notes.append(
            Note(
                f"encoding not certain: read as {chosen}, but the text looks garbled in "
                "every encoding tried",
                "check the text; save the file as UTF-8",
            )
        )
    elif chosen == "cp1252" and _CP1252_UNDEFINED.search(sample):
        notes.append(
            Note(
                f"{len(_CP1252_UNDEFINED.findall(sample))} byte(s) mean nothing in cp1252, the "
                "encoding it reads best in; kept as control characters",
                "check the text; save the file as UTF-8",
            )
        )
    elif others and chosen not in _FALLBACK_CODECS:
        notes.append(
            Note(
                f"encoding not certain: read as {chosen} (as plausible: {', '.join(others[:3])})",
                "check the text; save the file as UTF-8 or declare its charset",
            )
        )
    return chosen, notes


def _misread_share(text: str) -> float:
    """Return a messiness score for what a wrong code page makes of letters.

    Counts box-drawing characters (DOS code pages) and symbols glued to a letter ("powiedzia³",
    "zostan¹": Polish read as cp1252), weighted so a few in a paragraph outweigh a tie.
    """
    suspicious = len(_PSEUDO_GRAPHICS.findall(text))
    for found in _SYMBOL_CANDIDATE.finditer(text):
        index, char = found.start(), found.group()
        category = unicodedata.category(char)
        if category[0] in "LMZ" or category in _PUNCTUATION_AROUND_WORDS:
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if _is_small_script_letter(before) or _is_small_script_letter(after):
            suspicious += 1
    return 20 * suspicious / max(1, len(text))


def _is_small_script_letter(char: str) -> bool:
    """Return True for a Latin, Greek or Cyrillic letter (scripts of the one-byte code pages)."""
    return char.isalpha() and ord(char) < _CYRILLIC_END


def _without_cut_character(sample: bytes) -> bytes:
    """Return a sample without a multi-byte character cut at its end (up to 3 bytes)."""
    if len(sample) < SAMPLE_BYTES:
        return sample
    return sample[: len(sample) - 3]


# ---------------------------------------------------------------------------------------------
# Decoding


_CP1252 = [bytes([byte]).decode("cp1252", errors="replace") for byte in range(256)]


def _utf8_with_stray_bytes(data: bytes) -> tuple[str, int, int]:
    """Return ``data`` as UTF-8 with bytes that are not UTF-8 read as cp1252.

    Also returns how many bytes were not UTF-8 and the text index of the first (-1 if none).
    """
    parts, stray, start, first, length = [], 0, 0, -1, 0
    while True:
        try:
            parts.append(data[start:].decode("utf-8"))
            return "".join(parts), stray, first
        except UnicodeDecodeError as error:
            end = start + error.start
            parts.append(data[start:end].decode("utf-8"))
            length += len(parts[-1])
            first = length if first < 0 else first
            bad = data[end : start + error.end]
            parts.append("".join(_CP1252[byte] for byte in bad))
            length += len(parts[-1])
            stray += len(bad)
            start += error.end


def _stray_note(text: str, stray: int, position: int) -> Note:
    """Return the doubt about ``stray`` bytes read as cp1252 inside UTF-8 text."""
    context = text[max(0, position - 20) : position + 20].replace("\n", " ")
    return Note(
        f"{stray} byte(s) are not UTF-8 (first at line {line_of(text, position)}: {context!r})",
        "read as cp1252 there, the rest as UTF-8; check those characters, save it as UTF-8",
        line=line_of(text, position),
    )


def _decode_wide(body: bytes, encoding: str) -> str:
    """Return UTF-16/32 text; raise ``NotText`` when the bytes behind the mark are binary."""
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        raise NotText(f"binary data behind a {encoding.upper()} byte-order mark") from error
    if text:
        not_text = sum(
            1
            for char in text[:SAMPLE_BYTES]
            if unicodedata.category(char) in _NOT_TEXT_CATEGORIES and char not in "\t\n\r\f\v"
        )
        if not_text > _NOT_TEXT_SHARE * min(len(text), SAMPLE_BYTES):
            raise NotText(f"binary data behind a {encoding.upper()} byte-order mark")
    return text


def _decode_legacy(body: bytes, encoding: str, *, errors: str = "replace") -> str:
    """Return ``body`` in ``encoding``; bytes it does not define become U+FFFD.

    cp1252 is read as browsers read it (WHATWG): its five undefined bytes as the C1 controls.
    """
    if encoding == "cp1252":
        return body.decode("cp1252", errors=_WHATWG_1252)
    return body.decode(encoding, errors=errors)


def _as_latin1(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("latin-1"), error.end


_WHATWG_1252 = "kit.whatwg-1252"
codecs.register_error(_WHATWG_1252, _as_latin1)
# A lead byte of UTF-8 read as cp1252/latin-1 (Â..ô) followed by a continuation byte read so.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
    "\u20ac\u2122]"
)
_MOJIBAKE_LINE_CHARS = 200_000  # longer lines are left as they are (ftfy is slow on them)
_C1 = re.compile("[\x80-\x9f]")
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


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
        window = text[first.start() : first.start() + _BINARY_WINDOW]
        if len(_CONTROL.findall(window)) > max(2, _BINARY_SHARE * len(window)):
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
