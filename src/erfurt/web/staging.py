"""Where uploads wait while they are received: the archive's private ``uploads`` folder.

An upload is evidence in clear text: it is staged inside the archive's owner-only
``private/uploads/`` (never the system's temporary folder, which other users and other
disks may share), removed once it is preserved or refused, and left-overs of a server
that crashed are removed when the next one starts. Each staged file is locked while its
request runs, so a second server starting on the same archive removes only orphans.
"""

from __future__ import annotations

import fcntl
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

__all__ = ["clean_staged", "private_folder", "staged_file"]

_logger = logging.getLogger(__name__)


def private_folder(folder: Path) -> Path:
    """``folder`` (and its parents) created owner-only, whatever the umask; returned."""
    folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.mkdir(mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


@contextmanager
def staged_file(uploads: Path) -> Iterator[tuple[Path, BinaryIO]]:
    """A new owner-only file in ``uploads``, locked while in use and deleted afterwards."""
    fd, name = tempfile.mkstemp(prefix="upload-", dir=private_folder(uploads))
    path = Path(name)
    try:
        with os.fdopen(fd, "w+b") as stream:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX)
            yield path, stream
    finally:
        path.unlink(missing_ok=True)


def clean_staged(uploads: Path) -> int:
    """Delete the staged files no running request holds (a crash's left-overs); how many."""
    if not uploads.is_dir():
        return 0
    removed = 0
    for entry in os.scandir(private_folder(uploads)):
        if not entry.is_file(follow_symlinks=False):
            continue  # Erfurt stages only files: anything else is not its to remove
        try:
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue  # gone meanwhile
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a request of a running server is receiving it
        else:
            os.unlink(entry.path)
            removed += 1
        finally:
            os.close(fd)
    if removed:
        _logger.warning(
            "removed %d upload(s) left in %s by a server that stopped", removed, uploads
        )
    return removed
