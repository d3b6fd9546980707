"""Turn the paths a user gives into the files to preserve, with a reason for each refusal."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Found", "walk_paths"]


@dataclass(frozen=True, slots=True)
class Found:
    """A file to preserve (``problem`` is None) or a path that cannot be (with the reason).

    ``name`` is what the archive records: the file's path relative to the folder the user
    gave (so that the local folder layout above it never enters the log), or its name.
    """

    path: Path
    name: str
    problem: str | None = None


def walk_paths(paths: Sequence[Path]) -> Iterator[Found]:
    """Every regular file under ``paths`` (recursively, in name order), and every problem.

    Symbolic links are followed; a link that leads back into a folder being walked is
    reported as a loop and not followed again.
    """
    for path in paths:
        if not os.path.lexists(path):
            yield Found(path, path.name, "no such file or folder")
        elif path.is_dir():
            yield from _walk_dir(path, path, frozenset())
        else:
            yield _check_file(path, path.name)


def _walk_dir(top: Path, folder: Path, ancestors: frozenset[tuple[int, int]]) -> Iterator[Found]:
    try:
        info = folder.stat()
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield Found(folder, _name(top, folder), f"cannot read the folder: {exc.strerror}")
        return
    ancestors = ancestors | {(info.st_dev, info.st_ino)}
    for entry in entries:
        path = Path(entry.path)
        name = _name(top, path)
        try:
            target = path.stat()
        except OSError as exc:
            yield Found(path, name, _stat_problem(path, exc))
            continue
        if stat.S_ISDIR(target.st_mode):
            if (target.st_dev, target.st_ino) in ancestors:
                yield Found(path, name, "a symbolic link loop (leads back to a folder above it)")
            else:
                yield from _walk_dir(top, path, ancestors)
        else:
            yield _check_file(path, name)


def _check_file(path: Path, name: str) -> Found:
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return Found(path, name, _stat_problem(path, exc))
    if not stat.S_ISREG(mode):
        return Found(path, name, "not a regular file (a device, socket or pipe)")
    return Found(path, name)


def _stat_problem(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop"
    if path.is_symlink():
        return "a symbolic link that leads nowhere"
    return f"cannot be read: {exc.strerror}"


def _name(top: Path, path: Path) -> str:
    return (Path(top.name) / path.relative_to(top)).as_posix()
