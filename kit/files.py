"""Files of a corpus: which files a load reads, how they are named in messages, their hashes."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def corpus_files(root: Path) -> list[Path]:
    """Return the files under ``root`` in sorted order, skipping hidden files and folders."""
    files: list[Path] = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        files.extend(Path(folder, name) for name in names if not name.startswith("."))
    return sorted(files, key=lambda file: file.relative_to(root).parts)


def shown_path(file: Path, root: Path, shown_root: Path | None) -> str:
    """Return the file's path as reported: the folder as given joined with the inner path."""
    if shown_root is None:
        return file.as_posix()
    return (shown_root / file.relative_to(root)).as_posix()


def file_hash_of(file: Path) -> str:
    """Return the sha256 hex digest of the file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with file.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
