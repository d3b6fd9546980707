"""Proofs computed from tiles, with the in-tile subtree hashes memoised.

A perfect subtree of height ``h`` is inside one tile of level ``h // 8``: it is the root
of ``2**(h % 8)`` consecutive hashes of that tile. The first time a tile is used, all its
perfect in-tile subtrees are hashed (255 node hashes for a full tile) and kept in a
LRU cache (about 16 KiB per full tile), so later proofs touching it cost only look-ups.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

from .errors import CorruptLogError
from .merkle import Hash, NodeLookup, consistency_path, inclusion_path, range_hash
from .tiles import TILE_WIDTH, TileStore, tile_path, tile_width

__all__ = ["TileProver", "tile_levels"]

_sha256 = hashlib.sha256


def tile_levels(data: bytes) -> list[bytes]:
    """Every perfect in-tile subtree, level by level, each level as concatenated hashes.

    ``levels[r][32*i : 32*(i+1)]`` is the root of hashes ``i*2**r .. (i+1)*2**r - 1``.
    """
    levels = [data]
    while len(data) >= 64:
        data = b"".join(
            [_sha256(b"\x01" + data[i : i + 64]).digest() for i in range(0, len(data) - 63, 64)]
        )
        levels.append(data)
    return levels


class TileProver:
    """Builds inclusion and consistency proofs and roots from the tiles in a store."""

    def __init__(self, store: TileStore, cache_tiles: int = 1024) -> None:
        self._store = store
        self._cache: OrderedDict[tuple[int, int, int], list[bytes]] = OrderedDict()
        self._cache_tiles = cache_tiles

    def tile_bytes(self, level: int, index: int, width: int) -> bytes:
        """Read the first ``width`` hashes of a tile: its partial file, else the full tile.

        Raises CorruptLogError naming the file if neither exists or its size is wrong.
        """
        path = tile_path(level, index, width)
        data = self._store.read(path)
        if data is None and width < TILE_WIDTH:
            full = tile_path(level, index)
            data = self._store.read(full)
            if data is not None:
                if len(data) != 32 * TILE_WIDTH:
                    raise CorruptLogError(f"{full}: {len(data)} bytes, expected 8192")
                data = data[: 32 * width]
        if data is None:
            raise CorruptLogError(f"{path}: missing (needed for tile {index} of level {level})")
        if len(data) != 32 * width:
            raise CorruptLogError(f"{path}: {len(data)} bytes, expected {32 * width}")
        return data

    def tile(self, level: int, index: int, width: int) -> list[Hash]:
        """The first ``width`` hashes of a tile, as a list (see :meth:`tile_bytes`)."""
        data = self.tile_bytes(level, index, width)
        return [Hash(data[i : i + 32]) for i in range(0, len(data), 32)]

    def _levels(self, level: int, index: int, width: int) -> list[bytes]:
        key = (level, index, width)
        levels = self._cache.get(key)
        if levels is not None:
            self._cache.move_to_end(key)
            return levels
        levels = tile_levels(self.tile_bytes(level, index, width))
        self._cache[key] = levels
        if len(self._cache) > self._cache_tiles:
            self._cache.popitem(last=False)
        return levels

    def node_lookup(self, tree_size: int) -> NodeLookup:
        """Return ``node(height, index)`` for perfect subtrees of a tree of ``tree_size``."""

        def node(height: int, index: int) -> Hash:
            level, rest = divmod(height, 8)
            first = index << rest
            tile_index = first >> 8
            width = tile_width(level, tile_index, tree_size)
            pos = ((first & 0xFF) >> rest) * 32
            return Hash(self._levels(level, tile_index, width)[rest][pos : pos + 32])

        return node

    def inclusion_proof(self, index: int, tree_size: int) -> list[Hash]:
        """The RFC 6962 inclusion proof of leaf ``index`` in the tree of ``tree_size``."""
        return inclusion_path(self.node_lookup(tree_size), index, tree_size)

    def consistency_proof(self, old_size: int, new_size: int) -> list[Hash]:
        """The RFC 6962 consistency proof from ``old_size`` (> 0) to ``new_size``."""
        return consistency_path(self.node_lookup(new_size), old_size, new_size)

    def root(self, tree_size: int) -> Hash:
        """The root hash of the tree of ``tree_size`` (> 0), from its tiles."""
        return range_hash(self.node_lookup(tree_size), 0, tree_size)
