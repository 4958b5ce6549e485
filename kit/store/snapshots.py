"""Snapshots: a whole loaded corpus, kept in the default cache for warm loads.

``kit.load(path)`` without ``store=`` keeps the frames it returns under
``$KIT_STORE/snapshots/<key>/`` (one Parquet file per frame and a manifest), keyed by the input
files' names and contents, the model, the kit's code and the load options. The manifest names
each frame's row count and the sha256 of its file's bytes and carries a checksum of its own, so
a snapshot that is not what was written is never read back: :func:`read_snapshot` raises
:class:`kit.store.Damaged`, the load reports it in ``corpus.problems``, rebuilds the corpus from
the NLP cache and writes the snapshot again.

Frames computed after the load (the scored stance: a model and a parse over every mention)
are kept beside it on first use by :func:`write_later` and read back by :func:`read_later`, so
a warm start neither scores nor parses again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import posixpath
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from kit.store.parquet import (
    CORPUS_FRAMES,
    MANIFEST,
    STORE_FORMAT,
    Damaged,
    location,
    read_sealed,
    read_verified,
    required,
    seal,
    write_bytes,
    write_table,
)
from kit.store.sources import PACKAGE, import_closure, module_paths
from kit.store.storage import frame_bytes

SNAPSHOT_FRAMES = (*CORPUS_FRAMES, "problems")


# What a loaded corpus comes from besides its files: the loader and every module it imports
# (not the charts, dashboards or reports), the kit's tables and the line model's weights.
PRODUCER = "kit.corpus.pipeline"
PRODUCER_DATA = ("*.csv", "models/lines.json")


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """Return a hash of the code and tables a loaded corpus comes from (see ``PRODUCER``).

    A snapshot made by other such code is not reused; editing a chart or a dashboard keeps
    every snapshot.
    """
    paths = module_paths()
    files = [paths[name] for name in sorted(import_closure(PRODUCER))]
    files += sorted(path for pattern in PRODUCER_DATA for path in PACKAGE.glob(pattern))
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def snapshot_key(fingerprint: str, *, model: str, options: Mapping[str, Any]) -> str:
    """Return the key of a loaded corpus: its files, the model, the code and the load options."""
    described = json.dumps(
        {"files": fingerprint, "model": model, "code": code_version(), "options": options},
        sort_keys=True,
        default=repr,
    )
    return hashlib.sha256(described.encode()).hexdigest()[:24]


def write_snapshot(folder: str | Path, frames: Mapping[str, pd.DataFrame]) -> None:
    """Write the frames of a loaded corpus under ``folder``, then their manifest (sealed).

    Loads of the same corpus at once (a class opening the app) write the same bytes: each file
    is replaced whole, and the manifest, removed first so that no reader pairs it with frames
    being replaced, may already be gone.
    """
    filesystem, path = location(folder)
    manifest_path = posixpath.join(path, MANIFEST)
    with contextlib.suppress(FileNotFoundError):
        filesystem.rm(manifest_path)
    checksums = {
        name: write_table(filesystem, posixpath.join(path, f"{name}.parquet"), frame)
        for name, frame in frames.items()
    }
    manifest = {
        "format": STORE_FORMAT,
        "rows": {name: len(frame) for name, frame in frames.items()},
        "checksums": checksums,
        # Parquet has no "Python objects": remember which columns were, to give them back so.
        "objects": {
            name: [column for column in frame if frame[column].dtype == object]
            for name, frame in frames.items()
        },
    }
    write_bytes(filesystem, manifest_path, seal(manifest))


def read_snapshot(folder: str | Path) -> dict[str, pd.DataFrame] | None:
    """Return the frames written by :func:`write_snapshot`, or None if there is no snapshot.

    Raises :class:`kit.store.parquet.Damaged` when the snapshot is there but not what was written.
    """
    filesystem, path = location(folder)
    manifest_path = posixpath.join(path, MANIFEST)
    manifest = read_sealed(filesystem, manifest_path)
    if manifest is None:
        return None
    required(manifest, manifest_path, rows=dict, checksums=dict, objects=dict)
    if set(manifest["rows"]) != set(SNAPSHOT_FRAMES) or set(manifest["checksums"]) != set(
        SNAPSHOT_FRAMES
    ):
        raise Damaged(manifest_path, "incomplete manifest (not every frame is named)")
    frames = {}
    for name in SNAPSHOT_FRAMES:
        frame_path = posixpath.join(path, f"{name}.parquet")
        frame = read_verified(filesystem, frame_path, manifest["checksums"][name])
        if len(frame) != manifest["rows"][name]:
            raise Damaged(
                frame_path, f"{len(frame)} rows, the manifest says {manifest['rows'][name]}"
            )
        frames[name] = frame
    for name, columns in manifest["objects"].items():
        _restore_objects(frames[name], columns)
    return frames


def _restore_objects(frame: pd.DataFrame, columns: list[str]) -> None:
    """Give ``columns`` of ``frame`` back as Python objects, None where missing (in place)."""
    for column in columns:
        values = frame[column].astype(object)
        frame[column] = values.where(values.notna(), None)


def write_later(folder: str | Path, name: str, frame: pd.DataFrame) -> None:
    """Keep ``frame`` beside the snapshot in ``folder`` as ``name`` (a Parquet file, sealed).

    The file is named by its bytes' hash and the record names the file, so loads writing
    different frames at once never leave a record paired with another load's file. Files of
    ``name`` that the new record does not name are removed (each holds the whole frame).
    """
    filesystem, path = location(folder)
    table = frame_bytes(frame)
    checksum = hashlib.sha256(table).hexdigest()
    file_name = f"{name}-{checksum[:16]}.parquet"
    write_bytes(filesystem, posixpath.join(path, file_name), table)
    record = {
        "format": STORE_FORMAT,
        "file": file_name,
        "rows": len(frame),
        "checksum": checksum,
        "objects": [column for column in frame if frame[column].dtype == object],
    }
    write_bytes(filesystem, posixpath.join(path, f"{name}.json"), seal(record))
    # Another load's file may be named by its own record, written a moment ago: remove only
    # this process's earlier files and those too old to be anyone's latest.
    for stale in filesystem.glob(posixpath.join(path, f"{name}-*.parquet")):
        if posixpath.basename(stale) == file_name:
            continue
        if stale in _WRITTEN or _age_seconds(filesystem, stale) > STALE_SECONDS:
            with contextlib.suppress(FileNotFoundError):  # another load removed it first
                filesystem.rm(stale)
            _WRITTEN.discard(stale)
    _WRITTEN.add(posixpath.join(path, file_name))


# Kept files this process wrote, and the age past which another load's file is stale.
_WRITTEN: set[str] = set()
STALE_SECONDS = 600


def _age_seconds(filesystem: Any, path: str) -> float:
    """Return how long ago ``path`` was last written (0 when the filesystem cannot say)."""
    try:
        modified = filesystem.modified(path)
    except (FileNotFoundError, NotImplementedError):
        return 0.0
    return (datetime.now(modified.tzinfo) - modified).total_seconds()


def read_later(folder: str | Path, name: str) -> pd.DataFrame | None:
    """Return the frame kept by :func:`write_later`, None if there is none.

    Raises :class:`kit.store.parquet.Damaged` when it is there but not what was written. A file that
    another load replaced between reading its record and its file is read from the new record.
    """
    filesystem, path = location(folder)
    record_path = posixpath.join(path, f"{name}.json")
    for attempt in range(5):
        record = read_sealed(filesystem, record_path)
        if record is None:
            return None
        required(record, record_path, file=str, rows=int, checksum=str, objects=list)
        frame_path = posixpath.join(path, posixpath.basename(record["file"]))
        try:
            frame = read_verified(filesystem, frame_path, record["checksum"])
            break
        except Damaged:
            if filesystem.exists(frame_path) or attempt == 4:
                raise  # there but not what was written, or gone for good
            # gone: another load replaced it; its new record names the new file
    if len(frame) != record["rows"]:
        raise Damaged(frame_path, f"{len(frame)} rows, the record says {record['rows']}")
    _restore_objects(frame, record["objects"])
    return frame
