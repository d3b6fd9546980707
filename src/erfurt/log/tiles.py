"""Tile and entry-bundle paths and encodings (c2sp.org/tlog-tiles), and tile storage.

A tile at level L holds up to 256 hashes; at level 0 they are leaf hashes, above each
is the root of a full tile one level down. Paths are ``tile/<L>/<N>[.p/<W>]`` and
``tile/entries/<N>[.p/<W>]``, with N in 3-digit groups (``x001/x234/067``).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from .errors import CorruptLogError, FormatError

__all__ = [
    "MAX_ENTRY",
    "TILE_WIDTH",
    "FileTileStore",
    "MemoryTileStore",
    "TileStore",
    "bundle_path",
    "encode_bundle",
    "parse_bundle",
    "read_bundle",
    "read_bundle_file",
    "tile_path",
    "tile_width",
]

TILE_WIDTH = 256
MAX_ENTRY = 0xFFFF
MAX_FILE = TILE_WIDTH * (2 + MAX_ENTRY)
"""No file of a log is larger than a full entry bundle (a checkpoint is far smaller)."""


def _index_path(index: int) -> str:
    if index < 0:
        raise ValueError(f"tile index {index} is negative")
    groups = []
    while True:
        groups.append(f"{index % 1000:03d}")
        index //= 1000
        if index == 0:
            break
    groups.reverse()
    return "/".join([*("x" + g for g in groups[:-1]), groups[-1]])


def _suffix(width: int) -> str:
    if not 1 <= width <= TILE_WIDTH:
        raise ValueError(f"tile width {width} is not between 1 and 256")
    return "" if width == TILE_WIDTH else f".p/{width}"


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """Return the path of hash tile ``index`` at ``level`` (width < 256: a partial tile)."""
    if not 0 <= level <= 63:
        raise ValueError(f"tile level {level} is not between 0 and 63")
    return f"tile/{level}/{_index_path(index)}{_suffix(width)}"


def bundle_path(index: int, width: int = TILE_WIDTH) -> str:
    """Return the path of entry bundle ``index`` (width < 256: a partial bundle)."""
    return f"tile/entries/{_index_path(index)}{_suffix(width)}"


def tile_width(level: int, index: int, tree_size: int) -> int:
    """The width of tile ``index`` at ``level`` in a tree of ``tree_size`` (0: no such tile)."""
    full = tree_size >> (8 * (level + 1))
    if index < full:
        return TILE_WIDTH
    if index == full:
        return (tree_size >> (8 * level)) & 0xFF
    return 0


def encode_bundle(entries: Sequence[bytes]) -> bytes:
    """Encode entries as a bundle: each a big-endian uint16 length, then its bytes."""
    out = bytearray()
    for entry in entries:
        out += len(entry).to_bytes(2, "big")
        out += entry
    return bytes(out)


def parse_bundle(data: bytes, count: int, where: str) -> list[bytes]:
    """Decode exactly ``count`` entries from bundle bytes; raises FormatError naming ``where``."""
    entries: list[bytes] = []
    view = memoryview(data)
    pos = 0
    for number in range(count):
        if pos + 2 > len(data):
            raise FormatError(
                f"{where}: truncated at byte {pos}: entry {number} of {count} is missing"
            )
        length = int.from_bytes(view[pos : pos + 2], "big")
        end = pos + 2 + length
        if end > len(data):
            raise FormatError(
                f"{where}: truncated at byte {len(data)}: entry {number} needs {length} bytes "
                f"from byte {pos + 2}"
            )
        entries.append(bytes(view[pos + 2 : end]))
        pos = end
    if pos != len(data):
        raise FormatError(f"{where}: {len(data) - pos} unexpected bytes after entry {count - 1}")
    return entries


class TileStore(Protocol):
    """Where the published files of a log live, addressed by their tlog-tiles paths."""

    def read(self, path: str) -> bytes | None:
        """Return the file's bytes, or None if it does not exist."""
        ...

    def list_widths(self, partial_dir: str) -> Iterator[int]:
        """Yield the widths W of the partial files ``<partial_dir>/<W>`` that exist."""
        ...


class FileTileStore:
    """A :class:`TileStore` over a directory on disk (reads only)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __str__(self) -> str:
        return str(self.root)

    def read(self, path: str) -> bytes | None:
        """The file's bytes; raises CorruptLogError for a file no log holds.

        A published folder may come from anyone: a pipe or device (which would block or
        never end) and a file larger than any tile, bundle or checkpoint are refused
        before they are read.
        """
        try:
            fd = os.open(self.root / path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise CorruptLogError(f"{path}: not a regular file (a pipe, device or folder)")
            data = f.read(MAX_FILE + 1)
        if len(data) > MAX_FILE:
            raise CorruptLogError(f"{path}: larger than any file of a tiled log can be")
        return data

    def list_widths(self, partial_dir: str) -> Iterator[int]:
        try:
            names = os.listdir(self.root / partial_dir)
        except FileNotFoundError:
            return
        for name in names:
            if name.isascii() and name.isdigit():
                yield int(name)


class MemoryTileStore:
    """A :class:`TileStore` over a dict of path -> bytes (tests, in-memory logs)."""

    def __init__(self, files: dict[str, bytes] | None = None) -> None:
        self.files: dict[str, bytes] = files if files is not None else {}

    def read(self, path: str) -> bytes | None:
        return self.files.get(path)

    def list_widths(self, partial_dir: str) -> Iterator[int]:
        prefix = partial_dir + "/"
        for path in self.files:
            width = path.removeprefix(prefix)
            if width != path and width.isascii() and width.isdigit():
                yield int(width)


def read_bundle(store: TileStore, index: int, width: int) -> list[bytes]:
    """Read the first ``width`` entries of bundle ``index`` (partial file, else full bundle).

    Raises CorruptLogError naming the file if it is missing or malformed.
    """
    return read_bundle_file(store, index, width)[1]


def read_bundle_file(store: TileStore, index: int, width: int) -> tuple[str, list[bytes]]:
    """Like :func:`read_bundle`, also returning the path of the file the entries came from."""
    path = bundle_path(index, width)
    data = store.read(path)
    count = width
    if data is None and width < TILE_WIDTH:
        path = bundle_path(index)
        data = store.read(path)
        count = TILE_WIDTH
    if data is None:
        raise CorruptLogError(f"{bundle_path(index, width)}: missing (entry bundle {index})")
    try:
        return path, parse_bundle(data, count, path)[:width]
    except FormatError as exc:
        raise CorruptLogError(str(exc)) from exc
