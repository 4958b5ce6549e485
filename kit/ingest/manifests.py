"""Configuration beside the pages: ``manifest.csv`` (metadata per page) and ``outlets.csv``.

A manifest row gives a page's outlet, date, time zone, author, URL, title and story::

    file,source,published,timezone,author,url,title,story
    000_626c3d33b069517d.txt,New York Post,2023-02-21,America/New_York,,,,
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from kit.collect import manifest as collected
from kit.ingest.csv_rows import csv_rows, sniff_delimiter
from kit.ingest.dates import (
    DAY_MONTH_FIX,
    DateOrder,
    ordered_date_text,
    published_or_problem,
    valid_timezone,
)
from kit.ingest.decoding import Note, record_notes, text_lines
from kit.ingest.documents import MANIFEST_FIELDS, ProblemLog
from kit.ingest.files import shown_path

# (manifest path as reported, line of the row, the row's values) for one page.
ManifestEntry = tuple[str, int, dict[str, "str | None"]]


def read_csv_rows(
    file: Path, shown: str, log: ProblemLog, *, comments: bool = False
) -> Iterator[tuple[int, dict[str, str | None]]]:
    """Yield ``(line, row)`` of a small configuration CSV, header names lower-cased.

    The delimiter is found from the header; a row with an unbalanced quote or the wrong number
    of fields is a problem and skipped, never shifting the rows after it. With ``comments``,
    lines starting with ``#`` are skipped. An empty file is a problem.
    """
    notes: list[Note] = []
    lines = [
        "\n" if comments and text.lstrip().startswith("#") else text
        for text in text_lines(file, notes=notes)
    ]
    record_notes(notes, shown, log)
    header_text = next((text for text in lines if text.strip()), None)
    if header_text is None:
        log.add(shown, "empty file", fix="write a header row, then one row per entry")
        return
    header: list[str] | None = None
    for line, fields in csv_rows(lines, delimiter=sniff_delimiter(header_text)):
        if isinstance(fields, str):
            log.add(shown, fields, line=line, fix="fix the quoting; this row was skipped")
            continue
        if not any(field.strip() for field in fields):
            continue
        if header is None:
            header = [name.strip().lower() for name in fields]
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


def read_manifests(
    root: Path,
    files: list[Path],
    shown_root: Path | None,
    log: ProblemLog,
    *,
    dayfirst: bool | None = None,
) -> dict[Path, dict[str, ManifestEntry]]:
    """Return ``{folder: {file name: (manifest line, row)}}`` from each folder's manifest.csv.

    A row naming a file missing from its folder is a problem (only checked for folder loads).
    Dates like ``05/02/2023`` are read by the convention the manifest's dates show (a day above
    12 decides) or ``dayfirst``; when neither decides, each such date is a problem.
    """
    folders = sorted({file.parent for file in files})
    if shown_root is None:
        folders = [root.parent]
    manifests: dict[Path, dict[str, ManifestEntry]] = {}
    for folder in folders:
        manifest_file = folder / "manifest.csv"
        if not manifest_file.is_file():
            continue
        shown = shown_path(manifest_file, root, shown_root)
        rows: dict[str, ManifestEntry] = {}
        for line, row in read_csv_rows(manifest_file, shown, log):
            if "file" not in row:
                log.add(shown, "no 'file' column", fix="name each page in a column called file")
                break
            name = row["file"]
            if (failed := collected.failed_fetch(row)) is not None:  # a URL kit.collect missed
                log.add(shown, failed, line=line, fix=collected.RETRY_FIX)
            if not name:
                continue
            if name in rows:
                log.add(shown, f"{name!r} is listed twice", line=line, fix="this row was ignored")
            elif shown_root is not None and not (folder / name).is_file():
                log.add(
                    shown,
                    f"names {name!r}, which is not in {shown_path(folder, root, shown_root)}",
                    line=line,
                    fix="correct the file name or remove the row",
                )
            else:
                rows[name] = (shown, line, row)
        _order_dates(rows, log, dayfirst=dayfirst)
        manifests[folder] = rows
    return manifests


def _order_dates(rows: dict[str, ManifestEntry], log: ProblemLog, *, dayfirst: bool | None) -> None:
    """Rewrite a manifest's day/month dates as ISO text by the manifest's convention."""
    order = DateOrder(dayfirst)
    for _, _, row in rows.values():
        order.observe(row.get("published"))
    for name, (shown, line, row) in rows.items():
        row["published"], notes = ordered_date_text(row.get("published"), order.dayfirst)
        for note in notes:
            log.add(shown, f"{name}: date {note}", line=line, fix=DAY_MONTH_FIX)


def read_outlet_aliases(file: Path, shown_folder: str, log: ProblemLog) -> dict[str, str]:
    """Return ``{alias: outlet}`` from a folder's outlets.csv (empty when there is none)."""
    if not file.is_file():
        return {}
    shown = f"{shown_folder}/{file.name}"
    aliases: dict[str, str] = {}
    for line, row in read_csv_rows(file, shown, log):
        if "alias" not in row or "outlet" not in row:
            log.add(shown, "expected columns alias,outlet", fix="rename the header row")
            break
        if row["alias"] and row["outlet"]:
            aliases[row["alias"]] = row["outlet"]
        else:
            log.add(shown, "alias or outlet is empty", line=line, fix="fill both or remove it")
    return aliases


def read_entity_aliases(file: Path, shown: str, log: ProblemLog) -> dict[str, str]:
    """Return ``{alias: entity}`` from an ``aliases.csv`` (columns ``alias,entity``).

    Lines starting with ``#`` are comments. A wrong header makes the whole file a problem (its
    rows would mean something else); a malformed row is a problem and skipped.
    """
    aliases: dict[str, str] = {}
    for line, row in read_csv_rows(file, shown, log, comments=True):
        if "alias" not in row or "entity" not in row:
            log.add(
                shown,
                f"expected the columns alias,entity, found {','.join(row)}",
                fix="rename the header row; the file was not used",
            )
            return {}
        if row["alias"] and row["entity"]:
            aliases[row["alias"]] = row["entity"]
        else:
            log.add(shown, "alias or entity is empty", line=line, fix="fill both or remove it")
    return aliases


def manifest_metadata(
    file: Path, manifest_entry: ManifestEntry | None, log: ProblemLog
) -> tuple[dict[str, str | None], pd.Timestamp]:
    """Return a page's metadata and date from its manifest row (all None when it has none)."""
    if manifest_entry is None:
        return {}, pd.NaT
    manifest_shown, line, row = manifest_entry
    metadata = {field: row.get(field) for field in MANIFEST_FIELDS}
    if not valid_timezone(metadata["timezone"]):
        log.add(
            manifest_shown,
            f"unknown time zone {metadata['timezone']!r} for {file.name}",
            line=line,
            fix="use an IANA name such as Europe/Kyiv or America/New_York",
        )
        metadata["timezone"] = None
    published = published_or_problem(
        metadata.pop("published"),
        metadata["timezone"],
        log,
        manifest_shown,
        line=line,
        prefix=f"{file.name}: ",
    )
    return metadata, published
