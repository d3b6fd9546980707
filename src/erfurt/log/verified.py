"""Entries read only once they hash to a signed tree: bundles checked against the checkpoint.

A bundle's entries are hashed into leaf hashes, and the inclusion proof of its first leaf
is built from those hashes for every node inside the bundle's tile (and from the tiles
above for the rest), then verified against the checkpoint's root. The proof covers every
leaf of the tile, so one proof per 256 entries authenticates them all: an altered entry,
a replaced tile or a checkpoint for another tree fails. On failure the tile's own hashes
are tried the same way, to say which file is wrong: the entry bundle (the tile still
matches the signed root) or a hash tile.
"""

from __future__ import annotations

from collections.abc import Sequence

from .checkpoint import Checkpoint
from .errors import CorruptLogError, ProofError
from .merkle import Hash, NodeLookup, inclusion_path, leaf_hash, perfect_levels
from .prover import TileProver
from .tiles import TILE_WIDTH, TileStore, read_bundle_file, tile_path, tile_width
from .verify import verify_inclusion

__all__ = ["tile_matches_checkpoint", "verified_bundle"]


def _lookup_with_tile(tiles: NodeLookup, bundle: int, hashes: Sequence[Hash]) -> NodeLookup:
    """``tiles``, except that nodes inside level-0 tile ``bundle`` come from ``hashes``."""
    levels = perfect_levels(hashes)

    def node(height: int, index: int) -> Hash:
        if height < 8 and (index << height) >> 8 == bundle:
            return levels[height][index - (bundle << (8 - height))]
        return tiles(height, index)

    return node


def tile_matches_checkpoint(
    prover: TileProver, bundle: int, hashes: Sequence[Hash], checkpoint: Checkpoint
) -> bool:
    """Whether ``hashes`` as level-0 tile ``bundle`` lead to the checkpoint's root hash."""
    size = checkpoint.tree_size
    first = bundle * TILE_WIDTH
    if not hashes or len(hashes) != tile_width(0, bundle, size):
        return False
    node = _lookup_with_tile(prover.node_lookup(size), bundle, hashes)
    try:
        verify_inclusion(hashes[0], first, inclusion_path(node, first, size), checkpoint)
    except (ProofError, CorruptLogError):
        return False
    return True


def verified_bundle(
    store: TileStore, prover: TileProver, bundle: int, checkpoint: Checkpoint
) -> list[bytes]:
    """The entries of ``bundle`` in the tree of ``checkpoint``, once they hash to its root.

    ``checkpoint`` must already be verified (its signature, by a pinned key). Raises
    CorruptLogError naming the file that is wrong: the entry bundle when the hash tile
    still matches the signed root, else the level-0 tile (or one above it).
    """
    width = tile_width(0, bundle, checkpoint.tree_size)
    path, entries = read_bundle_file(store, bundle, width)
    hashes = [leaf_hash(entry) for entry in entries]
    if tile_matches_checkpoint(prover, bundle, hashes, checkpoint):
        return entries
    tile = prover.tile(0, bundle, width)
    if tile_matches_checkpoint(prover, bundle, tile, checkpoint):
        wrong = next(i for i, (a, b) in enumerate(zip(hashes, tile, strict=True)) if a != b)
        raise CorruptLogError(
            f"{path}: entry {wrong} (record {bundle * TILE_WIDTH + wrong}) was altered: "
            f"it does not hash to the signed tree of size {checkpoint.tree_size}"
        )
    raise CorruptLogError(
        f"{tile_path(0, bundle, width)} or a tile above it does not lead to the root hash of "
        f"the checkpoint (size {checkpoint.tree_size}): a hash tile or the checkpoint was "
        "replaced"
    )
