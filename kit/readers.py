"""Reading a corpus from files into one raw-documents frame, with every problem recorded.

``read_documents(path)`` walks a folder (or reads one file) and returns two frames:
``documents`` (one row per article, columns ``DOCUMENT_COLUMNS``) and ``problems`` (one row per
input that could not be used, fully or partly: ``path, line, reason``).

Kinds of input, chosen by file extension:

- plain-text pages (``.txt``, ``.text`` or no extension): the whole page is ``raw_text``; outlet,
  date, author, URL, title and story come from a ``manifest.csv`` in the same folder;
- HTML pages (``.html``, ``.htm``): main text and metadata extracted with trafilatura;
- records (``.json``, ``.jsonl``/``.ndjson``, ``.csv``/``.tsv``, ``.parquet``): columns found by
  common names (``FIELD_NAMES``) or given with ``columns={"text": "my_col", ...}``;
- BASIL articles: JSON records with ``body-paragraphs`` (kind ``"basil"``).

``path`` in both frames is the file's path as given: the loaded folder exactly as passed, joined
with the file's path inside it (``data/000_626c3d33b069517d.txt`` for ``read_documents("data")``),
in POSIX form; for a single file, the file's path as passed. Input files are only ever opened for
reading.
"""

from __future__ import annotations

import ast
import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import sys
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kit import outlets as outlet_names
from kit.errors import InputError, input_msg, value_invalid_msg, where

DOCUMENT_COLUMNS = [
    "doc_id",
    "source",
    "title",
    "author",
    "url",
    "story",
    "published",
    "timezone",
    "raw_text",
    "path",
    "line",
    "kind",
    "file_hash",
]
PROBLEM_COLUMNS = ["path", "line", "reason"]

# Column names recognised in records, in order of preference. ``content_original`` comes before
# ``content`` because Article-Bias-Prediction files carry both and ``content`` is tokenised.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "text": ("text", "content_original", "content", "body", "article"),
    "source": ("source", "outlet", "media_name", "publisher", "site_name"),
    "published": ("date", "published", "publish_date", "published_at", "datetime"),
    "author": ("author", "authors", "byline"),
    "url": ("url", "link"),
    "title": ("title", "headline"),
    "story": ("story", "story_id", "heuristic_story_id", "event_id"),
    "doc_id": ("doc_id", "id", "ID", "uuid"),
    "timezone": ("timezone", "tz"),
}
KIND_BY_SUFFIX = {
    ".txt": "text",
    ".text": "text",
    "": "text",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
CONFIG_FILES = frozenset({"manifest.csv", "outlets.csv", "aliases.csv"})
MANIFEST_FIELDS = ("source", "published", "timezone", "author", "url", "title", "story")
BASIL_SOURCES = {"fox": "Fox News", "nyt": "The New York Times", "hpo": "HuffPost"}

# (manifest path as reported, line of the row, the row's values) for one page.
ManifestEntry = tuple[str, int, dict[str, "str | None"]]

_DOCUMENTATION = re.compile(r"^(readme|licen[cs]e|copying)([._-].*)?$", re.IGNORECASE)
_HAS_TIME = re.compile(r"\d:\d|T\d\d")
_HAS_YEAR = re.compile(r"\d{4}")
# BASIL marks four articles' uuid "empty"; their file names (<story>_<n>) are unique instead.
_PLACEHOLDER_IDS = frozenset({"empty", "none", "null", "nan", "n/a"})
_RELATIVE_DATES = frozenset({"now", "today", "yesterday", "tomorrow"})
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SNIFF_BYTES = 8192
_NOT_A_TIME = np.iinfo(np.int64).min  # pandas' integer code for NaT
_PROGRESS_MIN_FILES = 5


def read_documents(
    path: str | os.PathLike[str],
    *,
    columns: Mapping[str, str] | None = None,
    outlets: Mapping[str, str] | None = None,
    strict: bool = False,
    progress: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(documents, problems)`` read from a folder (recursively) or a single file.

    Args:
        path: a folder (files read in sorted order, hidden files and folders skipped) or a file.
        columns: record column names per field, overriding ``FIELD_NAMES``
            (e.g. ``{"text": "story_body"}``).
        outlets: extra outlet aliases (``{"alias": "Canonical name"}``); they win over an
            ``outlets.csv`` in the folder, which wins over the built-in table.
        strict: raise ``InputError`` at the first problem instead of recording it (skipped
            documentation files, README*/LICENSE*, are still only recorded).
        progress: show a progress bar over the files when there are more than a few.

    >>> from kit.pipeline import DATA_DIR
    >>> documents, problems = read_documents(DATA_DIR)
    >>> documents["source"].tolist(), len(problems)
    (['New York Post', 'Kyiv Independent'], 0)
    """
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(
            input_msg(
                path,
                "no such file or folder",
                fix=f"check the path (relative paths start from {Path.cwd()})",
            )
        )
    field_columns = _checked_columns(columns)
    log = _ProblemLog(strict=strict)

    if root.is_dir():
        files = _corpus_files(root)
        shown_root = root
        folder_aliases = _read_outlet_aliases(root / "outlets.csv", root.as_posix(), log)
    else:
        files = [root]
        shown_root = None
        folder_aliases = {}
    normalize_outlet = outlet_names.normalizer({**folder_aliases, **(outlets or {})} or None)
    collector = _DocumentCollector(log, normalize_outlet)

    manifests = _read_manifests(root, files, shown_root, log)
    for file in _with_progress(files, enabled=progress):
        shown = _shown_path(file, root, shown_root)
        manifest = manifests.get(file.parent, {})
        for document in _read_file(file, shown, manifest, field_columns, log):
            collector.add(document)
    return collector.documents(), log.frame()


# ---------------------------------------------------------------------------------------------
# Problems and documents


class _ProblemLog:
    """Collects problem rows; in strict mode raises ``InputError`` at the first one."""

    def __init__(self, *, strict: bool) -> None:
        self.strict = strict
        self.rows: list[tuple[str, int | None, str]] = []

    def add(
        self,
        path: str,
        problem: str,
        *,
        line: int | None = None,
        fix: str | None = None,
        fatal: bool = True,
    ) -> None:
        """Record one problem (``fatal=False``: never raises, even when strict)."""
        message = input_msg(path, problem, line=line, fix=fix)
        if self.strict and fatal:
            raise InputError(message)
        self.rows.append((path, line, message))

    def frame(self) -> pd.DataFrame:
        """Return the problems as a frame with columns ``PROBLEM_COLUMNS``."""
        return pd.DataFrame(
            {
                "path": pd.Series([row[0] for row in self.rows], dtype=object),
                "line": pd.array([row[1] for row in self.rows], dtype="Int64"),
                "reason": pd.Series([row[2] for row in self.rows], dtype=object),
            }
        )


class _DocumentCollector:
    """Accumulates documents column by column, normalising outlets and de-duplicating ids."""

    def __init__(self, log: _ProblemLog, normalize_outlet: Callable[[object], str | None]):
        self.log = log
        self.normalize_outlet = normalize_outlet
        self.values: dict[str, list[Any]] = {column: [] for column in DOCUMENT_COLUMNS}
        self.first_seen: dict[str, tuple[str, int | None, int]] = {}

    def add(self, document: dict[str, Any]) -> None:
        """Append one document (a dict with every column of ``DOCUMENT_COLUMNS``)."""
        document["source"] = self.normalize_outlet(document["source"])
        if self._merged_into_first(document):
            return
        document["doc_id"] = self._unique_id(document)
        self.first_seen[document["doc_id"]] += (len(self.values["doc_id"]),)
        for column, values in self.values.items():
            values.append(document[column])

    def _merged_into_first(self, document: dict[str, Any]) -> bool:
        """Count an exact copy (same id, same text) once; fill the first's gaps from it."""
        first = self.first_seen.get(document["doc_id"])
        if first is None or first[2] != hash(document["raw_text"]):
            return False
        first_path, first_line, _, row = first
        filled = []
        for column, values in self.values.items():
            if values[row] is None and document[column] is not None:
                values[row] = document[column]
                filled.append(column)
        self.log.add(
            document["path"],
            f"article {document['doc_id']!r} is an exact copy of {where(first_path, first_line)}",
            line=document["line"],
            fix="counted once"
            + (f" (its {', '.join(filled)} taken from this copy)" * bool(filled)),
        )
        return True

    def _unique_id(self, document: dict[str, Any]) -> str:
        doc_id = document["doc_id"]
        text_hash = hash(document["raw_text"])
        if doc_id not in self.first_seen:
            self.first_seen[doc_id] = (document["path"], document["line"], text_hash)
            return doc_id
        first_path, first_line = self.first_seen[doc_id][:2]
        number = 2
        while f"{doc_id}~{number}" in self.first_seen:
            number += 1
        new_id = f"{doc_id}~{number}"
        self.first_seen[new_id] = (document["path"], document["line"], text_hash)
        self.log.add(
            document["path"],
            f"doc_id {doc_id!r} is already used by {where(first_path, first_line)}",
            line=document["line"],
            fix=f"loaded as {new_id!r}; give each article its own id or remove the duplicate",
        )
        return new_id

    def documents(self) -> pd.DataFrame:
        """Return the documents frame with the column types of the contract."""
        frame = {column: pd.Series(values, dtype=object) for column, values in self.values.items()}
        nanoseconds = np.array(self.values["published"], dtype=np.int64)
        frame["published"] = pd.Series(nanoseconds.view("datetime64[ns]")).dt.tz_localize("UTC")
        frame["line"] = pd.array(self.values["line"], dtype="Int64")
        return pd.DataFrame(frame, columns=DOCUMENT_COLUMNS)


def _document(
    *,
    doc_id: str,
    raw_text: str,
    path: str,
    kind: str,
    file_hash: str,
    line: int | None = None,
    published: pd.Timestamp | None = None,
    **metadata: str | None,
) -> dict[str, Any]:
    """Return a document dict; ``published`` stored as UTC nanoseconds (NaT code when None)."""
    document = {field: metadata.get(field) for field in MANIFEST_FIELDS if field != "published"}
    document.update(
        doc_id=doc_id,
        raw_text=raw_text,
        path=path,
        kind=kind,
        file_hash=file_hash,
        line=line,
        published=_NOT_A_TIME if published is None or pd.isna(published) else published.value,
    )
    return document


# ---------------------------------------------------------------------------------------------
# Files


def _corpus_files(root: Path) -> list[Path]:
    """Return the files under ``root`` in sorted order, skipping hidden files and folders."""
    files: list[Path] = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        files.extend(Path(folder, name) for name in names if not name.startswith("."))
    return sorted(files, key=lambda file: file.relative_to(root).parts)


def _shown_path(file: Path, root: Path, shown_root: Path | None) -> str:
    """Return the file's path as reported: the folder as given joined with the inner path."""
    if shown_root is None:
        return file.as_posix()
    return (shown_root / file.relative_to(root)).as_posix()


def _with_progress(files: list[Path], *, enabled: bool) -> Iterable[Path]:
    if not enabled or len(files) <= _PROGRESS_MIN_FILES:
        return files
    from tqdm.auto import tqdm

    return tqdm(files, desc="Reading files", unit="file")


def _file_hash(file: Path) -> str:
    """Return the sha256 hex digest of the file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with file.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _read_file(
    file: Path,
    shown: str,
    manifest: Mapping[str, ManifestEntry],
    field_columns: Mapping[str, str],
    log: _ProblemLog,
) -> Iterator[dict[str, Any]]:
    """Yield the documents of one file, recording its problems in ``log``."""
    name = file.name
    if name.lower() in CONFIG_FILES:
        return
    if _DOCUMENTATION.match(name):
        log.add(shown, "skipped: looks like documentation, not an article", fatal=False)
        return
    kind = KIND_BY_SUFFIX.get(file.suffix.lower())
    if kind is None:
        supported = ", ".join(sorted(suffix for suffix in KIND_BY_SUFFIX if suffix))
        log.add(
            shown,
            f"unsupported file type {file.suffix!r}",
            fix=f"convert it to one of {supported} (or plain text with no extension)",
        )
        return
    with file.open("rb") as stream:
        sample = stream.read(_SNIFF_BYTES)
    if not sample.strip() or sample in _UTF16_BOMS:
        log.add(shown, "empty file", fix="remove it or fill it with articles")
        return
    if kind != "parquet" and _looks_binary(sample):
        log.add(shown, "binary file, not text", fix=f"save it as text ({kind}) or remove it")
        return
    file_hash = _file_hash(file)
    if kind == "text":
        yield from _text_page(file, shown, file_hash, manifest.get(name), log)
    elif kind == "html":
        yield from _html_page(file, shown, file_hash, manifest.get(name), log)
    else:
        records = _RECORD_READERS[kind](file, shown, log)
        yield from _record_documents(records, file, shown, kind, file_hash, field_columns, log)


# ---------------------------------------------------------------------------------------------
# Text decoding


def _decode(data: bytes) -> str:
    """Return ``data`` as text: UTF-8 (with or without BOM), else cp1252, else latin-1.

    >>> _decode("café".encode("cp1252"))
    'café'
    """
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", errors="replace")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _looks_binary(sample: bytes) -> bool:
    """Return True when a file's first bytes hold NULs or mostly control characters."""
    if sample.startswith(_UTF16_BOMS):
        return False
    if b"\x00" in sample:
        return True
    text = _decode(sample)
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f\v\x1b")
    return controls > 0.05 * len(text)


def _text_lines(file: Path) -> Iterator[str]:
    """Yield the decoded lines of a file (with their ends), streaming unless it is UTF-16."""
    with file.open("rb") as stream:
        if stream.read(2) in _UTF16_BOMS:
            stream.seek(0)
            yield from io.StringIO(_decode(stream.read()), newline="")
            return
        stream.seek(0)
        for raw_line in stream:
            yield _decode(raw_line)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------------------------------------
# Dates, time zones, values


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
            _published_cache[key] = _to_utc(pd.Timestamp(text), timezone if has_time else None)
        return _published_cache[key]
    if isinstance(value, bool):
        raise ValueError(f"not a date: {value!r}")
    if isinstance(value, (int, float, np.integer, np.floating)):
        unit = "ms" if abs(value) > 1e11 else "s"  # seconds or milliseconds since 1970
        return _to_utc(pd.Timestamp(value, unit=unit), None)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return _to_utc(pd.Timestamp(value), None)
    return _to_utc(pd.Timestamp(value), timezone)


def _to_utc(stamp: pd.Timestamp, timezone: str | None) -> pd.Timestamp:
    if stamp is pd.NaT:
        return pd.NaT
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(timezone or "UTC", nonexistent="shift_forward")
    return stamp.tz_convert("UTC").as_unit("ns")


def _valid_timezone(name: str | None) -> bool:
    if not name:
        return True
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _published_or_problem(
    value: Any,
    timezone: str | None,
    log: _ProblemLog,
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


def _as_text(value: Any) -> str | None:
    """Return an article body as text: lists become paragraphs (nested lists: sentences)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        paragraphs = [
            " ".join(str(part).strip() for part in item if part is not None)
            if isinstance(item, (list, tuple))
            else str(item).strip()
            for item in value
            if item is not None
        ]
        value = "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
    text = _normalise_newlines(str(value))
    return text if text.strip() else None


def _as_field(value: Any) -> str | None:
    """Return a metadata value as a stripped string (lists joined with ", "); None if empty."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float):
        if np.isnan(value):
            return None
        if value.is_integer():
            value = int(value)
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        parts = [_as_field(item) for item in value]
        value = ", ".join(part for part in parts if part)
    text = str(value).strip()
    return text or None


# ---------------------------------------------------------------------------------------------
# Manifests and alias tables


def _read_csv_rows(
    file: Path, shown: str, log: _ProblemLog
) -> Iterator[tuple[int, dict[str, str | None]]]:
    """Yield ``(line, row)`` of a small configuration CSV, header names lower-cased."""
    reader = csv.reader(_text_lines(file))
    header = [name.strip().lower() for name in next(reader, [])]
    previous_line = reader.line_num
    for fields in reader:
        line, previous_line = previous_line + 1, reader.line_num
        if not any(field.strip() for field in fields):
            continue
        if len(fields) != len(header):
            log.add(
                shown,
                f"expected {len(header)} fields, found {len(fields)}",
                line=line,
                fix="quote fields that contain commas; this row was skipped",
            )
            continue
        yield (
            line,
            {key: (field.strip() or None) for key, field in zip(header, fields, strict=True)},
        )


def _read_manifests(
    root: Path, files: list[Path], shown_root: Path | None, log: _ProblemLog
) -> dict[Path, dict[str, ManifestEntry]]:
    """Return ``{folder: {file name: (manifest line, row)}}`` from each folder's manifest.csv.

    A row naming a file missing from its folder is a problem (only checked for folder loads).
    """
    folders = sorted({file.parent for file in files})
    if shown_root is None:
        folders = [root.parent]
    manifests: dict[Path, dict[str, ManifestEntry]] = {}
    for folder in folders:
        manifest_file = folder / "manifest.csv"
        if not manifest_file.is_file():
            continue
        shown = _shown_path(manifest_file, root, shown_root)
        rows: dict[str, ManifestEntry] = {}
        for line, row in _read_csv_rows(manifest_file, shown, log):
            if "file" not in row:
                log.add(shown, "no 'file' column", fix="name each page in a column called file")
                break
            name = row["file"]
            if not name:
                continue
            if name in rows:
                log.add(shown, f"{name!r} is listed twice", line=line, fix="this row was ignored")
            elif shown_root is not None and not (folder / name).is_file():
                log.add(
                    shown,
                    f"names {name!r}, which is not in {_shown_path(folder, root, shown_root)}",
                    line=line,
                    fix="correct the file name or remove the row",
                )
            else:
                rows[name] = (shown, line, row)
        manifests[folder] = rows
    return manifests


def _read_outlet_aliases(file: Path, shown_folder: str, log: _ProblemLog) -> dict[str, str]:
    """Return ``{alias: outlet}`` from a folder's outlets.csv (empty when there is none)."""
    if not file.is_file():
        return {}
    shown = f"{shown_folder}/{file.name}"
    aliases: dict[str, str] = {}
    for line, row in _read_csv_rows(file, shown, log):
        if "alias" not in row or "outlet" not in row:
            log.add(shown, "expected columns alias,outlet", fix="rename the header row")
            break
        if row["alias"] and row["outlet"]:
            aliases[row["alias"]] = row["outlet"]
        else:
            log.add(shown, "alias or outlet is empty", line=line, fix="fill both or remove it")
    return aliases


# ---------------------------------------------------------------------------------------------
# Pages


def _text_page(
    file: Path,
    shown: str,
    file_hash: str,
    manifest_entry: ManifestEntry | None,
    log: _ProblemLog,
) -> Iterator[dict[str, Any]]:
    """Yield the one document of a plain-text page, its metadata from the manifest row."""
    text = _normalise_newlines(_decode(file.read_bytes()))
    if not text.strip():
        log.add(shown, "empty file", fix="remove it or fill it with an article")
        return
    metadata, published = _manifest_metadata(file, manifest_entry, log)
    yield _document(
        doc_id=file.stem,
        raw_text=text,
        path=shown,
        kind="text",
        file_hash=file_hash,
        published=published,
        **metadata,
    )


def _manifest_metadata(
    file: Path, manifest_entry: ManifestEntry | None, log: _ProblemLog
) -> tuple[dict[str, str | None], pd.Timestamp]:
    """Return a page's metadata and date from its manifest row (all None when it has none)."""
    if manifest_entry is None:
        return {}, pd.NaT
    manifest_shown, line, row = manifest_entry
    metadata = {field: row.get(field) for field in MANIFEST_FIELDS}
    if not _valid_timezone(metadata["timezone"]):
        log.add(
            manifest_shown,
            f"unknown time zone {metadata['timezone']!r} for {file.name}",
            line=line,
            fix="use an IANA name such as Europe/Kyiv or America/New_York",
        )
        metadata["timezone"] = None
    published = _published_or_problem(
        metadata.pop("published"),
        metadata["timezone"],
        log,
        manifest_shown,
        line=line,
        prefix=f"{file.name}: ",
    )
    return metadata, published


def _html_page(
    file: Path,
    shown: str,
    file_hash: str,
    manifest_entry: ManifestEntry | None,
    log: _ProblemLog,
) -> Iterator[dict[str, Any]]:
    """Yield the one document of an HTML page: trafilatura's main text and metadata.

    Manifest values, where given, win over what was extracted from the page.
    """
    import trafilatura

    try:
        extracted = trafilatura.bare_extraction(
            file.read_bytes(),
            with_metadata=True,
            include_comments=False,
            date_extraction_params={"outputformat": "%Y-%m-%dT%H:%M:%S%z"},
        )
    except Exception as error:  # trafilatura raises many kinds on broken markup
        log.add(shown, f"HTML could not be parsed ({error})", fix="check the file is a web page")
        return
    lines = (extracted.text or "").split("\n") if extracted is not None else []
    text = "\n\n".join(line.strip() for line in lines if line.strip())
    if not text:
        log.add(
            shown,
            "no article text found in the HTML page",
            fix="check it is an article page, or save its text as .txt with a manifest row",
        )
        return
    metadata, published = _manifest_metadata(file, manifest_entry, log)
    page_metadata = {
        "title": extracted.title,
        "author": extracted.author,
        "url": extracted.url,
        "source": extracted.sitename or extracted.hostname,
    }
    for field, value in page_metadata.items():
        metadata[field] = metadata.get(field) or _as_field(value)
    if pd.isna(published) and extracted.date:
        # htmldate pads a bare date with midnight; keep it a date so it stays on its day.
        page_date = extracted.date.removesuffix("T00:00:00")
        published = _published_or_problem(
            page_date, metadata.get("timezone"), log, shown, line=None
        )
    yield _document(
        doc_id=file.stem,
        raw_text=text,
        path=shown,
        kind="html",
        file_hash=file_hash,
        published=published,
        **metadata,
    )


# ---------------------------------------------------------------------------------------------
# Records: JSON, JSONL, CSV, Parquet

# A record stream yields (position, record): position is the 1-based line for JSONL/CSV, or the
# negated 1-based index for JSON lists and Parquet rows (which have no line); a record that could
# not be read comes as a string saying why.
Record = dict[str, Any] | str


def _jsonl_records(file: Path, shown: str, log: _ProblemLog) -> Iterator[tuple[int, Record]]:
    """Yield ``(line, record)`` from a JSON-lines file, streaming line by line."""
    for line, text in enumerate(_text_lines(file), start=1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            yield line, f"malformed JSON ({error.msg} at column {error.colno})"
            continue
        yield line, record if isinstance(record, dict) else "not a JSON object"


def _json_records(file: Path, shown: str, log: _ProblemLog) -> Iterator[tuple[int, Record]]:
    """Yield ``(-index, record)`` from a JSON file holding one record or a list of them."""
    try:
        content = json.loads(_decode(file.read_bytes()))
    except json.JSONDecodeError as error:
        log.add(
            shown,
            f"malformed JSON ({error.msg})",
            line=error.lineno,
            fix="fix the file (a list of records, or one record); it was skipped",
        )
        return
    if isinstance(content, dict):
        lists = [value for value in content.values() if isinstance(value, list)]
        wrapped = not _has_any_field(content, "text") and "body-paragraphs" not in content
        content = lists[0] if wrapped and len(lists) == 1 else [content]
    if not isinstance(content, list):
        log.add(shown, "JSON is neither a record nor a list of records", fix="it was skipped")
        return
    for index, record in enumerate(content, start=1):
        yield -index, record if isinstance(record, dict) else "not a JSON object"


def _csv_records(file: Path, shown: str, log: _ProblemLog) -> Iterator[tuple[int, Record]]:
    """Yield ``(line, record)`` from a CSV/TSV file; ``line`` is where the record starts."""
    # Article bodies exceed the csv module's default 128 KiB field limit.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    delimiter = "\t" if file.suffix.lower() == ".tsv" else ","
    reader = csv.reader(_text_lines(file), delimiter=delimiter)
    try:
        header = [name.strip() for name in next(reader, [])]
        previous_line = reader.line_num
        for fields in reader:
            line, previous_line = previous_line + 1, reader.line_num
            if not fields:
                continue
            if len(fields) != len(header):
                yield line, f"expected {len(header)} fields, found {len(fields)}"
                continue
            yield line, dict(zip(header, fields, strict=True))
    except csv.Error as error:
        log.add(
            shown,
            f"CSV could not be read ({error})",
            line=reader.line_num,
            fix="fix the quoting; the rest of the file was skipped",
        )


def _parquet_records(file: Path, shown: str, log: _ProblemLog) -> Iterator[tuple[int, Record]]:
    """Yield ``(-row number, record)`` from a Parquet file."""
    try:
        table = pd.read_parquet(file)
    except Exception as error:  # pyarrow raises its own error types
        log.add(shown, f"Parquet could not be read ({error})", fix="it was skipped")
        return
    for index, record in enumerate(table.to_dict("records"), start=1):
        yield -index, record


_RECORD_READERS: dict[str, Callable[[Path, str, _ProblemLog], Iterator[tuple[int, Record]]]] = {
    "jsonl": _jsonl_records,
    "json": _json_records,
    "csv": _csv_records,
    "parquet": _parquet_records,
}


def _has_any_field(record: Mapping[str, Any], field: str) -> bool:
    names = {name.casefold() for name in FIELD_NAMES[field]}
    return any(str(key).casefold() in names for key in record)


def _resolve_columns(
    keys: tuple[str, ...], field_columns: Mapping[str, str]
) -> dict[str, str | None]:
    """Return ``{field: record key or None}``: given columns first, then ``FIELD_NAMES``.

    Names match exactly first, then ignoring case.
    """
    present = set(keys)
    folded: dict[str, str] = {}
    for key in keys:
        folded.setdefault(str(key).casefold(), key)
    resolved: dict[str, str | None] = {}
    for field, candidates in FIELD_NAMES.items():
        if field in field_columns:
            resolved[field] = field_columns[field] if field_columns[field] in present else None
            continue
        exact = next((name for name in candidates if name in present), None)
        loose = next((folded[name.casefold()] for name in candidates if name in folded), None)
        resolved[field] = exact or loose
    return resolved


def _record_documents(
    records: Iterator[tuple[int, Record]],
    file: Path,
    shown: str,
    kind: str,
    file_hash: str,
    field_columns: Mapping[str, str],
    log: _ProblemLog,
) -> Iterator[dict[str, Any]]:
    """Yield a document per usable record; problems name the line (or record number)."""
    resolved_by_keys: dict[tuple[str, ...], dict[str, str | None]] = {}
    missing_text: list[tuple[int | None, str]] = []
    any_text_column = False
    missing_given: set[str] = set()
    n_records = 0
    n_problems_before = len(log.rows)
    for position, record in records:
        n_records += 1
        line = position if position > 0 else None
        prefix = "" if line is not None else f"record {-position}: "
        if isinstance(record, str):
            log.add(shown, prefix + record, line=line, fix="this record was skipped")
            continue
        if "body-paragraphs" in record:
            any_text_column = True
            document = _basil_document(record, shown, file_hash, line, prefix, log)
            if document is not None:
                yield document
            continue
        keys = tuple(record)
        if keys not in resolved_by_keys:
            resolved_by_keys[keys] = _resolve_columns(keys, field_columns)
            _note_missing_given(resolved_by_keys[keys], field_columns, shown, missing_given, log)
        fields = resolved_by_keys[keys]
        if fields["text"] is None:
            missing_text.append((line, prefix))
            continue
        any_text_column = True
        text = _as_text(record[fields["text"]])
        if text is None:
            log.add(
                shown,
                f"{prefix}empty text (column {fields['text']!r})",
                line=line,
                fix="this record was skipped",
            )
            continue
        values = {
            field: _as_field(record[column]) if column is not None else None
            for field, column in fields.items()
            if field not in ("text", "published")
        }
        if not _valid_timezone(values["timezone"]):
            log.add(
                shown,
                f"{prefix}unknown time zone {values['timezone']!r}",
                line=line,
                fix="use an IANA name such as Europe/Kyiv; times read as UTC",
            )
            values["timezone"] = None
        published_value = record[fields["published"]] if fields["published"] else None
        published = _published_or_problem(
            published_value, values["timezone"], log, shown, line=line, prefix=prefix
        )
        fallback_id = f"{file.stem}:{line if line is not None else -position}"
        yield _document(
            doc_id=values.pop("doc_id") or fallback_id,
            raw_text=text,
            path=shown,
            kind=kind,
            file_hash=file_hash,
            line=line,
            published=published,
            **values,
        )
    if n_records == 0 and len(log.rows) == n_problems_before:
        log.add(shown, "no records", fix="remove the file or fill it with articles")
    _report_missing_text(missing_text, any_text_column, shown, field_columns, log)


def _note_missing_given(
    fields: Mapping[str, str | None],
    field_columns: Mapping[str, str],
    shown: str,
    already_noted: set[str],
    log: _ProblemLog,
) -> None:
    """Record once per file each given non-text column that the records do not have."""
    for field, column in field_columns.items():
        if field != "text" and fields[field] is None and field not in already_noted:
            already_noted.add(field)
            log.add(
                shown,
                f"no column {column!r} (given for {field})",
                fix=f"{field} left empty; check columns={{{field!r}: ...}}",
            )


def _report_missing_text(
    missing_text: list[tuple[int | None, str]],
    any_text_column: bool,
    shown: str,
    field_columns: Mapping[str, str],
    log: _ProblemLog,
) -> None:
    """Record records without a text column: one problem for the file if none had one."""
    if "text" in field_columns:
        looked_for = f"no text column {field_columns['text']!r}"
    else:
        looked_for = f"no text column (looked for {', '.join(FIELD_NAMES['text'])})"
    if missing_text and not any_text_column:
        log.add(shown, looked_for, fix="pass columns={'text': ...}")
    else:
        for line, prefix in missing_text:
            log.add(shown, prefix + looked_for, line=line, fix="this record was skipped")


def _basil_document(
    record: Mapping[str, Any],
    shown: str,
    file_hash: str,
    line: int | None,
    prefix: str,
    log: _ProblemLog,
) -> dict[str, Any] | None:
    """Return the document of a BASIL article record (None, with a problem, if it has no text)."""
    paragraphs = record["body-paragraphs"]
    if isinstance(paragraphs, str):
        # Some copies hold the list in Python-literal form; a plain string body is used as it is.
        with contextlib.suppress(ValueError, SyntaxError):
            paragraphs = ast.literal_eval(paragraphs)
    text = _as_text(paragraphs)
    if text is None:
        log.add(shown, f"{prefix}empty body-paragraphs", line=line, fix="this record was skipped")
        return None
    source = _as_field(record.get("source"))
    uuid = _as_field(record.get("uuid"))
    return _document(
        doc_id=uuid if uuid and uuid.lower() not in _PLACEHOLDER_IDS else Path(shown).stem,
        raw_text=text,
        path=shown,
        kind="basil",
        file_hash=file_hash,
        line=line,
        published=_published_or_problem(
            record.get("date"), None, log, shown, line=line, prefix=prefix
        ),
        source=BASIL_SOURCES.get((source or "").lower(), source),
        title=_as_field(record.get("title")),
        url=_as_field(record.get("url")),
        story=_as_field(record.get("triplet-uuid")),
    )


def _checked_columns(columns: Mapping[str, str] | None) -> dict[str, str]:
    """Return ``columns`` after checking its keys are fields; raise ValueError otherwise."""
    for field in columns or {}:
        if field not in FIELD_NAMES:
            raise ValueError(value_invalid_msg("columns key", field, FIELD_NAMES))
    return dict(columns or {})


def fingerprint(path: str | Path) -> str:
    """Return a hash of every file a load of ``path`` reads: names and contents.

    Configuration beside the articles (``manifest.csv``, ``outlets.csv``, ``aliases.csv``)
    counts too, since it changes what is loaded.
    """
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"{root}: no such file or folder; check the path")
    files = [root] if root.is_file() else _corpus_files(root)
    digest = hashlib.sha256()
    for file in files:
        name = file.name if root.is_file() else file.relative_to(root).as_posix()
        digest.update(f"{name}\0{_file_hash(file)}\n".encode())
    return digest.hexdigest()
