"""The annotation store: plain Parquet, one partition per input file's content hash.

Layout (readable without the kit, e.g. by pandas or DuckDB)::

    <store>/<model>__<pipeline>/<table>/file=<sha256 of the input file>/part.parquet
    <store>/<model>__<pipeline>/manifests/<sha256>.json

``<model>`` is the spaCy model name and version, ``<pipeline>`` a hash of the code that turns
Docs into rows, so a new model or a change in extraction never reads stale rows. Tables are
``sentences``, ``entities`` (the model's spans) and the lens spans. The manifest is written last
and names the kit version, the model, the file hash, the hash of each article's clean text and
the row count of every table: a partition without a manifest, with a missing or truncated table,
or whose articles' text changed is rebuilt. Every file is written to a temporary name and then
renamed, so a crash never leaves a half-written file under the final name.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

STORE_ENV = "KIT_STORE"


def default_store() -> Path:
    """Return the store folder: ``$KIT_STORE`` or ``~/.cache/coverage-kit``."""
    configured = os.environ.get(STORE_ENV)
    if configured:
        return Path(configured)
    cache_home = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache_home / "coverage-kit"


def text_hash(text: str) -> str:
    """Return a short hash of an article's clean text.

    >>> text_hash("Xi met Putin.")
    '959c8d2b8681077b'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _atomic_write_bytes(path: Path, payload: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(payload)
    os.replace(temporary, path)


def _atomic_write_parquet(path: Path, frame: pd.DataFrame) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    frame.to_parquet(temporary, index=False)
    os.replace(temporary, path)


class Store:
    """Cached annotation tables for one model and pipeline version, under ``root``."""

    def __init__(self, root: str | Path, *, model: str, pipeline: str, kit_version: str):
        self.root = Path(root)
        self.model = model
        self.pipeline = pipeline
        self.kit_version = kit_version
        self.folder = self.root / f"{model}__{pipeline}"

    def __repr__(self) -> str:
        return f"Store({str(self.folder)!r})"

    def _manifest_path(self, file_hash: str) -> Path:
        return self.folder / "manifests" / f"{file_hash}.json"

    def _table_path(self, table: str, file_hash: str) -> Path:
        return self.folder / table / f"file={file_hash}" / "part.parquet"

    def read(self, file_hash: str, text_hashes: dict[str, str]) -> dict[str, pd.DataFrame] | None:
        """Return the cached tables of one input file, or None if missing, partial or stale."""
        try:
            manifest = json.loads(self._manifest_path(file_hash).read_text())
            if manifest["text_hashes"] != text_hashes:
                return None
            tables = {}
            for table, rows in manifest["rows"].items():
                path = self._table_path(table, file_hash)
                if pq.read_metadata(path).num_rows != rows:
                    return None
                tables[table] = pd.read_parquet(path)
            return tables
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(
        self, file_hash: str, tables: dict[str, pd.DataFrame], text_hashes: dict[str, str]
    ) -> None:
        """Write the tables of one input file, then its manifest."""
        manifest_path = self._manifest_path(file_hash)
        manifest_path.unlink(missing_ok=True)
        for table, frame in tables.items():
            path = self._table_path(table, file_hash)
            path.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write_parquet(path, frame.reset_index(drop=True))
        manifest = {
            "kit_version": self.kit_version,
            "model": self.model,
            "pipeline": self.pipeline,
            "file_hash": file_hash,
            "written": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "text_hashes": text_hashes,
            "rows": {table: len(frame) for table, frame in tables.items()},
        }
        manifest_path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write_bytes(manifest_path, json.dumps(manifest, indent=1).encode("utf-8"))

    def hashes(self) -> list[str]:
        """Return the file hashes with a manifest in this store."""
        return sorted(path.stem for path in (self.folder / "manifests").glob("*.json"))

    def clear(self) -> None:
        """Remove this model's and pipeline's partitions."""
        shutil.rmtree(self.folder, ignore_errors=True)
