"""Files of a corpus: which files a load reads, how they are named in messages, their hashes.

Everything here survives a hostile folder: symlink loops and dangling links, unreadable files
and folders, FIFOs and devices named like articles. Each becomes a reason (a string) for a
problem row instead of an ``OSError``, and nothing is opened that could block a read forever.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

READ_SECONDS = 120.0  # a file still being read after this long is given up (checked per chunk)
_CHUNK = 1 << 20


class UnreadableFile(OSError):
    """A file that cannot be read as a regular file; its message says why, in plain words."""


@dataclass
class Listing:
    """The files under a folder, in reading order, and the folders or links that failed."""

    files: list[Path] = field(default_factory=list)
    problems: list[tuple[Path, str, str]] = field(default_factory=list)  # (path, why, fix)


def corpus_listing(root: Path) -> Listing:
    """Return the files under ``root`` in sorted order, skipping hidden files and folders.

    Folder links are followed once (a link back into a folder already read is a problem, not
    a loop); a folder that cannot be listed is a problem, never skipped silently.
    """
    listing = Listing()
    seen_folders: set[tuple[int, int]] = set()

    def unlisted(error: OSError) -> None:
        listing.problems.append(
            (
                Path(error.filename or root),
                f"folder could not be read ({_why(error)})",
                "its files were not loaded; check its permissions",
            )
        )

    for folder, subfolders, names in os.walk(root, onerror=unlisted, followlinks=True):
        try:
            folder_stat = os.stat(folder)
        except OSError as error:
            unlisted(error)
            subfolders[:] = []
            continue
        identity = (folder_stat.st_dev, folder_stat.st_ino)
        if identity in seen_folders:
            listing.problems.append(
                (
                    Path(folder),
                    "folder link leads to a folder already read (a loop or a second path)",
                    "not read twice; remove the link if it is not meant",
                )
            )
            subfolders[:] = []
            continue
        seen_folders.add(identity)
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        listing.files.extend(Path(folder, name) for name in names if not name.startswith("."))
    listing.files.sort(key=lambda file: file.relative_to(root).parts)
    return listing


def corpus_files(root: Path) -> list[Path]:
    """Return the files under ``root`` in reading order (see ``corpus_listing``)."""
    return corpus_listing(root).files


def shown_path(file: Path, root: Path, shown_root: Path | None) -> str:
    """Return the file's path as reported: the folder as given joined with the inner path."""
    if shown_root is None:
        return file.as_posix()
    return (shown_root / file.relative_to(root)).as_posix()


def open_regular(file: Path) -> int:
    """Return a read-only descriptor of ``file``; raise ``UnreadableFile`` unless it is regular.

    Opened without blocking, so a FIFO or device never hangs the load, and checked after
    opening, so a file swapped for one between a check and the open is caught too.
    """
    try:
        descriptor = os.open(file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise UnreadableFile(_why(error, file)) from error
    kind = stat.S_IFMT(os.fstat(descriptor).st_mode)
    if kind != stat.S_IFREG:
        os.close(descriptor)
        raise UnreadableFile(f"not a regular file (a {_KINDS.get(kind, 'special file')})")
    return descriptor


def read_bytes(file: Path, *, limit: int | None = None, seconds: float = READ_SECONDS) -> bytes:
    """Return the bytes of a regular file (the first ``limit`` bytes when given).

    Raises ``UnreadableFile`` for links that lead nowhere, special files, unreadable files and
    reads slower than ``seconds`` (checked between chunks).
    """
    descriptor = open_regular(file)
    began = time.monotonic()
    chunks, size = [], 0
    try:
        with os.fdopen(descriptor, "rb", closefd=True) as stream:
            while limit is None or size < limit:
                try:
                    chunk = stream.read(_CHUNK if limit is None else min(_CHUNK, limit - size))
                except OSError as error:
                    raise UnreadableFile(_why(error, file)) from error
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if time.monotonic() - began > seconds:
                    raise UnreadableFile(f"reading took more than {seconds:.0f} s; given up")
    except BlockingIOError as error:
        raise UnreadableFile(_why(error, file)) from error
    return b"".join(chunks)


def file_hash_of(file: Path) -> str:
    """Return the sha256 hex digest of the file's bytes, read in chunks.

    A file that cannot be read hashes to a digest of the reason, so a fingerprint never fails
    on it (the load records the problem when it reads the file).
    """
    digest = hashlib.sha256()
    try:
        descriptor = open_regular(file)
        with os.fdopen(descriptor, "rb", closefd=True) as stream:
            for chunk in iter(lambda: stream.read(_CHUNK), b""):
                digest.update(chunk)
    except OSError as error:
        return hashlib.sha256(f"unreadable\0{error}".encode()).hexdigest()
    return digest.hexdigest()


_KINDS = {
    stat.S_IFIFO: "FIFO (named pipe)",
    stat.S_IFSOCK: "socket",
    stat.S_IFCHR: "character device",
    stat.S_IFBLK: "block device",
    stat.S_IFDIR: "folder",
}


def _why(error: OSError, file: Path | None = None) -> str:
    """Return a plain-words reason for an ``OSError`` on a file."""
    if error.errno == errno.ELOOP:
        return "a symbolic link that loops back on itself"
    if error.errno == errno.ENOENT and file is not None and os.path.islink(file):
        return f"a symbolic link to {os.readlink(file)!r}, which does not exist"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return error.strerror or str(error)
