"""The raw-documents frame and the problem log every reader writes to.

A reader turns one input into document dicts (``make_document``) and records what it could not
use in a ``ProblemLog``; ``DocumentCollector`` gathers the documents into the frame of
``DOCUMENT_COLUMNS``, normalising outlets and de-duplicating ids.

>>> log = ProblemLog(strict=False)
>>> log.add("feed.csv", "no text column", line=4, fix="pass columns={'text': ...}")
>>> log.frame()["reason"].tolist()
["feed.csv, line 4: no text column; pass columns={'text': ...}"]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from kit.errors import InputError, input_msg, where

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
MANIFEST_FIELDS = ("source", "published", "timezone", "author", "url", "title", "story")
NOT_A_TIME = np.iinfo(np.int64).min  # pandas' integer code for NaT


# The clauses of a fix that say what a lenient load did in place of the bad input.
_LENIENT_ACTION = re.compile(
    r"\b(?:was|were) (?:skipped|ignored|loaded|not loaded)\b|\bleft empty\b|^counted once|"
    r"^loaded as\b|^read as\b|\bread as UTC\b|^only the text before\b|^not read twice\b"
)


def normalise_newlines(text: str) -> str:
    """Return ``text`` with ``\\r\\n`` and ``\\r`` line ends as ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def strict_fix(fix: str | None) -> str:
    """Return a fix without its lenient-load clauses, saying the load stopped.

    >>> strict_fix("published left empty; write dates like 2023-02-21")
    'write dates like 2023-02-21; the load stopped (strict=True)'
    """
    clauses = [clause for clause in (fix or "").split("; ") if clause]
    kept = [clause for clause in clauses if not _LENIENT_ACTION.search(clause)]
    return "; ".join([*kept, "the load stopped (strict=True)"])


class ProblemLog:
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
        """Record one problem (``fatal=False``: never raises, even when strict).

        In strict mode the raised message keeps what to do but not what a lenient load does
        instead ("this record was skipped"): nothing is skipped, the load stops.
        """
        if self.strict and fatal:
            raise InputError(input_msg(path, problem, line=line, fix=strict_fix(fix)))
        self.rows.append((path, line, input_msg(path, problem, line=line, fix=fix)))

    def frame(self) -> pd.DataFrame:
        """Return the problems as a frame with columns ``PROBLEM_COLUMNS``."""
        return pd.DataFrame(
            {
                "path": pd.Series([row[0] for row in self.rows], dtype=object),
                "line": pd.array([row[1] for row in self.rows], dtype="Int64"),
                "reason": pd.Series([row[2] for row in self.rows], dtype=object),
            }
        )


class DocumentCollector:
    """Accumulates documents column by column, normalising outlets and de-duplicating ids."""

    def __init__(self, log: ProblemLog, normalize_outlet: Callable[[object], str | None]):
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


def make_document(
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
        published=NOT_A_TIME if published is None or pd.isna(published) else published.value,
    )
    return document


def as_text(value: Any) -> str | None:
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
    text = normalise_newlines(str(value))
    return text if text.strip() else None


def as_field(value: Any) -> str | None:
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
        parts = [as_field(item) for item in value]
        value = ", ".join(part for part in parts if part)
    text = str(value).strip()
    return text or None
