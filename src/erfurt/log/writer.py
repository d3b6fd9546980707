"""The log writer: batched, durable appends under an exclusive lock.

Layout of a log directory (everything but ``.state/`` is the published static log)::

    checkpoint                   signed note (tlog-checkpoint), the state of record
    tile/<L>/<N>[.p/<W>]         hash tiles
    tile/entries/<N>[.p/<W>]     entry bundles
    .state/                      private writer state: never publish it
        lock                     fcntl lock held by the one writer
        queue                    fcntl lock held by the writer next in line (see below)
        pending                  the files an append is writing (see recovery below)
        tmp/                     temp files, renamed into place once fsync'd

One append, in three fsync rounds (each round's fsyncs run in parallel):

1. Hash the entries and build the new tiles and bundles in memory (the writer keeps only
   the right edge: at most 255 hashes per level and the partial bundle). Write each file
   to a temp file, and rewrite ``.state/pending`` in place: the new size, every path about
   to be created, and a SHA-256 checksum of the list. Fsync them all.
2. Rename the temp files into place. Build a consistency proof from the old checkpoint to
   the new tree *from the files now on disk* and verify it: a checkpoint inconsistent with
   the previous one is never signed. Sign the new checkpoint into a temp file; fsync it
   together with the directories the renames changed.
3. Rename it over ``checkpoint`` and fsync the log directory. Only then does ``append``
   return: the entries are acknowledged. Partial tiles superseded by a full tile are then
   removed (tlog-tiles allows it; readers fall back to the full tile).

Waiting for the lock: ``open(..., wait=SECONDS)`` waits that long for another writer to
finish instead of failing at once. A waiter first takes ``.state/queue``, then polls
``lock``; every opener, the one that just closed included, goes through ``queue`` too,
so a writer that closes and reopens between batches cannot overtake one already waiting:
a short write gets in at the next close.

Recovery rule (on every open): the last signed ``checkpoint`` is the state of record.
An append that did not finish step 3 was never acknowledged, and the files it created
were never covered by a checkpoint, so nobody can have verified them. If
``.state/pending`` is whole (its checksum matches) and names a size larger than the
checkpoint's, every path it lists is deleted. A torn list means the crash came before
step 1 finished, so nothing had been renamed yet; a list for the checkpoint's own size
is the last finished append. Temp files are deleted. Then the right edge (the partial
tiles and the partial bundle of the checkpoint's size) is read back and must hash to the
signed root; anything else is a :class:`CorruptLogError`. Files for the checkpoint's size
are never rewritten or deleted, so acknowledged entries survive a crash at any point.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import TracebackType

from .checkpoint import Checkpoint, open_checkpoint
from .cosignature import add_signature_lines
from .durable import DurableWriter
from .edge import RightEdge
from .errors import CorruptLogError, LogError, LogLockedError
from .merkle import EMPTY_ROOT, leaf_hash
from .note import Signer, sign_note, split_note
from .prover import TileProver
from .reader import CHECKPOINT, kept_checkpoint_path, read_bundle
from .tiles import MAX_ENTRY, FileTileStore, bundle_path, encode_bundle, tile_path
from .verify import verify_consistency

__all__ = ["LogWriter"]

_log = logging.getLogger(__name__)

STATE = ".state"
_POLL_S = 0.05  # how often a waiting writer tries the lock again
_TILE_FILE = re.compile(r"tile/(entries|[0-9]+)(/x[0-9]{3})*/[0-9]{3}(\.p/[0-9]+)?")


def _pending_list(size: int, paths: Iterable[str]) -> bytes:
    """The pending list: the new size, the paths, and a checksum that shows it is whole."""
    body = "".join(f"{line}\n" for line in [str(size), *paths]).encode()
    return body + b"sha256 " + hashlib.sha256(body).hexdigest().encode() + b"\n"


def _undo_unfinished_append(directory: Path, state: Path, tree_size: int) -> None:
    """Delete the files of an append that did not publish its checkpoint.

    The pending list is fsync'd before any file is renamed into place, so a list that is
    torn (bad checksum) means nothing was renamed yet; a whole list for a size the
    checkpoint does not reach names files no checkpoint covers.
    """
    pending = state / "pending"
    if not pending.exists():
        # Create it once, durably, so that appends only ever rewrite it in place.
        writer = DurableWriter(directory, state / "tmp")
        writer.put(pending, b"")
        writer.fsync([pending, pending.parent])
        return
    data = pending.read_bytes()
    body, _, tail = data.rstrip(b"\n").rpartition(b"\n")
    body += b"\n"
    if tail != b"sha256 " + hashlib.sha256(body).hexdigest().encode():
        return
    lines = body.decode("utf-8").splitlines()
    if int(lines[0]) <= tree_size:
        return
    _log.warning("removing %d files of an unfinished append", len(lines) - 1)
    dirs = set()
    for rel in lines[1:]:
        if not _TILE_FILE.fullmatch(rel):
            raise CorruptLogError(f"{pending}: {rel!r} is not a tile or bundle path")
        (directory / rel).unlink(missing_ok=True)
        dirs.add((directory / rel).parent)
    writer = DurableWriter(directory, state / "tmp")
    writer.fsync(d for d in dirs if d.exists())
    pending.write_bytes(b"")  # the list is done with; keep the (durable) directory entry


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _lock_in_turn(state: Path, wait: float, on_wait: Callable[[], None] | None) -> int:
    """Take the writer lock, waiting up to ``wait`` seconds behind the ``queue`` lock.

    Returns the locked file descriptor. Raises LogLockedError when the wait is over.
    """
    deadline = time.monotonic() + wait
    queue_fd = os.open(state / "queue", os.O_RDWR | os.O_CREAT, 0o600)
    lock_fd = os.open(state / "lock", os.O_RDWR | os.O_CREAT, 0o600)
    announced = False
    try:
        for fd in (queue_fd, lock_fd):
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise LogLockedError(
                        f"{state / 'lock'}: another writer has this log open"
                        + (f" (waited {wait:g} s)" if wait > 0 else "")
                        + "; close it first"
                    )
                if not announced and on_wait is not None:
                    on_wait()
                announced = True
                time.sleep(_POLL_S)
    except BaseException:
        os.close(lock_fd)
        raise
    finally:
        os.close(queue_fd)  # closing releases the queue lock: the next in line may go on
    return lock_fd


class LogWriter:
    """The one writer of a log directory. Use :meth:`open`; it is a context manager."""

    def __init__(
        self,
        directory: Path,
        state: Path,
        signer: Signer,
        lock_fd: int,
        checkpoint: Checkpoint,
        note: bytes,
    ) -> None:
        self.directory = directory
        self._signer = signer
        self._lock_fd: int | None = lock_fd
        self._pending = state / "pending"
        self._files = DurableWriter(directory, state / "tmp")
        self._store = FileTileStore(directory)
        self._checkpoint = checkpoint
        self._note = note
        self._failed = False
        self._edge = RightEdge.load(checkpoint.tree_size, TileProver(self._store).tile)
        if self._edge.root() != checkpoint.root_hash:
            raise CorruptLogError(
                f"tile/: the partial tiles for size {checkpoint.tree_size} do not hash to the "
                "checkpoint's root hash"
            )
        self._bundle = self._load_bundle()

    @classmethod
    def open(
        cls,
        directory: Path,
        signer: Signer,
        origin: str | None = None,
        *,
        state: Path | None = None,
        wait: float = 0.0,
        on_wait: Callable[[], None] | None = None,
    ) -> LogWriter:
        """Open (or create, if it has no checkpoint) the log in ``directory`` for appending.

        ``state`` is the writer's private folder (lock, pending list, temp files; on the
        same filesystem as ``directory``); it defaults to ``directory/.state``. Put it
        outside ``directory`` to publish ``directory`` exactly as it is.

        If another writer has the log open, wait up to ``wait`` seconds for it, in turn
        with other waiters; ``on_wait`` is called once when the waiting starts (to tell
        the user). Hold a writer only while appending, and close it between batches, so
        that others get their turn.

        Creating a log needs ``origin``, which must equal the signer's key name. Raises
        LogLockedError if another writer still holds the lock after ``wait`` seconds,
        SignatureError if the checkpoint is not signed by ``signer``, CorruptLogError if
        recovery finds damage.
        """
        directory = Path(directory)
        state = Path(state) if state is not None else directory / STATE
        (state / "tmp").mkdir(parents=True, exist_ok=True)
        lock_fd = _lock_in_turn(state, wait, on_wait)
        try:
            checkpoint, note = cls._recover(directory, state, signer, origin)
            return cls(directory, state, signer, lock_fd, checkpoint, note)
        except BaseException:
            os.close(lock_fd)
            raise

    @staticmethod
    def _recover(
        directory: Path, state: Path, signer: Signer, origin: str | None
    ) -> tuple[Checkpoint, bytes]:
        for tmp in (state / "tmp").iterdir():
            tmp.unlink()
        path = directory / CHECKPOINT
        if not path.exists():
            if origin is None:
                raise LogError(f"{directory}: no log here (no checkpoint); give an origin")
            if (directory / "tile").exists():
                raise CorruptLogError(f"{CHECKPOINT}: missing, but {directory}/tile exists")
            if signer.name != origin:
                raise LogError(f"origin {origin!r} must equal the signing key's name")
            checkpoint = Checkpoint(origin, 0, EMPTY_ROOT)
            note = sign_note(checkpoint.to_text(), [signer])
            creator = DurableWriter(directory, state / "tmp")
            creator.write({CHECKPOINT: note})
            _log.info("created log %s in %s", origin, directory)
            _undo_unfinished_append(directory, state, 0)
            return checkpoint, note
        note = path.read_bytes()
        try:
            checkpoint = open_checkpoint(note, signer.verifier)
        except LogError as exc:
            raise type(exc)(f"{CHECKPOINT}: {exc}") from exc
        if origin is not None and checkpoint.origin != origin:
            raise LogError(f"{CHECKPOINT}: origin {checkpoint.origin!r}, expected {origin!r}")
        _undo_unfinished_append(directory, state, checkpoint.tree_size)
        return checkpoint, note

    def _load_bundle(self) -> list[bytes]:
        size = self._edge.size
        width = size & 0xFF
        if not width:
            return []
        entries = read_bundle(self._store, size >> 8, width)
        if [leaf_hash(e) for e in entries] != self._edge.levels[0]:
            raise CorruptLogError(
                f"{bundle_path(size >> 8, width)}: entries do not match tile {size >> 8} of level 0"
            )
        return entries

    @property
    def tree_size(self) -> int:
        """The number of entries in the log (as of its current checkpoint)."""
        return self._checkpoint.tree_size

    @property
    def checkpoint(self) -> bytes:
        """The current signed checkpoint note."""
        return self._note

    def append(self, entries: Sequence[bytes]) -> int:
        """Append ``entries`` durably and sign a checkpoint covering them.

        Returns the index of the first entry. Raises LogError before writing anything if an
        entry is not bytes or is longer than 65,535 bytes. If writing fails midway the
        writer refuses further appends; reopen the log to recover.
        """
        if self._lock_fd is None or self._failed:
            raise LogError("this log writer is closed or failed; reopen the log")
        for i, entry in enumerate(entries):
            if not isinstance(entry, bytes):
                raise LogError(f"entry {i} of the batch is {type(entry).__name__}, not bytes")
            if len(entry) > MAX_ENTRY:
                raise LogError(
                    f"entry {i} of the batch is {len(entry)} bytes; the limit is {MAX_ENTRY}"
                )
        first = self.tree_size
        if not entries:
            return first
        self._failed = True
        files, full_tiles = self._build(entries)
        new = Checkpoint(self._checkpoint.origin, self._edge.size, self._edge.root())
        # 1. Temp files and the pending list, fsync'd together: nothing is renamed before
        #    the pending list is durable, so recovery always knows what to remove.
        staged = self._files.stage(files)
        self._files.put(self._pending, _pending_list(new.tree_size, files))
        self._files.fsync([self._pending, *(tmp for tmp, _ in staged)])
        # 2. Publish the files; prove from them that the new tree extends the old one.
        dirs = self._files.rename(staged)
        self._check_consistency(new)
        # 3. Sign; the new checkpoint replaces the old once the directories are durable.
        note = sign_note(new.to_text(), [self._signer])
        checkpoint_tmp = self._files.temp()
        self._files.put(checkpoint_tmp, note)
        self._files.fsync([*dirs, checkpoint_tmp])
        os.replace(checkpoint_tmp, self.directory / CHECKPOINT)
        self._files.fsync([self.directory])
        self._checkpoint, self._note = new, note
        for path in full_tiles:
            shutil.rmtree(self.directory / f"{path}.p", ignore_errors=True)
        self._failed = False
        return first

    def add_signatures(self, note: bytes, lines: Sequence[str]) -> bool:
        """Add signature lines (witness cosignatures, timestamps) to a checkpoint of this log.

        ``note`` is a checkpoint this log signed, the current one or an older one; the
        lines, which the caller has verified, are added to its copy kept in
        ``checkpoints/<size>`` (so receipts can be made against it later) and, if it is
        still the current checkpoint, to ``checkpoint`` too. Returns whether the current
        checkpoint was updated. Raises LogError if ``note`` is not a checkpoint of this log.
        """
        if self._lock_fd is None or self._failed:
            raise LogError("this log writer is closed or failed; reopen the log")
        checkpoint = open_checkpoint(note, self._signer.verifier)
        size = checkpoint.tree_size
        if size == 0 or size > self.tree_size:
            raise LogError(
                f"checkpoint of size {size} is not one of this log's (size {self.tree_size})"
            )
        if TileProver(self._store, cache_tiles=64).root(size) != checkpoint.root_hash:
            raise LogError(f"checkpoint of size {size} does not match this log's tiles")
        kept = kept_checkpoint_path(size)
        current = split_note(self._note)[0] == checkpoint.to_text()
        base = self._note if current else (self._store.read(kept) or note)
        updated = add_signature_lines(base, lines)
        files = {kept: updated}
        if current:
            files[CHECKPOINT] = updated
        self._files.write(files)
        if current:
            self._note = updated
        return current

    def _build(self, entries: Sequence[bytes]) -> tuple[dict[str, bytes], list[str]]:
        """Advance the edge; return the files to write and the full tiles completed."""
        old_partials = {(lvl, idx, len(h)) for lvl, idx, h in self._edge.partial_tiles()}
        files: dict[str, bytes] = {}
        full: list[str] = []
        bundle = self._bundle
        pos = 0
        for level, index, hashes in self._edge.add([leaf_hash(e) for e in entries]):
            if level == 0:
                take = 256 - len(bundle)
                bundle.extend(entries[pos : pos + take])
                pos += take
                files[bundle_path(index)] = encode_bundle(bundle)
                full.append(bundle_path(index))
                bundle = []
            files[tile_path(level, index)] = b"".join(hashes)
            full.append(tile_path(level, index))
        bundle.extend(entries[pos:])
        self._bundle = bundle
        for level, index, hashes in self._edge.partial_tiles():
            if (level, index, len(hashes)) in old_partials:
                continue
            files[tile_path(level, index, len(hashes))] = b"".join(hashes)
            if level == 0:
                files[bundle_path(index, len(hashes))] = encode_bundle(bundle)
        return files, full

    def _check_consistency(self, new: Checkpoint) -> None:
        """Refuse to sign ``new`` unless the tiles on disk prove it extends the old one."""
        old = self._checkpoint
        prover = TileProver(self._store, cache_tiles=64)
        if prover.root(new.tree_size) != new.root_hash:
            raise CorruptLogError("tile/: the tiles just written do not hash to the new root")
        if old.tree_size > 0:  # every tree extends the empty tree
            verify_consistency(old, new, prover.consistency_proof(old.tree_size, new.tree_size))

    def close(self) -> None:
        """Release the lock. The log stays as the last append left it."""
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> LogWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
