"""Reading a log directory: checkpoint, entries, leaf hashes and proofs from its tiles.

The reader takes no lock and only reads files, so it is safe while a writer appends: every
file it reads for a given tree size is immutable (partial files are named by width, and a
missing partial file falls back to the full tile that superseded it).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

from .checkpoint import Checkpoint, open_checkpoint
from .errors import CorruptLogError, LogError
from .merkle import Hash
from .note import Verifier
from .prover import TileProver
from .tiles import FileTileStore, TileStore, read_bundle, read_bundle_file, tile_width
from .verified import verified_bundle

__all__ = [
    "CHECKPOINT",
    "KEPT_CHECKPOINTS",
    "LogReader",
    "kept_checkpoint_path",
    "read_bundle",
    "read_bundle_file",
]

CHECKPOINT = "checkpoint"
KEPT_CHECKPOINTS = "checkpoints"
"""Folder of checkpoints kept with the signatures added to them (cosignatures, timestamps)."""


def kept_checkpoint_path(size: int) -> str:
    """Where the kept copy of the checkpoint of ``size`` lives, relative to the log."""
    return f"{KEPT_CHECKPOINTS}/{size}"


_VERIFIED_BUNDLES = 8


class LogReader:
    """Reads a log directory written by :class:`LogWriter` (or any tlog-tiles log).

    With ``store``, the log's files are read from it (an object store, say) instead of
    ``directory`` (the store's ``str()`` names the log in messages).
    """

    def __init__(
        self, directory: Path, cache_tiles: int = 1024, *, store: TileStore | None = None
    ) -> None:
        self.directory = Path(directory)
        self._store = store or FileTileStore(self.directory)
        self._prover = TileProver(self._store, cache_tiles)
        # The last few verified bundles, by (bundle, tree size, root): what they hold is
        # what the signed tree holds, so serving them again needs no new check.
        self._verified: OrderedDict[tuple[int, int, bytes], list[bytes]] = OrderedDict()

    def checkpoint_note(self) -> bytes:
        """The raw signed checkpoint note; raises CorruptLogError if there is none."""
        data = self._store.read(CHECKPOINT)
        if data is None:
            raise CorruptLogError(f"{CHECKPOINT}: missing in {self._store}")
        return data

    def checkpoint(self, verifier: Verifier) -> Checkpoint:
        """The current checkpoint, verified with ``verifier``; raises SignatureError etc."""
        return open_checkpoint(self.checkpoint_note(), verifier)

    def kept_checkpoint_sizes(self) -> list[int]:
        """Sizes of the checkpoints kept in ``checkpoints/`` with signatures added to them."""
        try:
            names = os.listdir(self.directory / KEPT_CHECKPOINTS)
        except FileNotFoundError:
            return []
        return sorted(
            int(n) for n in names if n.isascii() and n.isdigit() and not n.startswith("0")
        )

    def kept_checkpoint_note(self, size: int) -> bytes | None:
        """The kept checkpoint of ``size`` (unverified: open it with the log's key), if any."""
        return self._store.read(kept_checkpoint_path(size))

    @staticmethod
    def _check_index(index: int, tree_size: int) -> None:
        if not 0 <= index < tree_size:
            raise LogError(f"entry {index} is not in a tree of size {tree_size}")

    def entry(self, index: int, tree_size: int) -> bytes:
        """The entry at ``index`` in the tree of ``tree_size``, as stored (not verified).

        Use :meth:`verified_entry` for anything shown, proved or trusted.
        """
        self._check_index(index, tree_size)
        bundle = index >> 8
        return read_bundle(self._store, bundle, tile_width(0, bundle, tree_size))[index & 0xFF]

    def entries(self, start: int, stop: int, tree_size: int) -> Iterator[bytes]:
        """Yield entries ``start`` up to ``stop`` (excluded) as stored, one read per 256.

        Not verified: use :meth:`verified_entries` for anything shown or trusted.
        """
        if start < 0 or stop > tree_size or start > stop:
            raise LogError(f"entries {start}..{stop} are not in a tree of size {tree_size}")
        index = start
        while index < stop:
            bundle = index >> 8
            entries = read_bundle(self._store, bundle, tile_width(0, bundle, tree_size))
            end = min(stop, (bundle + 1) << 8)
            yield from entries[index & 0xFF : end - (bundle << 8)]
            index = end

    def verified_entry(self, index: int, checkpoint: Checkpoint) -> bytes:
        """The entry at ``index``, read only once its bundle hashes to ``checkpoint``'s root.

        ``checkpoint`` must already be verified. Raises CorruptLogError naming the file
        that is wrong (see :func:`erfurt.log.verified.verified_bundle`).
        """
        self._check_index(index, checkpoint.tree_size)
        key = (index >> 8, checkpoint.tree_size, bytes(checkpoint.root_hash))
        entries = self._verified.get(key)
        if entries is None:
            entries = verified_bundle(self._store, self._prover, index >> 8, checkpoint)
            self._verified[key] = entries
            if len(self._verified) > _VERIFIED_BUNDLES:
                self._verified.popitem(last=False)
        return entries[index & 0xFF]

    def verified_entries(self, start: int, stop: int, checkpoint: Checkpoint) -> Iterator[bytes]:
        """Like :meth:`entries` in the tree of ``checkpoint``, each bundle verified first.

        No entry of a bundle is yielded before the whole bundle hashes to the root of
        ``checkpoint`` (which must already be verified); raises CorruptLogError otherwise.
        """
        size = checkpoint.tree_size
        if start < 0 or stop > size or start > stop:
            raise LogError(f"entries {start}..{stop} are not in a tree of size {size}")
        index = start
        while index < stop:
            bundle = index >> 8
            entries = verified_bundle(self._store, self._prover, bundle, checkpoint)
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
