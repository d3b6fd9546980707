"""Crash-safe file writes: temp file, fsync, rename, fsync of the directories."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
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

    def stage(self, files: Mapping[str, bytes]) -> list[tuple[Path, Path]]:
        """Write each file to a temp file and fsync it; return (temp, final) pairs."""
        staged = []
        for rel, data in files.items():
            self._counter += 1
            tmp = self.tmp_dir / f"{self._counter}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            staged.append((tmp, self.root / rel))
        return staged

    def publish(self, staged: Iterable[tuple[Path, Path]]) -> None:
        """Rename staged temp files into place and fsync every directory that changed."""
        dirs: set[Path] = set()
        for tmp, final in staged:
            dirs |= self._make_parents(final.parent)
            os.replace(tmp, final)
            dirs.add(final.parent)
        # Deepest first, so that a new directory is durable before its parent's entry is.
        for directory in sorted(dirs, key=lambda p: len(p.parts), reverse=True):
            fsync_dir(directory)

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
