"""The store: plain Parquet on a local folder or any fsspec URL, readable without the kit.

Two parts live under one root (``kit.load(..., store=ROOT)``)::

    ROOT/manifest.json                                  the corpus manifest, written last
    ROOT/<frame>/file=<sha256>/part-0.parquet           the corpus frames, one folder per input file
    ROOT/problems/part-0.parquet                        input problems (keyed by path, not file)
    ROOT/rollups/<rollup>/part-0.parquet                pre-aggregated counts (see kit.rollups)
    ROOT/cache/<model>__<pipeline>/<table>/file=<sha256>/part-<k>.parquet   the NLP cache
    ROOT/cache/<model>__<pipeline>/manifests/<sha256>/part-<k>.json

The corpus frames (``articles``, ``dropped``, ``sentences``, ``mentions``, ``descriptors``,
``quotes``, ``citations``) are exactly the ``Corpus`` frames, so
``duckdb.sql("select count(*) from 'ROOT/mentions/**/*.parquet'")`` equals
``len(corpus.mentions)``. They are rewritten on every load into that root (canonical names are
corpus-wide), partitions of files no longer in the corpus are removed, and the manifest
(kit version, model, file hashes, row counts) is written last.

The NLP cache holds what spaCy produced per input file, split into parts of a few tens of
thousands of words (the unit of work of an annotation run), for one model and one version of
the extraction code (``<pipeline>``, a hash of that code). It is shared by every corpus loaded
into the root. A part's manifest is written after its tables and names the hash of every
article's clean text and the sha256 of every table's bytes, and carries a checksum of its own:
a part without one, or whose articles changed, is annotated again; a part whose manifest or
tables are not what was written (a flipped byte, a truncation, a missing table) raises
:class:`Damaged` on reading, so the load reports it and annotates it again: damaged bytes are
never served. Local files are written under a temporary name and renamed; on object storage
each object appears whole when written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fsspec
import pandas as pd
import pyarrow as pa

from kit.store import rollups
from kit.store.storage import (  # noqa: F401  (the store's names, where they were)
    Damaged,
    count_rows,
    is_local,
    location,
    read_sealed,
    read_table,
    read_verified,
    required,
    seal,
    unseal,
    write_bytes,
    write_table,
)

STORE_ENV = "KIT_STORE"
# Words per part of the NLP cache: small enough to balance two workers on a few thousand
# articles, large enough that writing a part's five tables costs little next to parsing it.
PART_WORDS = 40_000
CORPUS_FRAMES = ("articles", "dropped", "sentences", "mentions", "descriptors", "quotes",
                 "citations")  # fmt: skip
MANIFEST = "manifest.json"
STORE_FORMAT = "coverage-kit store 1"
EMPTY = "empty"  # the partition holding an empty frame's columns


def default_store() -> Path:
    """Return the cache folder used without ``store=``: ``$KIT_STORE`` or ``~/.cache/...``."""
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


@dataclass(frozen=True)
class Part:
    """One unit of annotation work: consecutive articles of one input file."""

    file_hash: str
    part: int
    doc_ids: tuple[str, ...]
    text_hashes: tuple[str, ...]
    words: int


def plan_parts(articles: pd.DataFrame, *, words: int = PART_WORDS) -> list[Part]:
    """Return the parts of ``articles`` (``doc_id, text, n_words, file_hash``) in input order.

    Each input file is cut, in reading order, into parts of at most ``words`` words (an
    article longer than that is a part of its own), so the same file always gives the same
    parts and an interrupted run finds the ones it finished.

    >>> articles = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": ["x", "y", "z"],
    ...                          "n_words": [30, 30, 30], "file_hash": ["f", "f", "f"]})
    >>> [part.doc_ids for part in plan_parts(articles, words=60)]
    [('a', 'b'), ('c',)]
    """
    parts = []
    hashes = articles["text"].map(text_hash)
    word_counts = articles["n_words"].to_numpy()
    for file_hash, index in articles.groupby("file_hash", sort=False).indices.items():
        current: list[int] = []
        current_words = 0
        for position in index:
            if current and current_words + int(word_counts[position]) > words:
                parts.append(_part(articles, hashes, file_hash, len(parts), current))
                current, current_words = [], 0
            current.append(position)
            current_words += int(word_counts[position])
        if current:
            parts.append(_part(articles, hashes, file_hash, len(parts), current))
    first_of_file: dict[str, int] = {}
    for index, part in enumerate(parts):
        first_of_file.setdefault(part.file_hash, index)
    return [
        Part(part.file_hash, index - first_of_file[part.file_hash], part.doc_ids,
             part.text_hashes, part.words)
        for index, part in enumerate(parts)
    ]  # fmt: skip


def _part(
    articles: pd.DataFrame, hashes: pd.Series, file_hash: str, number: int, positions: list
) -> Part:
    return Part(
        file_hash=file_hash,
        part=number,
        doc_ids=tuple(articles["doc_id"].iloc[positions]),
        text_hashes=tuple(hashes.iloc[positions]),
        words=int(articles["n_words"].iloc[positions].sum()),
    )


def split_by_part(
    fresh: Mapping[str, pd.DataFrame], parts: list[Part]
) -> dict[tuple[str, int], dict[str, pd.DataFrame]]:
    """Return {(file hash, part): tables} for tables annotated over several parts at once."""
    part_of_doc = {doc_id: (part.file_hash, part.part) for part in parts for doc_id in part.doc_ids}
    by_part: dict[tuple[str, int], dict[str, pd.DataFrame]] = {
        (part.file_hash, part.part): {} for part in parts
    }
    for name, frame in fresh.items():
        keys = frame["doc_id"].map(part_of_doc)
        groups = frame.groupby(keys, sort=False).indices if len(frame) else {}
        for key in by_part:
            index = groups.get(key)
            by_part[key][name] = (
                frame.iloc[index].reset_index(drop=True) if index is not None else frame.iloc[:0]
            )
    return by_part


class Store:
    """The NLP cache for one model and pipeline version under ``root`` (a folder or URL)."""

    def __init__(self, root: str | Path, *, model: str, pipeline: str, kit_version: str):
        self.root = str(root)
        self.model = model
        self.pipeline = pipeline
        self.kit_version = kit_version
        self.filesystem, root_path = location(root)
        self.path = posixpath.join(root_path, f"{model}__{pipeline}")
        self.folder = (
            self.filesystem.unstrip_protocol(self.path)
            if not is_local(self.filesystem)
            else self.path
        )

    def __repr__(self) -> str:
        return f"Store({self.folder!r})"

    def _manifest_path(self, file_hash: str, part: int) -> str:
        return posixpath.join(self.path, "manifests", file_hash, f"part-{part}.json")

    def _table_path(self, table: str, file_hash: str, part: int) -> str:
        return posixpath.join(self.path, table, f"file={file_hash}", f"part-{part}.parquet")

    def read(self, part: Part) -> dict[str, pd.DataFrame] | None:
        """Return the cached tables of one part, or None if it is not there or its articles changed.

        Raises :class:`Damaged` when the part is there but its manifest or a table is not what
        was written (see :meth:`discard`).
        """
        manifest_path = self._manifest_path(part.file_hash, part.part)
        manifest = self._manifest(part)
        if manifest is None:
            return None
        tables = {}
        for table, sha256 in manifest["checksums"].items():
            path = self._table_path(table, part.file_hash, part.part)
            frame = read_verified(self.filesystem, path, sha256)
            if len(frame) != manifest["rows"].get(table):
                raise Damaged(
                    path, f"{len(frame)} rows, the manifest says {manifest['rows'].get(table)}"
                )
            tables[table] = frame
        if set(tables) != set(manifest["rows"]):
            raise Damaged(manifest_path, "incomplete manifest (tables and row counts differ)")
        return tables

    def _manifest(self, part: Part) -> dict | None:
        """Return the part's manifest if it is for these articles, else None; or raise Damaged."""
        path = self._manifest_path(part.file_hash, part.part)
        manifest = read_sealed(self.filesystem, path)
        if manifest is None:
            return None
        required(manifest, path, text_hashes=dict, rows=dict, checksums=dict)
        if manifest["text_hashes"] != dict(zip(part.doc_ids, part.text_hashes, strict=True)):
            return None  # written for other articles (the cleaning changed): annotate again
        return manifest

    def is_complete(self, part: Part) -> bool:
        """Return whether ``part`` has a whole manifest for its articles (tables not opened)."""
        try:
            return self._manifest(part) is not None
        except Damaged:
            return False

    def discard(self, part: Part) -> None:
        """Remove the manifest of ``part``, so that every reader sees it as not annotated."""
        path = self._manifest_path(part.file_hash, part.part)
        with contextlib.suppress(FileNotFoundError):
            self.filesystem.rm(path)

    def write(self, part: Part, tables: Mapping[str, pd.DataFrame]) -> None:
        """Write the tables of one part, then its manifest (with their checksums)."""
        self.discard(part)
        checksums = {
            table: write_table(
                self.filesystem, self._table_path(table, part.file_hash, part.part), frame
            )
            for table, frame in tables.items()
        }
        manifest = {
            "kit_version": self.kit_version,
            "model": self.model,
            "pipeline": self.pipeline,
            "file_hash": part.file_hash,
            "part": part.part,
            "words": part.words,
            "written": datetime.now(UTC).isoformat(timespec="seconds"),
            "text_hashes": dict(zip(part.doc_ids, part.text_hashes, strict=True)),
            "rows": {table: len(frame) for table, frame in tables.items()},
            "checksums": checksums,
        }
        write_bytes(self.filesystem, self._manifest_path(part.file_hash, part.part), seal(manifest))

    def hashes(self) -> list[str]:
        """Return the file hashes with at least one finished part in this cache."""
        folder = posixpath.join(self.path, "manifests")
        if not self.filesystem.exists(folder):
            return []
        return sorted(posixpath.basename(path) for path in self.filesystem.ls(folder, detail=False))

    def clear(self) -> None:
        """Remove this model's and pipeline's cache."""
        if self.filesystem.exists(self.path):
            self.filesystem.rm(self.path, recursive=True)


# ---- the corpus frames ---------------------------------------------------------------------


def frame_schema(frame: pd.DataFrame) -> pa.Schema:
    """Return the Parquet schema of a whole frame (every partition is written with it)."""
    return pa.Schema.from_pandas(frame.reset_index(drop=True), preserve_index=False)


def write_corpus(
    root: str | Path,
    frames: Mapping[str, pd.DataFrame],
    *,
    problems: pd.DataFrame,
    manifest: Mapping[str, Any],
) -> dict[str, int]:
    """Write a corpus's frames under ``root``, partitioned by input file, manifest last.

    ``frames["articles"]`` needs ``file_hash``; every other frame is placed by its
    ``doc_id``. Partitions of files not in this corpus are removed. Returns {frame: rows}.
    """
    filesystem, path = location(root)
    manifest_path = posixpath.join(path, MANIFEST)
    if filesystem.exists(manifest_path):
        filesystem.rm(manifest_path)
    articles = frames["articles"]
    file_of_doc = articles.set_index("doc_id")["file_hash"]
    file_hashes = sorted(set(articles["file_hash"]))
    rows = {}
    partitions: dict[str, dict[str, int]] = {}
    checksums: dict[str, dict[str, str]] = {}
    for name in CORPUS_FRAMES:
        frame = frames[name]
        schema = frame_schema(frame)
        keys = file_of_doc.reindex(frame["doc_id"]).to_numpy() if len(frame) else []
        written = set()
        counts = {}
        sums = checksums.setdefault(name, {})
        positions = pd.Series(range(len(frame)), dtype="int64")
        for file_hash, index in positions.groupby(keys, sort=True).indices.items():
            part_path = posixpath.join(path, name, f"file={file_hash}", "part-0.parquet")
            sums[file_hash] = write_table(filesystem, part_path, frame.iloc[index], schema)
            written.add(file_hash)
            counts[file_hash] = len(index)
        if not len(frame):
            # An empty frame keeps one empty file, so readers still find its columns.
            part_path = posixpath.join(path, name, f"file={EMPTY}", "part-0.parquet")
            sums[EMPTY] = write_table(filesystem, part_path, frame, schema)
            written.add(EMPTY)
            counts[EMPTY] = 0
        _remove_other_partitions(filesystem, posixpath.join(path, name), written)
        rows[name] = len(frame)
        partitions[name] = counts
    write_table(
        filesystem,
        posixpath.join(path, "problems", "part-0.parquet"),
        problems.assign(path=problems["path"].astype(str)) if len(problems) else problems,
    )
    rows["problems"] = len(problems)
    record = {
        "format": STORE_FORMAT,
        **manifest,
        "written": datetime.now(UTC).isoformat(timespec="seconds"),
        "file_hashes": file_hashes,
        "rows": rows,
        "partition_rows": partitions,
        "partition_sha256": checksums,
    }
    # Rollups first, manifest last: a store with a manifest is whole.
    try:
        record["rollups"] = rollups.build(root)
    except ImportError:  # duckdb is the optional `scale` extra: frames without rollups
        record["rollups"] = None
    write_bytes(filesystem, manifest_path, json.dumps(record, indent=1, default=str).encode())
    return rows


def _remove_other_partitions(
    filesystem: fsspec.AbstractFileSystem, folder: str, keep: Iterable[str]
) -> None:
    if not filesystem.exists(folder):
        return
    keep = {f"file={file_hash}" for file_hash in keep}
    for entry in filesystem.ls(folder, detail=False):
        name = posixpath.basename(entry.rstrip("/"))
        if name.startswith("file=") and name not in keep:
            filesystem.rm(entry, recursive=True)


def read_manifest(root: str | Path) -> dict | None:
    """Return the corpus manifest under ``root``, or None if there is no whole corpus there."""
    filesystem, path = location(root)
    try:
        with filesystem.open(posixpath.join(path, MANIFEST)) as handle:
            manifest = json.loads(handle.read())
    except (OSError, ValueError):
        return None
    return manifest if manifest.get("format") == STORE_FORMAT else None


def check_corpus(root: str | Path) -> list[str]:
    """Return what is wrong with the corpus under ``root`` (empty when every partition is whole).

    Every partition the manifest names must exist with the row count it declares and, where the
    manifest names it, the sha256 of the bytes written.
    """
    manifest = read_manifest(root)
    if manifest is None:
        return [f"{root}: no corpus manifest (load a corpus with kit.load(path, store=...))"]
    filesystem, path = location(root)
    problems = []
    sha256s = manifest.get("partition_sha256") or {}
    for name, counts in manifest["partition_rows"].items():
        for file_hash, rows in counts.items():
            part_path = posixpath.join(path, name, f"file={file_hash}", "part-0.parquet")
            expected = sha256s.get(name, {}).get(file_hash)
            try:
                found = count_rows(filesystem, part_path)
                if expected is not None:
                    read_verified(filesystem, part_path, expected)
            except Damaged as damage:
                problems.append(f"{part_path}: {damage.what}")
                continue
            except (OSError, pa.ArrowException) as error:
                problems.append(f"{part_path}: unreadable ({error})")
                continue
            if found != rows:
                problems.append(f"{part_path}: {found} rows, the manifest says {rows}")
    return problems


def is_store(root: str | Path) -> bool:
    """Return whether ``root`` holds a whole corpus (a manifest written by ``write_corpus``)."""
    return read_manifest(root) is not None
