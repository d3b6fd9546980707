"""Small plain-text files extracted in the calling process, where a worker costs more.

Sending a file to a worker and its text back (pickling, two processes woken, a
``/proc`` read) costs the parent more than reading a few KiB of UTF-8 itself. A file is
extracted here only if nothing in it can make the extraction slow or large, so that no
time or memory limit is needed: a regular file of at most ``limit`` bytes, sniffed as
plain text (or empty), whose bytes are valid UTF-8 (no charset detection runs). Its
:class:`Extraction` is the one a worker's :func:`extract_file` gives, from the bytes
read once (:func:`extract_plain_text`).

    >>> from pathlib import Path
    >>> from erfurt.extractors import ExtractOptions
    >>> note = Path("note.txt")  # doctest: +SKIP
    >>> extract_inline(note, "note.txt", ExtractOptions(), 65536).text  # doctest: +SKIP
    'the witness said ...'
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from erfurt.extractors.dispatch import extract_plain_text
from erfurt.extractors.result import Extraction, ExtractOptions

__all__ = ["INLINE_TEXT_BYTES", "extract_inline", "extract_inline_bytes"]

INLINE_TEXT_BYTES = 64 * 1024
"""The largest text file `erfurt add` extracts in its own process (decoding 64 KiB of
UTF-8 takes microseconds, whatever the bytes)."""

# Without O_NONBLOCK, opening a FIFO put where a file was expected would wait forever.
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def extract_inline(path: Path, name: str, options: ExtractOptions, limit: int) -> Extraction | None:
    """The extraction of the file at ``path`` if it is cheap and safe to do here (see the
    module docstring), else None: it goes to a worker then, which also reports a file
    that cannot be read. The file is opened once; its bytes are sniffed and extracted
    as read, so nothing can swap it in between."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        data = os.read(fd, limit + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return extract_inline_bytes(data, name, options, limit)


def extract_inline_bytes(
    data: bytes, name: str, options: ExtractOptions, limit: int, media_type: str | None = None
) -> Extraction | None:
    """The extraction of a file holding ``data`` if it is cheap and safe to do here (at
    most ``limit`` bytes of UTF-8 plain text, or empty), else None: the bytes of a file
    already read, as :func:`extract_inline` reads them (``media_type``: as sniffed from
    them, if known)."""
    if len(data) > limit or not _is_utf8(data):
        return None
    return extract_plain_text(data, name, options, media_type)


def _is_utf8(data: bytes) -> bool:
    if data.isascii():
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
