"""The collected folder's ``manifest.csv``: one row per URL, fetched or not, with provenance.

``kit.load`` reads the folder as any other: ``file, source, published, url, title`` give each
page's metadata. The collection adds, per URL:

- ``fetched_at``: when it was requested (UTC, ISO 8601);
- ``status``: the HTTP status of the answer kept (``200``), or why there is no page
  (``404``, ``500``, ``429``, ``disallowed``, ``timeout``, ``too large``, ``not html``, …);
- ``query``: the feed, query or list that found it (several joined by `` | ``);
- ``final_url`` and ``redirects``: where redirects led, and the URLs that redirected;
- ``reason``: why it could not be fetched, in words.

A row without a ``file`` is a URL that could not be fetched: on load it becomes a row of
``corpus.problems`` naming the URL (``failed_fetch``). This module imports nothing heavy, so
``kit.ingest.readers`` can use it.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

COLUMNS = [
    "file",
    "source",
    "published",
    "url",
    "title",
    "fetched_at",
    "status",
    "query",
    "final_url",
    "redirects",
    "reason",
]
PROVENANCE_COLUMNS = ["doc_id", "url", "fetched_at", "status", "query", "final_url"]
QUERY_SEPARATOR = " | "
RETRY_FIX = "run the collection again with retry_failed=True, or remove the row"


def failed_fetch(row: Mapping[str, str | None]) -> str | None:
    """Return the problem a manifest row records, if it is a URL that could not be fetched.

    >>> failed_fetch({"file": None, "url": "http://x.org/a", "fetched_at": "2026-01-01T00:00:00Z",
    ...               "status": "404", "reason": "HTTP 404 Not Found", "query": "feed: f"})
    'http://x.org/a was not collected: HTTP 404 Not Found (found by feed: f)'
    >>> failed_fetch({"file": "a.html", "status": "200", "fetched_at": "2026-01-01T00:00:00Z"})
    """
    if row.get("file") or "fetched_at" not in row or "status" not in row:
        return None
    found_by = f" (found by {row['query']})" if row.get("query") else ""
    why = row.get("reason") or f"status {row.get('status') or 'unknown'}"
    return f"{row.get('url') or '(no URL)'} was not collected: {why}{found_by}"


def read(folder: str | os.PathLike[str]) -> pd.DataFrame:
    """Return the folder's manifest (every column as text, empty as ""), or an empty one.

    >>> read("/nonexistent-folder").columns.tolist() == COLUMNS
    True
    """
    path = Path(folder) / "manifest.csv"
    if not path.is_file():
        return pd.DataFrame(columns=COLUMNS, dtype=object)
    rows = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    rows.columns = [column.strip().lower() for column in rows.columns]
    for column in COLUMNS:
        if column not in rows:
            rows[column] = ""
    return rows


def write(folder: str | os.PathLike[str], rows: pd.DataFrame) -> Path:
    """Write ``rows`` as the folder's manifest.csv, whole or not at all (a temporary file,
    then a rename); return its path."""
    path = Path(folder) / "manifest.csv"
    partial = path.with_name(".manifest.csv.partial")
    rows.reindex(columns=ordered_columns(rows)).to_csv(partial, index=False, encoding="utf-8")
    os.replace(partial, path)
    return path


def ordered_columns(rows: pd.DataFrame) -> list[str]:
    """Return the manifest's columns in the order written: ``COLUMNS``, then any others."""
    return [*COLUMNS, *(column for column in rows.columns if column not in COLUMNS)]


def header(folder: str | os.PathLike[str]) -> list[str]:
    """Return the column names of the folder's manifest.csv ([] when it has none)."""
    path = Path(folder) / "manifest.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig") as manifest:
        return [name.strip().lower() for name in next(csv.reader(manifest), [])]


def append(folder: str | os.PathLike[str], row: Mapping[str, Any]) -> None:
    """Append one row to the manifest (whose header must be ``COLUMNS`` and then extras)."""
    path = Path(folder) / "manifest.csv"
    names = header(folder)
    with path.open("a", encoding="utf-8", newline="") as manifest:
        csv.writer(manifest).writerow(
            ["" if row.get(name) is None else row[name] for name in names]
        )


def add_query(queries: str, query: str) -> str:
    """Return ``queries`` (joined by `` | ``) with ``query`` added unless already there.

    >>> add_query("feed: a", "gdelt: b"), add_query("feed: a", "feed: a")
    ('feed: a | gdelt: b', 'feed: a')
    """
    known = [part for part in queries.split(QUERY_SEPARATOR) if part] if queries else []
    return QUERY_SEPARATOR.join(known if query in known else [*known, query])


def provenance(corpus: Any) -> pd.DataFrame:
    """Return each collected article's provenance: URL, fetch time, HTTP status, query.

    One row per article of ``corpus`` that a collection fetched (matched on its file), with
    columns ``PROVENANCE_COLUMNS``; empty for a corpus that was not collected.
    """
    folder = Path(str((getattr(corpus, "meta", {}) or {}).get("path", "")))
    rows = read(folder) if folder.is_dir() else read("/nonexistent")
    rows = rows[rows["file"] != ""]
    if not len(rows) or "path" not in corpus.articles:
        return pd.DataFrame(columns=PROVENANCE_COLUMNS)
    names = corpus.articles["path"].map(lambda path: Path(str(path)).name)
    by_file = rows.drop_duplicates("file").set_index("file")
    found = names.isin(by_file.index)
    matched = by_file.loc[names[found]]
    return pd.DataFrame(
        {
            "doc_id": corpus.articles.loc[found, "doc_id"].to_numpy(),
            **{column: matched[column].to_numpy() for column in PROVENANCE_COLUMNS[1:]},
        }
    )


def summary(folder: str | os.PathLike[str] | None) -> dict[str, str]:
    """Return what a collected folder was made from (empty for a folder not collected).

    Keys: ``collected_by`` (the feeds and queries), ``fetched`` (first and last fetch time),
    ``urls`` (pages kept and URLs that failed).
    """
    if folder is None or not Path(folder).is_dir():
        return {}
    rows = read(folder)
    rows = rows[rows["fetched_at"] != ""]
    if not len(rows):
        return {}
    queries = _unique(q for value in rows["query"] for q in value.split(QUERY_SEPARATOR) if q)
    times = sorted(rows["fetched_at"])
    kept = int((rows["file"] != "").sum())
    more = f" (and {len(queries) - 10} more)" if len(queries) > 10 else ""
    return {
        "collected_by": "; ".join(queries[:10]) + more,
        "fetched": f"{times[0]} to {times[-1]}",
        "urls": f"{kept} pages kept, {len(rows) - kept} URLs failed",
    }


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
