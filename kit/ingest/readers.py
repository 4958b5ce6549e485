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

The work is shared with smaller modules: ``files`` (which files, read safely), ``decoding``
(bytes to text, doubts noted), ``dates``, ``manifests`` (``manifest.csv``, ``outlets.csv``,
``aliases.csv``), ``records`` and ``csv_rows`` (JSON, JSONL, CSV, Parquet, BASIL) and
``documents`` (the frame and the problem log).

``path`` in both frames is the file's path as given: the loaded folder exactly as passed, joined
with the file's path inside it (``data/000_626c3d33b069517d.txt`` for ``read_documents("data")``),
in POSIX form; for a single file, the file's path as passed. Input files are only ever opened for
reading.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from kit.errors import InputError, input_msg
from kit.ingest import outlets as outlet_names
from kit.ingest.dates import parse_published, published_or_problem
from kit.ingest.decoding import BOMS, looks_binary, read_text
from kit.ingest.documents import (
    DOCUMENT_COLUMNS,
    PROBLEM_COLUMNS,
    DocumentCollector,
    ProblemLog,
    as_field,
    make_document,
)
from kit.ingest.files import (
    UnreadableFile,
    corpus_listing,
    file_hash_of,
    read_bytes,
    shown_path,
)
from kit.ingest.manifests import (
    ManifestEntry,
    manifest_metadata,
    read_manifests,
    read_outlet_aliases,
)
from kit.ingest.records import FIELD_NAMES, RECORD_READERS, checked_columns, record_documents

__all__ = [
    "DOCUMENT_COLUMNS",
    "FIELD_NAMES",
    "PROBLEM_COLUMNS",
    "fingerprint",
    "parse_published",
    "read_documents",
]

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

_DOCUMENTATION = re.compile(r"^(readme|licen[cs]e|copying)([._-].*)?$", re.IGNORECASE)
_SNIFF_BYTES = 8192
_BOMS_ALONE = frozenset(bom for bom, _ in BOMS)
_PROGRESS_MIN_FILES = 5


def read_documents(
    path: str | os.PathLike[str],
    *,
    columns: Mapping[str, str] | None = None,
    outlets: Mapping[str, str] | None = None,
    dayfirst: bool | None = None,
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
        dayfirst: how to read ``05/02/2023``-style dates (None: by each file's convention,
            which a day above 12 decides; undecided ones are read month-first and flagged).
        strict: raise ``InputError`` at the first problem instead of recording it (skipped
            documentation files, README*/LICENSE*, are still only recorded).
        progress: show a progress bar over the files when there are more than a few.

    >>> from kit.corpus.pipeline import DATA_DIR
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
    field_columns = checked_columns(columns)
    log = ProblemLog(strict=strict)

    if root.is_dir():
        listing = corpus_listing(root)
        files = listing.files
        shown_root = root
        for folder, problem, fix in listing.problems:
            log.add(shown_path(folder, root, shown_root), problem, fix=fix)
        folder_aliases = read_outlet_aliases(root / "outlets.csv", root.as_posix(), log)
    else:
        if root.name.lower() in CONFIG_FILES:
            raise InputError(
                input_msg(
                    path,
                    f"{root.name} configures a folder of articles; it holds no articles itself",
                    fix=f"load its folder: kit.load({root.parent.as_posix()!r})",
                )
            )
        files = [root]
        shown_root = None
        folder_aliases = {}
    normalize_outlet = outlet_names.normalizer({**folder_aliases, **(outlets or {})} or None)
    collector = DocumentCollector(log, normalize_outlet)

    manifests = read_manifests(root, files, shown_root, log, dayfirst=dayfirst)
    for file in _with_progress(files, enabled=progress):
        shown = shown_path(file, root, shown_root)
        manifest = manifests.get(file.parent, {})
        for document in _read_file(file, shown, manifest, field_columns, log, dayfirst=dayfirst):
            collector.add(document)
    documents = collector.documents()
    if documents.empty and not log.rows:
        supported = ", ".join(sorted(suffix for suffix in KIND_BY_SUFFIX if suffix))
        log.add(
            root.as_posix(),
            "no articles found"
            + (f" in {len(files)} file(s)" if files else ": the folder is empty"),
            fix=f"put pages or records ({supported}) in it, or check the path",
        )
    return documents, log.frame()


def _with_progress(files: list[Path], *, enabled: bool) -> Iterable[Path]:
    if not enabled or len(files) <= _PROGRESS_MIN_FILES:
        return files
    from tqdm.auto import tqdm

    return tqdm(files, desc="Reading files", unit="file")


def _read_file(
    file: Path,
    shown: str,
    manifest: Mapping[str, ManifestEntry],
    field_columns: Mapping[str, str],
    log: ProblemLog,
    *,
    dayfirst: bool | None = None,
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
    try:
        sample = read_bytes(file, limit=_SNIFF_BYTES)
    except UnreadableFile as error:
        log.add(shown, f"cannot be read: {error}", fix="fix or remove it; it was skipped")
        return
    if not sample.strip() or sample in _BOMS_ALONE:
        log.add(shown, "empty file", fix="remove it or fill it with articles")
        return
    if kind != "parquet" and looks_binary(sample):
        log.add(shown, "binary file, not text", fix=f"save it as text ({kind}) or remove it")
        return
    file_hash = file_hash_of(file)
    if kind == "text":
        yield from _text_page(file, shown, file_hash, manifest.get(name), log)
    elif kind == "html":
        yield from _html_page(file, shown, file_hash, manifest.get(name), log)
    else:
        records = RECORD_READERS[kind](file, shown, log)
        yield from record_documents(
            records, file, shown, kind, file_hash, field_columns, log, dayfirst=dayfirst
        )


# ---------------------------------------------------------------------------------------------
# Pages


def _text_page(
    file: Path,
    shown: str,
    file_hash: str,
    manifest_entry: ManifestEntry | None,
    log: ProblemLog,
) -> Iterator[dict[str, Any]]:
    """Yield the one document of a plain-text page, its metadata from the manifest row."""
    text = read_text(file, shown, log)
    if text is None:
        return
    if not text.strip():
        log.add(shown, "empty file", fix="remove it or fill it with an article")
        return
    if not any(char.isalpha() for char in text):
        log.add(
            shown,
            "no words in it (only digits, symbols or punctuation)",
            fix="check it is an article; it was skipped",
        )
        return
    metadata, published = manifest_metadata(file, manifest_entry, log)
    yield make_document(
        doc_id=file.stem,
        raw_text=text,
        path=shown,
        kind="text",
        file_hash=file_hash,
        published=published,
        **metadata,
    )


def _html_page(
    file: Path,
    shown: str,
    file_hash: str,
    manifest_entry: ManifestEntry | None,
    log: ProblemLog,
) -> Iterator[dict[str, Any]]:
    """Yield the one document of an HTML page (``kit.ingest.html_pages``): its text and metadata.

    Manifest values, where given, win over what was extracted from the page.
    """
    from kit.ingest.html_pages import read_html_page

    markup = read_text(file, shown, log)  # the encoding's doubts are recorded here
    if markup is None:
        return
    extracted = read_html_page(markup)
    for note in extracted.notes:
        log.add(shown, note, fatal=False)
    text = extracted.text
    if not text:
        log.add(
            shown,
            f"no article text found in the HTML page ({extracted.problem})",
            fix="check it is an article page, or save its text as .txt with a manifest row",
        )
        return
    metadata, published = manifest_metadata(file, manifest_entry, log)
    page_metadata = {
        "title": extracted.title,
        "author": extracted.author,
        "url": extracted.url,
        "source": extracted.source,
    }
    for field, value in page_metadata.items():
        metadata[field] = metadata.get(field) or as_field(value)
    if pd.isna(published) and extracted.date:
        # htmldate pads a bare date with midnight; keep it a date so it stays on its day.
        page_date = extracted.date.removesuffix("T00:00:00")
        published = published_or_problem(page_date, metadata.get("timezone"), log, shown, line=None)
    yield make_document(
        doc_id=file.stem,
        raw_text=text,
        path=shown,
        kind=extracted.kind,
        file_hash=file_hash,
        published=published,
        **metadata,
    )


def fingerprint(path: str | Path) -> str:
    """Return a hash of every file a load of ``path`` reads: names and contents.

    Configuration beside the articles (``manifest.csv``, ``outlets.csv``, ``aliases.csv``)
    counts too, since it changes what is loaded.
    """
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"{root}: no such file or folder; check the path")
    files = [root] if root.is_file() else corpus_listing(root).files
    digest = hashlib.sha256()
    for file in files:
        name = file.name if root.is_file() else file.relative_to(root).as_posix()
        digest.update(f"{name}\0{file_hash_of(file)}\n".encode())
    return digest.hexdigest()
