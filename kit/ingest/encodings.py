"""Which encoding a file's bytes are in, and decoding them in it.

In this order: a byte-order mark; UTF-16/32 without a mark (one byte value in every other
position, NUL bytes present); valid UTF-8; a declaration (``<meta charset>``, an HTTP-style
``Content-Type``, an XML ``encoding``) the bytes agree with; mostly UTF-8 with stray bytes;
then the least garbled reading among charset-normalizer's candidates and cp1252. Each doubt
is a ``Note``, which ``kit.ingest.decoding`` records as a problem.

>>> detect(b"\\xef\\xbb\\xbfhello")[:2]
('utf-8', b'\\xef\\xbb\\xbf')
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

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


class NotText(ValueError):
    """Raised for bytes that are binary data, not text in any encoding."""


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
        window = data[found.start() : found.start() + BINARY_WINDOW]
        if len(_CONTROL_BYTE.findall(window)) > max(2, BINARY_SHARE * len(window)):
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
        decode_legacy(data, encoding, errors="strict")
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


def _mostly_utf8(sample: bytes) -> bool:
    """Return True when valid UTF-8 sequences outnumber the bytes that are not UTF-8."""
    valid = len(_UTF8_MULTIBYTE.findall(sample))
    if valid == 0:
        return False
    _, stray, _ = utf8_with_stray_bytes(sample)
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
            decode_wide(sample[:size], encoding)
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
            text = decode_legacy(sample, encoding, errors="strict")
        except (UnicodeDecodeError, LookupError):
            continue
        # cp1252's undefined bytes are judged apart (a note), not as mess in the letters.
        scored = C1_CONTROLS.sub("", text) if encoding == "cp1252" else text
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
    elif chosen == "cp1252" and CP1252_UNDEFINED.search(sample):
        notes.append(
            Note(
                f"{len(CP1252_UNDEFINED.findall(sample))} byte(s) mean nothing in cp1252, the "
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


def decode_wide(body: bytes, encoding: str) -> str:
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


def decode_legacy(body: bytes, encoding: str, *, errors: str = "replace") -> str:
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


BINARY_WINDOW = 512  # characters after a control character inspected to call it binary


BINARY_SHARE = 0.03  # share of controls in that window above which the rest is binary data


_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def utf8_with_stray_bytes(data: bytes) -> tuple[str, int, int]:
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


_WHATWG_1252 = "kit.whatwg-1252"


C1_CONTROLS = re.compile("[\x80-\x9f]")


CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


codecs.register_error(_WHATWG_1252, _as_latin1)


_CP1252 = [bytes([byte]).decode("cp1252", errors="replace") for byte in range(256)]
