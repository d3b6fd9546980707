"""Recompute a whole log from its files and compare it with the signed checkpoint."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .checkpoint import Checkpoint
from .edge import RightEdge
from .errors import CorruptLogError, LogError
from .merkle import Hash, leaf_hash
from .note import Verifier
from .prover import TileProver
from .reader import LogReader
from .tiles import (
    TILE_WIDTH,
    FileTileStore,
    TileStore,
    bundle_path,
    encode_bundle,
    read_bundle_file,
    tile_path,
    tile_width,
)
from .verified import tile_matches_checkpoint

__all__ = ["LogCheck", "check_log"]

_ROOTS_BELOW = "the roots of the tiles one level below"


@dataclass(frozen=True, slots=True)
class LogCheck:
    """The result of :func:`check_log`: what was recomputed and found to match."""

    tree_size: int
    root_hash: Hash
    entries: int
    tiles: int


def _first_difference(got: list[Hash], want: list[Hash]) -> int:
    return next(i for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w)


class _Checker:
    def __init__(self, store: TileStore) -> None:
        self.store = store
        self.prover = TileProver(self.store, cache_tiles=1)
        self.files = 0

    def compare_tile(self, level: int, index: int, want: list[Hash], source: str) -> None:
        """Compare the tile file with hashes recomputed from ``source``; check old partials."""
        got = self.prover.tile(level, index, len(want))
        self.files += 1
        if got != want:
            i = _first_difference(got, want)
            raise CorruptLogError(
                f"{tile_path(level, index, len(want))}: hash {i} does not match {source}"
            )
        self._check_partials(tile_path(level, index) + ".p", len(want), want, level, index)

    def _check_partials(
        self, partial_dir: str, width: int, want: list[Hash], level: int, index: int
    ) -> None:
        for w in self.store.list_widths(partial_dir):
            if w >= width:  # the current partial (checked) or a concurrent writer's newer one
                continue
            data = self.store.read(f"{partial_dir}/{w}")
            if data is None:
                continue
            self.files += 1
            if data != b"".join(want[:w]):
                raise CorruptLogError(
                    f"{tile_path(level, index, w)}: not the first {w} hashes of the tile"
                )

    def check_bundle(self, index: int, width: int, checkpoint: Checkpoint) -> list[bytes]:
        """The bundle's entries; an altered one is blamed on the bundle, not the tile or
        an older partial bundle, when the level-0 tile still leads to the signed root."""
        path, entries = read_bundle_file(self.store, index, width)
        self.files += 1
        hashes = [leaf_hash(e) for e in entries]
        tile = self.prover.tile(0, index, width)
        if hashes != tile and tile_matches_checkpoint(self.prover, index, tile, checkpoint):
            wrong = _first_difference(hashes, tile)
            raise CorruptLogError(
                f"{path}: entry {wrong} (record {index * TILE_WIDTH + wrong}) was altered: it "
                f"does not hash to hash {wrong} of {tile_path(0, index, width)}, which matches "
                "the signed checkpoint"
            )
        for w in self.store.list_widths(bundle_path(index) + ".p"):
            data = self.store.read(bundle_path(index, w)) if w < width else None
            if data is not None and data != encode_bundle(entries[:w]):
                raise CorruptLogError(
                    f"{bundle_path(index, w)}: not the first {w} entries of the bundle"
                )
            self.files += data is not None
        return entries


def check_log(source: Path | TileStore, verifier: Verifier) -> LogCheck:
    """Recompute everything in a log folder (or any store of its files) and compare it
    with the signed checkpoint.

    Every entry bundle is hashed into leaf hashes, compared with the level-0 tiles; every
    full tile's root is compared with the level above; the root of the whole tree with the
    checkpoint, whose signature is verified. Memory stays at one tile per level. Raises
    CorruptLogError (or SignatureError, FormatError) naming the file and what is wrong.
    """
    store = FileTileStore(Path(source)) if isinstance(source, str | Path) else source
    try:
        checkpoint = LogReader(Path(), store=store).checkpoint(verifier)
    except LogError as exc:
        raise type(exc)(f"checkpoint: {exc}") from exc
    size = checkpoint.tree_size
    checker = _Checker(store)
    edge = RightEdge()
    for index in range((size + TILE_WIDTH - 1) // TILE_WIDTH):
        width = tile_width(0, index, size)
        entries = checker.check_bundle(index, width, checkpoint)
        hashes = [leaf_hash(e) for e in entries]
        checker.compare_tile(0, index, hashes, f"the entries of {bundle_path(index, width)}")
        for level, tile_index, tile_hashes in edge.add(hashes):
            if level > 0:
                checker.compare_tile(level, tile_index, tile_hashes, _ROOTS_BELOW)
    for level, tile_index, tile_hashes in edge.partial_tiles():
        if level > 0:
            checker.compare_tile(level, tile_index, tile_hashes, _ROOTS_BELOW)
    root = edge.root()
    if root != checkpoint.root_hash:
        raise CorruptLogError(
            f"checkpoint: root hash does not match the root recomputed from the {size} entries"
        )
    return LogCheck(size, root, size, checker.files)
