"""Crash-safe file writes: temp file, fsync, rename, fsync of the directories.

The fsyncs of one step run in parallel threads: the filesystem then commits them in one
or a few journal transactions instead of one each (measured here under load: 36 files in
3-11 ms instead of 120-150 ms one after the other). The threads are shared by every
writer of the process, so a writer opened for each batch (as the archive does, to let
other processes in between) does not start new ones each time.

A step of many files (a batch of small blobs: thousands of files and folders) is made
durable by one ``syncfs`` of their filesystem instead (:func:`make_durable`, Linux,
while little else waits to be written): about half the CPU and time of an fsync each
(docs/performance.md, "Small files, fourteenth step").
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from collections.abc import Callable, Collection, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

__all__ = [
    "IO_THREADS",
    "SYNC_FILESYSTEM_FROM",
    "DurableWriter",
    "fsync_paths",
    "io_threads",
    "make_durable",
    "sync_filesystem",
    "syncs_filesystem",
]

IO_THREADS = 8
"""How many threads :func:`io_threads` has."""

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def io_threads() -> ThreadPoolExecutor:
    """The process's threads for file writes and fsyncs run in parallel, started on first
    use. A task must not wait for another task of this pool (it might never start)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(IO_THREADS, thread_name_prefix="erfurt-io")
        return _pool


def fsync_paths(paths: Iterable[str | Path]) -> None:
    """Fsync files and directories, all at once, in the process's :func:`io_threads`.

    Each thread opens, fsyncs and closes a share of the paths (one task per thread, not
    per path: a small file's commit names thousands of them). Raises OSError if one
    cannot be opened or synced (the others are still synced and closed).
    """
    listed = list(paths)
    if len(listed) == 1:
        _fsync(listed[0])
        return
    shares = [listed[n::IO_THREADS] for n in range(min(IO_THREADS, len(listed)))]
    failures = [failure for failure in io_threads().map(_fsync_share, shares) if failure]
    if failures:
        raise failures[0]


SYNC_FILESYSTEM_FROM = 64
"""From how many paths :func:`make_durable` syncs their whole filesystem once rather
than each path. Below it, fsyncs cost less than writing out whatever else is pending on
the filesystem (other processes' files too)."""


def _load_syncfs() -> Callable[[int], int] | None:
    """``syncfs(2)`` from the C library, or None where there is none (not Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    return function


_syncfs = _load_syncfs()

SYNC_FILESYSTEM_DIRTY_LIMIT = 256 << 20
"""How many bytes may wait to be written on the whole system (``Dirty`` in
``/proc/meminfo``) for :func:`make_durable` to sync a filesystem: past it, other
programs' writes (a large copy to the same disk) would make the sync wait for them, and
each path is fsync'd instead."""


def _dirty_bytes() -> int | None:
    """Bytes in memory waiting to be written to disk, system-wide; None if unknown."""
    try:
        with open("/proc/meminfo", "rb") as meminfo:
            for line in meminfo:
                if line.startswith(b"Dirty:"):
                    return int(line.split()[1]) * 1024  # said in kB
    except (OSError, ValueError, IndexError):
        pass
    return None


def syncs_filesystem(count: int) -> bool:
    """Whether :func:`make_durable` of ``count`` paths syncs their filesystem (so the
    files need no fsync of their own when written): many paths, on a system with
    ``syncfs`` where little else waits to be written."""
    if _syncfs is None or count < SYNC_FILESYSTEM_FROM:
        return False
    dirty = _dirty_bytes()
    return dirty is not None and dirty <= SYNC_FILESYSTEM_DIRTY_LIMIT


def sync_filesystem(folder: str | Path) -> None:
    """Write everything pending on the filesystem that holds ``folder`` to its disk, and
    wait for it (``syncfs``: data, inodes and folders alike). Raises OSError if the
    system has no ``syncfs`` or the filesystem reports a write error since the call
    began (Linux reports those from 5.8; the archive's machines run later ones)."""
    if _syncfs is None:
        raise OSError(f"this system cannot sync a whole filesystem ({sys.platform})")
    fd = os.open(folder, os.O_RDONLY)
    try:
        if _syncfs(fd) != 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error), str(folder))
    finally:
        os.close(fd)


def make_durable(paths: Collection[str | Path], folder: str | Path) -> None:
    """Make files and folders written (and renamed) before the call durable: many at
    once by syncing their filesystem, that of ``folder``, once (see
    :func:`syncs_filesystem`); fewer, where there is no ``syncfs`` or while much else
    waits to be written, by an fsync each (:func:`fsync_paths`). Every path must be on
    ``folder``'s filesystem. Raises OSError if the disk fails."""
    if syncs_filesystem(len(paths)):
        sync_filesystem(folder)
    else:
        fsync_paths(paths)


def _fsync_share(paths: list[str | Path]) -> OSError | None:
    """Fsync every one of ``paths``; the first error, if any (the others are synced)."""
    failure = None
    for path in paths:
        try:
            _fsync(path)
        except OSError as exc:
            failure = failure or exc
    return failure


def _fsync(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY)  # a folder opens so too: no stat to tell which it is
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class DurableWriter:
    """Writes files below ``root`` through temp files in ``tmp_dir`` (same filesystem)."""

    def __init__(self, root: Path, tmp_dir: Path) -> None:
        self.root = root
        self.tmp_dir = tmp_dir
        self._counter = 0

    @staticmethod
    def fsync(paths: Iterable[Path]) -> None:
        """Fsync files and directories, all at once (see :func:`fsync_paths`)."""
        fsync_paths(paths)

    def temp(self) -> Path:
        """A fresh temp file path."""
        self._counter += 1
        return self.tmp_dir / f"{self._counter}.tmp"

    @staticmethod
    def put(path: Path, data: bytes) -> None:
        """Write ``data`` to ``path`` (created or truncated), without fsync."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)

    def stage(self, files: Mapping[str, bytes]) -> list[tuple[Path, Path]]:
        """Write each file to a temp file, without fsync; return (temp, final) pairs."""
        staged = []
        for rel, data in files.items():
            tmp = self.temp()
            self.put(tmp, data)
            staged.append((tmp, self.root / rel))
        return staged

    def rename(self, staged: Iterable[tuple[Path, Path]]) -> set[Path]:
        """Rename temp files into place; return the directories to fsync to make it durable."""
        dirs: set[Path] = set()
        for tmp, final in staged:
            dirs |= self._make_parents(final.parent)
            os.replace(tmp, final)
            dirs.add(final.parent)
        return dirs

    def write(self, files: Mapping[str, bytes]) -> None:
        """Write ``files`` durably: temp files, fsync, rename, fsync directories."""
        staged = self.stage(files)
        self.fsync(tmp for tmp, _ in staged)
        self.fsync(self.rename(staged))

    def _make_parents(self, directory: Path) -> set[Path]:
        """Create ``directory`` and missing parents; return the parents whose entries changed."""
        changed: set[Path] = set()
        missing = []
        while not directory.is_dir():
            missing.append(directory)
            directory = directory.parent
        for new in reversed(missing):
            new.mkdir(exist_ok=True)
            changed.add(new.parent)
        return changed
