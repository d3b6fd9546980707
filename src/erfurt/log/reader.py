"""Reading a log directory: checkpoint, entries, leaf hashes and proofs from its tiles.

The reader takes no lock and only reads files, so it is safe while a writer appends: every
file it reads for a given tree size is immutable (partial files are named by width, and a
missing partial file falls back to the full tile that superseded it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .checkpoint import Checkpoint, open_checkpoint
from .errors import CorruptLogError, FormatError, LogError
from .merkle import Hash
from .note import Verifier
from .prover import TileProver
from .tiles import TILE_WIDTH, FileTileStore, TileStore, bundle_path, parse_bundle, tile_width

__all__ = ["LogReader", "read_bundle"]

CHECKPOINT = "checkpoint"


def read_bundle(store: TileStore, index: int, width: int) -> list[bytes]:
    """Read the first ``width`` entries of bundle ``index`` (partial file, else full bundle).

    Raises CorruptLogError naming the file if it is missing or malformed.
    """
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
        return parse_bundle(data, count, path)[:width]
    except FormatError as exc:
        raise CorruptLogError(str(exc)) from exc


class LogReader:
    """Reads a log directory written by :class:`LogWriter` (or any tlog-tiles log)."""

    def __init__(self, directory: Path, cache_tiles: int = 1024) -> None:
        self.directory = Path(directory)
        self._store = FileTileStore(self.directory)
        self._prover = TileProver(self._store, cache_tiles)

    def checkpoint_note(self) -> bytes:
        """The raw signed checkpoint note; raises CorruptLogError if there is none."""
        data = self._store.read(CHECKPOINT)
        if data is None:
            raise CorruptLogError(f"{CHECKPOINT}: missing in {self.directory}")
        return data

    def checkpoint(self, verifier: Verifier) -> Checkpoint:
        """The current checkpoint, verified with ``verifier``; raises SignatureError etc."""
        return open_checkpoint(self.checkpoint_note(), verifier)

    @staticmethod
    def _check_index(index: int, tree_size: int) -> None:
        if not 0 <= index < tree_size:
            raise LogError(f"entry {index} is not in a tree of size {tree_size}")

    def entry(self, index: int, tree_size: int) -> bytes:
        """The entry at ``index`` in the tree of ``tree_size``."""
        self._check_index(index, tree_size)
        bundle = index >> 8
        return read_bundle(self._store, bundle, tile_width(0, bundle, tree_size))[index & 0xFF]

    def entries(self, start: int, stop: int, tree_size: int) -> Iterator[bytes]:
        """Yield entries ``start`` up to (not including) ``stop``, one bundle read per 256."""
        if start < 0 or stop > tree_size or start > stop:
            raise LogError(f"entries {start}..{stop} are not in a tree of size {tree_size}")
        index = start
        while index < stop:
            bundle = index >> 8
            entries = read_bundle(self._store, bundle, tile_width(0, bundle, tree_size))
            end = min(stop, (bundle + 1) << 8)
            yield from entries[index & 0xFF : end - (bundle << 8)]
            index = end

    def leaf_hash(self, index: int, tree_size: int) -> Hash:
        """The leaf hash of entry ``index``, from the level-0 tile."""
        self._check_index(index, tree_size)
        return self._prover.node_lookup(tree_size)(0, index)

    def inclusion_proof(self, index: int, tree_size: int) -> list[Hash]:
        """The inclusion proof of entry ``index`` in the tree of ``tree_size``, from tiles."""
        self._check_index(index, tree_size)
        return self._prover.inclusion_proof(index, tree_size)

    def consistency_proof(self, old_size: int, new_size: int) -> list[Hash]:
        """The consistency proof from ``old_size`` to ``new_size`` (empty if they are equal)."""
        if old_size == new_size:
            return []
        if not 0 < old_size < new_size:
            raise LogError(f"no consistency proof from size {old_size} to size {new_size}")
        return self._prover.consistency_proof(old_size, new_size)
