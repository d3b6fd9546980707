"""Reading the small files people hand over (receipts, checkpoints, package parts).

Their size and kind are not trusted: a pipe or a device would block or never end, and a
huge file given by mistake (or by an attacker) would be read whole into memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from erfurt.errors import InputError

__all__ = ["MAX_SMALL_FILE", "read_small_file"]

MAX_SMALL_FILE = 1 << 20
"""The largest receipt, checkpoint or package text read: a receipt is under 100 KiB."""


def read_small_file(path: Path, what: str, *, limit: int = MAX_SMALL_FILE) -> bytes:
    """The bytes of ``path``, which must be a regular file of at most ``limit`` bytes.

    Raises :class:`InputError` naming ``path`` and ``what`` it should have been when it
    cannot be read, is not a regular file (a pipe, a device, a folder) or is larger.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {what} ({exc.strerror})") from exc
    with os.fdopen(fd, "rb") as stream:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(
                f"{path} is not a regular file (a pipe, device or folder), so not a {what}",
                f"give the {what} file itself",
            )
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(
            f"{path} is larger than a {what} can be ({limit:,} bytes)",
            f"check that you gave the {what}, not another file",
        )
    return data
