"""The kit's own files: where they live (a folder or any fsspec URL), written whole, read verified.

Every file the kit writes for itself (the store's frames and rollups, the NLP cache, the
snapshots) goes through here: written under a temporary name and renamed (on object storage
each object appears whole when written), Parquet with its bytes' sha256, manifests sealed with
a checksum of their own. What is read back is checked: a file that is not what was written
raises :class:`Damaged`, which the loaders report in ``corpus.problems`` and rebuild.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import fsspec
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kit.errors import KitError, input_msg
from kit.ingest.records import read_parquet


def location(root: str | Path) -> tuple[fsspec.AbstractFileSystem, str]:
    """Return (filesystem, path) for a folder or an fsspec URL (``s3://bucket/store``, ...)."""
    filesystem, path = fsspec.core.url_to_fs(str(root))
    return filesystem, path.rstrip("/")


def is_local(filesystem: fsspec.AbstractFileSystem) -> bool:
    """Return whether ``filesystem`` is this machine's disk (where renames are atomic)."""
    protocol = filesystem.protocol
    return "file" in (protocol if isinstance(protocol, tuple) else (protocol,))


def write_bytes(filesystem: fsspec.AbstractFileSystem, path: str, payload: bytes) -> None:
    """Write ``payload`` to ``path`` so that it appears whole or not at all."""
    filesystem.makedirs(posixpath.dirname(path), exist_ok=True)
    if not is_local(filesystem):
        filesystem.pipe_file(path, payload)
        return
    temporary = posixpath.join(
        posixpath.dirname(path), f".{posixpath.basename(path)}.{uuid.uuid4().hex}.tmp"
    )
    with open(temporary, "wb") as handle:
        handle.write(payload)
    os.replace(temporary, path)


def write_table(
    filesystem: fsspec.AbstractFileSystem,
    path: str,
    frame: pd.DataFrame,
    schema: pa.Schema | None = None,
    *,
    row_group_size: int | None = None,
) -> str:
    """Write ``frame`` as one Parquet file at ``path`` (atomically); return its bytes' sha256."""
    payload = frame_bytes(frame, schema, row_group_size=row_group_size)
    write_bytes(filesystem, path, payload)
    return hashlib.sha256(payload).hexdigest()


def frame_bytes(
    frame: pd.DataFrame, schema: pa.Schema | None = None, *, row_group_size: int | None = None
) -> bytes:
    """Return ``frame`` as the bytes of one Parquet file (zstd), the same for the same frame."""
    table = pa.Table.from_pandas(
        frame.reset_index(drop=True), schema=schema, preserve_index=False, nthreads=1
    )
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", row_group_size=row_group_size)
    return sink.getvalue().to_pybytes()


def read_table(filesystem: fsspec.AbstractFileSystem, path: str) -> pd.DataFrame:
    """Return the Parquet file at ``path`` as a DataFrame."""
    with filesystem.open(path, "rb") as handle:
        return read_parquet(handle)


# ---- checksums: what the kit reads back from its own files is what it wrote --------------------


class Damaged(KitError):
    """A file of the kit's own store that is not what the kit wrote there.

    ``path`` names the file, ``what`` says what is wrong with it ("checksum mismatch", ...).
    """

    def __init__(self, path: str, what: str):
        super().__init__(f"{path}: {what}")
        self.path = path
        self.what = what

    def problem(self, what: str) -> dict:
        """Return the ``corpus.problems`` row saying ``what`` was damaged and rebuilt.

        >>> Damaged("s/mentions.parquet", "checksum mismatch").problem("the snapshot")["line"]
        """
        return {
            "path": self.path,
            "line": None,
            "reason": input_msg(
                self.path,
                f"{what} was damaged ({self.what})",
                fix="it was not used: it was built again and rewritten",
            ),
        }


def read_verified(filesystem: fsspec.AbstractFileSystem, path: str, sha256: str) -> pd.DataFrame:
    """Return the Parquet file at ``path`` as a DataFrame if its bytes have this ``sha256``.

    Raises :class:`Damaged` when the file is missing, its bytes differ, or they do not decode.
    Hashing the bytes costs little next to decoding them.
    """
    try:
        with filesystem.open(path, "rb") as handle:
            payload = handle.read()
    except FileNotFoundError as error:
        raise Damaged(path, "missing") from error
    except OSError as error:
        raise Damaged(path, f"unreadable ({error})") from error
    if hashlib.sha256(payload).hexdigest() != sha256:
        raise Damaged(path, f"checksum mismatch ({len(payload):,} bytes, not those written)")
    try:
        return read_parquet(pa.BufferReader(payload))
    except (pa.ArrowException, ValueError, OSError) as error:  # written so by a faulty writer
        raise Damaged(path, f"unreadable Parquet ({error})") from error


def _canonical(record: Mapping[str, Any]) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":")).encode()


def seal(record: Mapping[str, Any]) -> bytes:
    """Return ``record`` as JSON carrying the sha256 of its own content (see :func:`unseal`).

    >>> unseal(seal({"rows": {"sentences": 3}}), "m.json")
    {'rows': {'sentences': 3}}
    """
    plain = json.loads(json.dumps(record, default=str))
    return json.dumps(
        {**plain, "sha256": hashlib.sha256(_canonical(plain)).hexdigest()}, indent=1
    ).encode()


def unseal(payload: bytes, path: str) -> dict:
    """Return the record sealed by :func:`seal`; raise :class:`Damaged` if it is not whole."""
    try:
        record = json.loads(payload)
        claimed = record.pop("sha256")
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise Damaged(
            path, "not a manifest the kit wrote (unreadable or without its checksum)"
        ) from error
    if not isinstance(claimed, str) or hashlib.sha256(_canonical(record)).hexdigest() != claimed:
        raise Damaged(path, "checksum mismatch (the manifest was changed after it was written)")
    return record


def read_sealed(filesystem: fsspec.AbstractFileSystem, path: str) -> dict | None:
    """Return the sealed manifest at ``path``, None if there is none; raise :class:`Damaged`."""
    try:
        with filesystem.open(path, "rb") as handle:
            payload = handle.read()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise Damaged(path, f"unreadable ({error})") from error
    return unseal(payload, path)


def required(record: Mapping[str, Any], path: str, **types: type) -> None:
    """Raise :class:`Damaged` unless ``record`` has every key of ``types``, of that type."""
    for key, kind in types.items():
        if not isinstance(record.get(key), kind):
            raise Damaged(path, f"incomplete manifest (no valid {key!r})")


def count_rows(filesystem: fsspec.AbstractFileSystem, path: str) -> int:
    """Return the number of rows the footer of the Parquet file at ``path`` declares."""
    with filesystem.open(path, "rb") as handle:
        return pq.read_metadata(handle).num_rows
