"""Turn the paths a user gives into the files to preserve, with a reason for each refusal.

Only what the user asked for is taken. Symbolic links inside the folders given are not
followed (each is reported), unless ``follow_symlinks``; even then a link is followed
only to a target inside the paths given, so a link to ``/etc/shadow`` or to a key
never brings it in. The archive folder itself is never walked, however it is reached
(``add .`` inside it, a bind mount, a link): folders are compared by device and inode.
Paths given on the command line are taken as named, links included.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from erfurt.extractors import decode_name

__all__ = ["Found", "walk_paths"]

_FileId = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Found:
    """A file to preserve (``problem`` is None) or a path that cannot be (with the reason).

    ``path`` is where to read it (a link's target when it was followed); ``shown`` the
    path as given, readable even when its bytes are not UTF-8. ``name`` is what the
    archive records: the file's path relative to the folder the user gave, or its own
    name for a file given by itself; ``name_fields`` keep the name's original bytes when
    they are not UTF-8 (see :class:`~erfurt.extractors.DecodedName`). ``skipped``
    marks a problem that is a refusal on purpose (a link not followed, the archive).
    """

    path: Path
    shown: str
    name: str
    problem: str | None = None
    name_fields: tuple[tuple[str, str], ...] = ()
    skipped: bool = False


def walk_paths(
    paths: Sequence[Path], *, archive_root: Path, follow_symlinks: bool = False
) -> Iterator[Found]:
    """Every regular file under ``paths`` (recursively, in name order), and every problem.

    Nothing inside ``archive_root`` is ever found. Symbolic links inside folders are
    reported and skipped, or with ``follow_symlinks`` followed when their target lies
    inside one of ``paths`` (a link loop is reported and not followed again).
    """
    walker = _Walker(paths, archive_root, follow_symlinks)
    for path in paths:
        yield from walker.top(path)


class _Walker:
    def __init__(self, paths: Sequence[Path], archive_root: Path, follow: bool) -> None:
        self._follow = follow
        self._allowed = [Path(os.path.realpath(p)) for p in paths]
        try:
            info = os.stat(archive_root)
            self._archive: _FileId | None = _file_id(info)
        except OSError:
            self._archive = None

    def top(self, path: Path) -> Iterator[Found]:
        """What the path given on the command line holds."""
        if not os.path.lexists(path):
            yield _found(path, path.name, problem="no such file or folder")
            return
        real = Path(os.path.realpath(path))
        if self._in_archive(real):
            yield _found(path, path.name, skipped=_IN_ARCHIVE)
        elif real.is_dir():
            yield from self._walk(path, real)
        else:
            yield _found(path, path.name, target=real)

    def _walk(self, top: Path, real_top: Path) -> Iterator[Found]:
        """Depth first, in name order, without recursion (a tree may be very deep).

        Names are joined as strings and only folders and followed links are stat'd:
        the folder entry says what a file is, and opening it checks it again.
        """
        top_info = real_top.stat()
        # (the folder as given, its real path, its name under ``top`` + "/", ancestors)
        stack: list[tuple[str, str, str, frozenset[_FileId]]] = [
            (os.fspath(top), os.fspath(real_top), "", frozenset({_file_id(top_info)}))
        ]
        while stack:
            shown, real, under, ancestors = stack.pop()
            try:
                entries = sorted(os.scandir(real), key=lambda e: e.name)
            except OSError as exc:
                problem = f"cannot read the folder: {exc.strerror}"
                yield _found(shown, under.rstrip("/") or ".", problem=problem)
                continue
            folders: list[tuple[str, str, str, frozenset[_FileId]]] = []
            for entry in entries:
                path, name, target = os.path.join(shown, entry.name), under + entry.name, entry.path
                try:
                    if entry.is_symlink():
                        refusal, target = self._link(target)
                        if refusal:
                            yield _found(path, name, skipped=refusal)
                            continue
                        info = os.stat(target)
                    elif entry.is_dir(follow_symlinks=False):
                        info = entry.stat(follow_symlinks=False)
                    else:
                        yield _found(path, name, target=target)
                        continue
                except OSError as exc:
                    yield _found(path, name, problem=f"cannot be read: {exc.strerror}")
                    continue
                key = _file_id(info)
                if not stat.S_ISDIR(info.st_mode):
                    yield _found(path, name, target=target)
                elif key in ancestors:
                    yield _found(path, name, skipped=_LOOP)
                elif key == self._archive:
                    yield _found(path, name, skipped=_IN_ARCHIVE)
                else:
                    folders.append((path, target, name + "/", ancestors | {key}))
            stack.extend(reversed(folders))

    def _link(self, link: str) -> tuple[str, str]:
        """Why the link at ``link`` is not followed (or ''), and its target."""
        try:
            pointed = os.readlink(link)
        except OSError as exc:
            return f"a symbolic link that cannot be read: {exc.strerror}", link
        shown = decode_name(os.fsencode(pointed)).text
        if not self._follow:
            return (
                f"a symbolic link (to {shown}): not followed; "
                "give --follow-symlinks to follow links that stay inside the folders given"
            ), link
        real = Path(os.path.realpath(link))
        if not real.exists():
            return f"a symbolic link that leads nowhere (to {shown})", link
        if self._in_archive(real):
            return f"a symbolic link into the archive folder: {_IN_ARCHIVE}", link
        if not any(real.is_relative_to(allowed) for allowed in self._allowed):
            return (
                f"a symbolic link to {shown}, outside the folders given: not followed; "
                "name its target on the command line to add it"
            ), link
        return "", os.fspath(real)

    def _in_archive(self, real: Path) -> bool:
        if self._archive is None:
            return False
        for folder in (real, *real.parents):
            try:
                info = folder.stat()
            except OSError:
                continue
            if _file_id(info) == self._archive:
                return True
        return False


def _file_id(info: os.stat_result) -> _FileId:
    return info.st_dev, info.st_ino


_IN_ARCHIVE = "inside the archive folder: Erfurt never preserves its own archive"
_LOOP = "a symbolic link loop (leads back to a folder above it)"


def _found(
    path: str | Path,
    name: str,
    *,
    problem: str | None = None,
    skipped: str | None = None,
    target: str | Path | None = None,
) -> Found:
    """The :class:`Found` of ``path`` recorded as ``name``, its bytes kept when not UTF-8.

    ``problem`` is why it cannot be preserved, ``skipped`` why it is not, on purpose.
    """
    decoded = decode_name(os.fsencode(name))
    return Found(
        Path(target or path),
        decode_name(os.fsencode(path)).text,
        decoded.text,
        skipped or problem,
        tuple(decoded.record_fields().items()),
        skipped is not None,
    )
