"""The right edge of a tiled Merkle tree: everything a writer keeps in memory.

For each tile level the edge holds the hashes of the current partial tile (fewer than
256). Adding leaf hashes completes full tiles, whose roots move up one level; the tree's
root is computed from the partial tiles alone. Memory is at most 255 hashes per level.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from .merkle import EMPTY_ROOT, Hash, node_hash, perfect_levels
from .tiles import TILE_WIDTH

__all__ = ["RightEdge", "Tile", "tile_root"]

Tile = tuple[int, int, list[Hash]]
"""A tile as (level, index, hashes)."""

_sha256 = hashlib.sha256


def tile_root(hashes: Sequence[Hash]) -> Hash:
    """The root of a full tile: MTH of its 256 hashes (a perfect subtree of height 8)."""
    level = list(hashes)
    while len(level) > 1:
        level = [
            Hash(_sha256(b"\x01" + level[i] + level[i + 1]).digest())
            for i in range(0, len(level), 2)
        ]
    return level[0]


class RightEdge:
    """The partial tiles of a tree of ``size`` leaves, one per level (level 0 first)."""

    __slots__ = ("levels", "size")

    def __init__(self, size: int = 0, levels: list[list[Hash]] | None = None) -> None:
        self.size = size
        self.levels: list[list[Hash]] = levels if levels is not None else [[]]

    @classmethod
    def load(cls, size: int, read_tile: Callable[[int, int, int], list[Hash]]) -> RightEdge:
        """Rebuild the edge of a tree of ``size`` from its partial tiles.

        ``read_tile(level, index, width)`` returns the first ``width`` hashes of that tile.
        """
        levels: list[list[Hash]] = []
        level = 0
        while size >> (8 * level) or not levels:
            width = (size >> (8 * level)) & 0xFF
            index = size >> (8 * (level + 1))
            levels.append(read_tile(level, index, width) if width else [])
            level += 1
        return cls(size, levels)

    def add(self, leaf_hashes: Sequence[Hash]) -> list[Tile]:
        """Append leaf hashes; return the full tiles this completed, lowest level first."""
        done: list[Tile] = []
        pos, count = 0, len(leaf_hashes)
        while pos < count:
            level0 = self.levels[0]
            take = min(TILE_WIDTH - len(level0), count - pos)
            level0.extend(leaf_hashes[pos : pos + take])
            pos += take
            self.size += take
            if len(level0) == TILE_WIDTH:
                self._complete(0, done)
        return done

    def _complete(self, level: int, done: list[Tile]) -> None:
        while True:
            hashes = self.levels[level]
            done.append((level, (self.size >> (8 * (level + 1))) - 1, hashes))
            self.levels[level] = []
            if level + 1 == len(self.levels):
                self.levels.append([])
            above = self.levels[level + 1]
            above.append(tile_root(hashes))
            if len(above) < TILE_WIDTH:
                return
            level += 1

    def partial_tiles(self) -> list[Tile]:
        """The non-empty partial tiles of the current size, lowest level first."""
        return [
            (level, self.size >> (8 * (level + 1)), list(hashes))
            for level, hashes in enumerate(self.levels)
            if hashes
        ]

    def root(self) -> Hash:
        """The Merkle Tree Hash of the whole tree."""
        parts: list[Hash] = []
        for hashes in reversed(self.levels):
            if not hashes:
                continue
            levels = perfect_levels(hashes)
            pos = 0
            for height in range(len(levels) - 1, -1, -1):
                if len(hashes) >> height & 1:
                    parts.append(levels[height][pos >> height])
                    pos += 1 << height
        if not parts:
            return EMPTY_ROOT
        result = parts[-1]
        for part in reversed(parts[:-1]):
            result = node_hash(part, result)
        return result
