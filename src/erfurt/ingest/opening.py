"""Read one file to preserve it, refusing what must never enter the archive.

Each check is made on the open file itself, not on its path, so that a path swapped
between the walk and the read (for a link, a pipe, a device) cannot slip through:
the file is opened without following a final symbolic link and without blocking,
must be a regular file, must not be an Erfurt key or secret (recognised by its content,
whatever path led to it), and must not be a hard link to a file of the archive.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from erfurt.archive import SECRET_SNIFF_BYTES, Archive, BlobRef, StagedBlobs, is_erfurt_secret
from erfurt.errors import IngestError

__all__ = ["Opened", "Refused", "open_to_preserve"]

_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


class Refused(IngestError):
    """A file Erfurt does not preserve on purpose (not a file, a key, the archive's own)."""


@dataclass(frozen=True, slots=True)
class Opened:
    """A file preserved as ``blob``; ``warning`` says if it changed while being read."""

    blob: BlobRef
    warning: str = ""


def open_to_preserve(archive: Archive, path: Path, blobs: StagedBlobs) -> Opened:
    """Stage the bytes of the regular file at ``path`` as a blob in ``blobs``.

    Raises :class:`Refused` (with the reason) for a link, a device, pipe or socket, an
    Erfurt key or secret, or a file of the archive itself; InputError over
    ``max_file_size``; OSError if it cannot be read.
    """
    fd = os.open(path, _OPEN_FLAGS)
    with os.fdopen(fd, "rb") as stream:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise Refused("not a regular file (a device, socket or pipe)", _SKIPPED)
        os.set_blocking(fd, True)
        if is_erfurt_secret(os.pread(fd, SECRET_SNIFF_BYTES, 0)):
            raise Refused(
                "an Erfurt signing key or registry secret: never preserved",
                "keep keys and secrets outside the folders you add",
            )
        if before.st_nlink > 1 and _archive_holds(archive, before):
            raise Refused(_ARCHIVE_FILE, _SKIPPED)
        blob = blobs.put_stream(stream, limit=archive.config.max_file_size)
        after = os.fstat(fd)
    # A blob held in memory is new to the archive, so the file is none of its blobs.
    if blobs.held(blob.sha256) is None:
        stored = blobs.path(blob.sha256).stat()
        if (stored.st_dev, stored.st_ino) == (before.st_dev, before.st_ino):
            raise Refused(_ARCHIVE_FILE, _SKIPPED)
    changed = (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns)
    warning = (
        "the file changed while it was being read: what was read is preserved; "
        "add it again once it is complete"
        if changed or blob.size != before.st_size
        else ""
    )
    return Opened(blob, warning)


_SKIPPED = "nothing was preserved from it; the other files go on"
_ARCHIVE_FILE = "a hard link to a file of the archive itself: never preserved"


def _archive_holds(archive: Archive, info: os.stat_result) -> bool:
    """Whether the file is (a hard link to) one of the archive's own files, blobs aside.

    Blobs are checked by digest after reading; the rest of the archive is small.
    """
    root = archive.paths.root
    blobs = archive.paths.blobs
    for folder, dirs, files in os.walk(root):
        if Path(folder) == root and blobs.name in dirs:
            dirs.remove(blobs.name)
        for name in files:
            try:
                other = os.lstat(os.path.join(folder, name))
            except OSError:
                continue
            if (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino):
                return True
    return False
