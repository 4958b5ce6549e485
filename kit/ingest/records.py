"""Records: JSON, JSONL, CSV, Parquet and BASIL's per-article JSON → documents.

Columns are found by common names (``FIELD_NAMES``) or given with ``columns={"text": ...}``.
"""

from __future__ import annotations

import ast
import contextlib
import itertools
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from kit.errors import ArgumentError, value_invalid_msg
from kit.ingest.csv_rows import csv_rows, sniff_delimiter
from kit.ingest.dates import DateOrder, published_or_problem, valid_timezone
from kit.ingest.decoding import Note, read_text, record_notes, strip_controls, text_lines
from kit.ingest.documents import ProblemLog, as_field, as_text, make_document

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
BASIL_SOURCES = {"fox": "Fox News", "nyt": "The New York Times", "hpo": "HuffPost"}
# BASIL marks four articles' uuid "empty"; their file names (<story>_<n>) are unique instead.
_PLACEHOLDER_IDS = frozenset({"empty", "none", "null", "nan", "n/a"})

# A record stream yields (position, record): position is the 1-based line for JSONL/CSV, or the
# negated 1-based index for JSON lists and Parquet rows (which have no line); a record that could
# not be read comes as a string saying why.
Record = dict[str, Any] | str


def _jsonl_records(file: Path, shown: str, log: ProblemLog) -> Iterator[tuple[int, Record]]:
    """Yield ``(line, record)`` from a JSON-lines file, streaming line by line."""
    notes: list[Note] = []
    for line, text in enumerate(text_lines(file, notes=notes), start=1):
        if not text.strip():
            continue
        yield line, _json_value(text, f"at line {line}")
    record_notes(notes, shown, log)


def _json_value(text: str, where: str) -> Record:
    """Return the JSON record on one line, or why it could not be read (a string)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return f"malformed JSON ({error.msg} at column {error.colno})"
    except RecursionError:
        return f"JSON nested too deeply {where} (more levels than Python can read)"
    return value if isinstance(value, dict) else "not a JSON object"


def _json_records(file: Path, shown: str, log: ProblemLog) -> Iterator[tuple[int, Record]]:
    """Yield ``(-index, record)`` from a JSON file holding one record or a list of them."""
    text = read_text(file, shown, log)
    if text is None:
        return
    try:
        content = json.loads(text)
    except json.JSONDecodeError as error:
        log.add(
            shown,
            f"malformed JSON ({error.msg})",
            line=error.lineno,
            fix="fix the file (a list of records, or one record); it was skipped",
        )
        return
    except RecursionError:
        log.add(
            shown,
            "JSON nested too deeply (more levels than Python can read)",
            fix="flatten the file into a list of records; it was skipped",
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


def _csv_records(file: Path, shown: str, log: ProblemLog) -> Iterator[tuple[int, Record]]:
    """Yield ``(line, record)`` from a CSV/TSV file; ``line`` is where the record starts.

    The delimiter is found from the header (``,``, ``;``, tab or ``|``); a record whose quotes
    do not balance is reported and the lines after its first are read again as records.
    """
    notes: list[Note] = []
    lines = text_lines(file, notes=notes)
    header_line = next(lines, "")
    default = "\t" if file.suffix.lower() == ".tsv" else ","
    delimiter = sniff_delimiter(header_line, default=default)
    rows = csv_rows(itertools.chain([header_line], lines), delimiter=delimiter)
    header: list[str] | None = None
    for line, fields in rows:
        if isinstance(fields, str):
            yield line, f"{fields} in the record starting here; the lines after it were read again"
            continue
        if header is None:
            header = [name.strip() for name in fields]
            continue
        if not fields:
            continue
        if len(fields) != len(header):
            yield line, f"expected {len(header)} fields, found {len(fields)}"
            continue
        yield line, dict(zip(header, fields, strict=True))
    record_notes(notes, shown, log)


def read_parquet(source: Any) -> pd.DataFrame:
    """Return the Parquet file ``source`` (a path, a file object, a buffer) as a DataFrame.

    Decoded on the calling thread, for users' files and the kit's own store alike. Arrow's
    thread pools, once started, can abort a process as it exits ("terminate called without an
    active exception", apache/arrow#34314): a kernel or a script that had read a snapshot then
    ended with SIGABRT now and then under load. It costs little: a million rows of four
    columns decode in 37 ms here, 25 ms with the pools.

    >>> import io, pyarrow as pa
    >>> buffer = io.BytesIO()
    >>> pq.write_table(pa.table({"n": [1, 2]}), buffer)
    >>> read_parquet(buffer).n.tolist()
    [1, 2]
    """
    return pq.ParquetFile(source).read(use_threads=False).to_pandas(use_threads=False)


def _parquet_records(file: Path, shown: str, log: ProblemLog) -> Iterator[tuple[int, Record]]:
    """Yield ``(-row number, record)`` from a Parquet file."""
    try:
        table = read_parquet(file)
    except Exception as error:  # pyarrow raises its own error types
        log.add(shown, f"Parquet could not be read ({error})", fix="it was skipped")
        return
    for index, record in enumerate(table.to_dict("records"), start=1):
        yield -index, record


RECORD_READERS: dict[str, Callable[[Path, str, ProblemLog], Iterator[tuple[int, Record]]]] = {
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


def record_documents(
    records: Iterator[tuple[int, Record]],
    file: Path,
    shown: str,
    kind: str,
    file_hash: str,
    field_columns: Mapping[str, str],
    log: ProblemLog,
    *,
    dayfirst: bool | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield a document per usable record; problems name the line (or record number).

    Dates like ``05/02/2023`` are read by the convention the file's dates show (a day above
    12 decides) or by ``dayfirst``; records wait, in order, until that is known.
    """
    resolved_by_keys: dict[tuple[str, ...], dict[str, str | None]] = {}
    missing_text: list[tuple[int | None, str]] = []
    any_text_column = False
    missing_given: set[str] = set()
    n_records = 0
    n_problems_before = len(log.rows)
    # Records whose day/month order the column has not decided yet wait here, in order.
    order = DateOrder(dayfirst)
    held: list[dict[str, Any]] = []
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
        try:
            text = as_text(record[fields["text"]])
            values = {
                field: as_field(record[column]) if column is not None else None
                for field, column in fields.items()
                if field not in ("text", "published")
            }
        except RecursionError:
            log.add(
                shown,
                f"{prefix}a value nested too deeply to read",
                line=line,
                fix="this record was skipped",
            )
            continue
        if text is None:
            log.add(
                shown,
                f"{prefix}empty text (column {fields['text']!r})",
                line=line,
                fix="this record was skipped",
            )
            continue
        text, n_controls = strip_controls(text)
        if n_controls:
            log.add(
                shown,
                f"{prefix}{n_controls} control character(s) in the text removed",
                line=line,
                fix="check the record was saved as text",
                fatal=False,
            )
        if not valid_timezone(values["timezone"]):
            log.add(
                shown,
                f"{prefix}unknown time zone {values['timezone']!r}",
                line=line,
                fix="use an IANA name such as Europe/Kyiv; times read as UTC",
            )
            values["timezone"] = None
        published_value = record[fields["published"]] if fields["published"] else None
        fallback_id = f"{file.stem}:{line if line is not None else -position}"
        waiting = {
            "value": published_value,
            "line": line,
            "prefix": prefix,
            "document": {
                "doc_id": values.pop("doc_id") or fallback_id,
                "raw_text": text,
                "path": shown,
                "kind": kind,
                "file_hash": file_hash,
                "line": line,
                **values,
            },
        }
        decided_now = order.observe(published_value)
        if order.waits_for(published_value) or (held and not decided_now):
            held.append(waiting)
            continue
        held.append(waiting)
        for document in held:
            yield _dated_document(document, order, shown, log)
        held.clear()
    for document in held:
        yield _dated_document(document, order, shown, log)
    if n_records == 0 and len(log.rows) == n_problems_before:
        log.add(shown, "no records", fix="remove the file or fill it with articles")
    _report_missing_text(missing_text, any_text_column, shown, field_columns, log)


def _dated_document(
    waiting: Mapping[str, Any], order: DateOrder, shown: str, log: ProblemLog
) -> dict[str, Any]:
    """Return a waiting record's document with its date read by the column's convention."""
    document = waiting["document"]
    published = published_or_problem(
        waiting["value"],
        document.get("timezone"),
        log,
        shown,
        line=waiting["line"],
        prefix=waiting["prefix"],
        dayfirst=order.dayfirst,
    )
    return make_document(published=published, **document)


def _note_missing_given(
    fields: Mapping[str, str | None],
    field_columns: Mapping[str, str],
    shown: str,
    already_noted: set[str],
    log: ProblemLog,
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
    log: ProblemLog,
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
    log: ProblemLog,
) -> dict[str, Any] | None:
    """Return the document of a BASIL article record (None, with a problem, if it has no text)."""
    paragraphs = record["body-paragraphs"]
    if isinstance(paragraphs, str):
        # Some copies hold the list in Python-literal form; a plain string body is used as it is.
        with contextlib.suppress(ValueError, SyntaxError):
            paragraphs = ast.literal_eval(paragraphs)
    text = as_text(paragraphs)
    if text is None:
        log.add(shown, f"{prefix}empty body-paragraphs", line=line, fix="this record was skipped")
        return None
    source = as_field(record.get("source"))
    uuid = as_field(record.get("uuid"))
    return make_document(
        doc_id=uuid if uuid and uuid.lower() not in _PLACEHOLDER_IDS else Path(shown).stem,
        raw_text=text,
        path=shown,
        kind="basil",
        file_hash=file_hash,
        line=line,
        published=published_or_problem(
            record.get("date"), None, log, shown, line=line, prefix=prefix
        ),
        source=BASIL_SOURCES.get((source or "").lower(), source),
        title=as_field(record.get("title")),
        url=as_field(record.get("url")),
        story=as_field(record.get("triplet-uuid")),
    )


def checked_columns(columns: Mapping[str, str] | None) -> dict[str, str]:
    """Return ``columns`` after checking its keys are fields; raise ValueError otherwise."""
    for field in columns or {}:
        if field not in FIELD_NAMES:
            raise ArgumentError(value_invalid_msg("columns key", field, FIELD_NAMES))
    return dict(columns or {})
