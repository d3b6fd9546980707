"""The archive: blobs, the log of records, and the views derived from them."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from erfurt.archive.blobs import BlobRef, BlobStore
from erfurt.archive.citations import CitationsView
from erfurt.archive.keys import (
    archive_verifier,
    create_signing_key,
    find_signing_key,
    refuse_published_key,
)
from erfurt.archive.paths import ArchivePaths
from erfurt.archive.records import Record
from erfurt.archive.views import (
    DamagedViewsError,
    View,
    ViewStore,
    connect_readonly,
    is_damage,
    move_aside_if_damaged,
)
from erfurt.config import ArchiveConfig
from erfurt.errors import ConfigError, InputError, IntegrityError, VerificationError
from erfurt.log import (
    EMPTY_ROOT,
    Checkpoint,
    Hash,
    LogError,
    LogLockedError,
    LogReader,
    LogWriter,
    Signer,
    Verifier,
    format_proof,
    open_checkpoint,
    split_note,
    verify_consistency,
    verify_proof,
)

__all__ = ["CATCH_UP_CHUNK", "Archive", "Clock", "Consistency"]

_logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
CATCH_UP_CHUNK = 2_000
"""Records applied to the views per transaction when they catch up with the log."""
_ORIGIN = re.compile(r"[^\s+\u2014]+")  # tlog-checkpoint: no spaces, and a note key name


@dataclass(frozen=True, slots=True)
class Consistency:
    """A verified proof that the log at ``new`` extends the log at ``old``."""

    old: Checkpoint
    new: Checkpoint
    proof: tuple[Hash, ...]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def log_errors(what: str) -> Iterator[None]:
    """Turn the log library's errors into archive errors, naming what was being done."""
    try:
        yield
    except LogLockedError as exc:
        raise ConfigError(
            f"{what}: another erfurt process is writing to this archive and did not finish in time",
            "run the command again later, or raise lock_wait in erfurt.toml",
        ) from exc
    except LogError as exc:
        raise IntegrityError(
            f"{what}: {exc}",
            "restore the named file from a backup or a mirror of the published log; "
            "`erfurt log check` checks everything",
        ) from exc


class Archive:
    """An archive folder: use :meth:`init` to create one and :meth:`open` to use it.

    Each append takes the log's single-writer lock, waiting its turn (up to the
    ``lock_wait`` setting) behind other processes, and releases it once the batch is
    durable; so a long run of batches (``add``, an import, a re-extraction) lets a short
    write (a declaration, a call) in between two of its batches. Reading needs no lock.
    Views are brought up to date in chunks of :data:`CATCH_UP_CHUNK` records, each its
    own transaction, so a replay does not shut other writers out of the views either.
    """

    def __init__(
        self,
        paths: ArchivePaths,
        config: ArchiveConfig,
        signer: Signer | None,
        views: Sequence[View],
        clock: Clock,
    ) -> None:
        self.paths = paths
        self.config = config
        self._signer = signer
        self._verifier = archive_verifier(config, signer)
        self._clock = clock
        self._blobs = BlobStore(paths)
        self._reader = LogReader(paths.log)
        self._send_appends: Callable[[Sequence[Record]], list[int]] | None = None
        self.views: tuple[View, ...] = (CitationsView(), *views)
        self._view_store: ViewStore | None = None
        self._checkpoint = self._read_checkpoint()

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def init(
        cls,
        path: Path,
        *,
        origin: str | None = None,
        who: str,
        views: Sequence[View] = (),
        clock: Clock = _utc_now,
        key_file: Path | None = None,
    ) -> Archive:
        """Create a new archive at ``path`` and log its ``archive.created`` record.

        The origin defaults to ``erfurt.local/<folder name>``. The signing key is written
        to ``key_file`` (outside the archive, as in production) or else inside it, at
        ``private/log.key``; its verifier key is pinned in ``erfurt.toml``. Raises
        :class:`ConfigError` if ``path`` already holds an archive or is a non-empty
        folder, the origin is not a valid checkpoint origin, or ``key_file`` exists or
        lies in the published ``log/`` folder.
        """
        paths = ArchivePaths(path)
        if paths.config.exists():
            raise ConfigError(f"{path} is already an Erfurt archive", "open it instead")
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise ConfigError(
                f"{path} exists and is not an empty folder", "choose a new folder for the archive"
            )
        origin = origin or f"erfurt.local/{path.resolve().name or 'archive'}"
        if not _ORIGIN.fullmatch(origin):
            raise ConfigError(
                f"origin {origin!r} is not a valid checkpoint origin",
                "use a schema-less URL with no spaces or '+', such as example.org/archive",
            )
        refuse_published_key(paths, key_file)
        path.mkdir(parents=True, exist_ok=True)
        signer = create_signing_key(key_file or paths.signing_key, origin)
        with log_errors("creating the log"):
            LogWriter.open(paths.log, signer, origin, state=paths.log_state).close()
        config = ArchiveConfig(origin=origin, vkey=signer.verifier.vkey)
        paths.config.write_text(config.to_toml(), encoding="utf-8")
        archive = cls.open(path, views=views, clock=clock, key_file=key_file)
        created = {"origin": origin, "time": archive.now(), "who": who}
        archive.append([Record("archive.created", created)])
        return archive

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        views: Sequence[View] = (),
        clock: Clock = _utc_now,
        catch_up: bool = True,
        key_file: Path | None = None,
    ) -> Archive:
        """Open the archive at ``path`` and bring the given views up to date with its log.

        The signing key is read from ``key_file``, else from ``private/log.key`` when it
        is there; without one the archive can be read and verified (with the key pinned
        in ``erfurt.toml``) but not appended to. With ``catch_up=False`` the views
        database is not touched until a view is used (so a damaged one does not stop a
        check or a rebuild). Raises :class:`ConfigError` if ``path`` is not an archive
        or the key is not its key, and :class:`IntegrityError` if its checkpoint does
        not verify or its views database is damaged.
        """
        paths = ArchivePaths(path)
        if not paths.config.is_file():
            raise ConfigError(
                f"{path} is not an Erfurt archive (no erfurt.toml)",
                "create one with `erfurt init`, or pass --archive PATH",
            )
        config = ArchiveConfig.load(paths.config)
        signer = find_signing_key(paths, key_file)
        archive = cls(paths, config, signer, views, clock)
        if catch_up:
            archive.catch_up()
        return archive

    def close(self) -> None:
        """Close the views database."""
        self._close_views()

    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- the log -------------------------------------------------------------------------

    @property
    def verifier(self) -> Verifier:
        """The key that verifies this archive's checkpoints."""
        return self._verifier

    @property
    def vkey(self) -> str:
        """The verifier key, in signed-note ``name+keyid+key`` form."""
        return self.verifier.vkey

    @property
    def checkpoint(self) -> Checkpoint:
        """The latest verified checkpoint."""
        return self._checkpoint

    @property
    def size(self) -> int:
        """How many records the log holds."""
        return self._checkpoint.tree_size

    def checkpoint_note(self) -> bytes:
        """The latest signed checkpoint, as published in ``log/checkpoint``."""
        with log_errors("reading the checkpoint"):
            return self._reader.checkpoint_note()

    def _read_checkpoint(self) -> Checkpoint:
        with log_errors(f"reading {self.paths.log / 'checkpoint'}"):
            checkpoint = self._reader.checkpoint(self.verifier)
        if checkpoint.origin != self.config.origin:
            raise IntegrityError(
                f"the checkpoint's origin {checkpoint.origin!r} is not this archive's "
                f"({self.config.origin!r})",
                "the log folder belongs to another archive; restore this one's from a backup",
            )
        return checkpoint

    def now(self) -> str:
        """The archive's clock: RFC 3339 UTC, to the second."""
        return self._clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def append(self, records: Sequence[Record]) -> list[int]:
        """Append records to the log as one durable batch and apply them to the views.

        Returns their indexes. When it returns the records are fsync'd and covered by a
        signed checkpoint. Waits its turn for the log's lock (up to ``lock_wait`` seconds;
        a warning says so). Raises :class:`InputError` for a record that cannot be encoded
        (nothing is appended then), :class:`ConfigError` if the wait is over.
        """
        if not records:
            return []
        if self._send_appends is not None:
            indexes = self._send_appends(records)
            self.refresh()
            return indexes
        entries = [record.to_bytes() for record in records]
        with self._log_writer("appending to the log") as writer:
            first = writer.append(entries)
        self._checkpoint = self._read_checkpoint()
        # Other processes may have appended since the views were last brought up to date.
        self._catch_up_to(first)
        indexes = list(range(first, first + len(records)))
        self._views.apply(zip(indexes, records, strict=True), self._blobs, end=indexes[-1] + 1)
        return indexes

    @contextmanager
    def _log_writer(self, doing: str) -> Iterator[LogWriter]:
        """The log's writer, for one batch: waits its turn for the lock (``lock_wait``)."""
        if self._signer is None:
            raise ConfigError(
                f"{self.paths.root}: this archive's signing key is not here, so nothing can be "
                "appended or signed",
                "pass --key-file (or set ERFURT_KEY_FILE) to the key made by `erfurt init`",
            )
        with (
            log_errors(doing),
            LogWriter.open(
                self.paths.log,
                self._signer,
                self.config.origin,
                state=self.paths.log_state,
                wait=self.config.lock_wait,
                on_wait=self._say_waiting,
            ) as writer,
        ):
            yield writer

    def _say_waiting(self) -> None:
        _logger.warning(
            "another erfurt process is writing to this archive: waiting for its batch to "
            "end (up to %d s, the lock_wait setting)",
            self.config.lock_wait,
        )

    def send_appends_to(self, submit: Callable[[Sequence[Record]], list[int]]) -> None:
        """From now on, hand every :meth:`append` to ``submit`` (a write queue) and wait.

        ``submit`` must return the indexes once the records are durable and applied to
        the views; this archive then re-reads the checkpoint, so the records can be read
        and proved at once.
        """
        self._send_appends = submit

    def refresh(self) -> None:
        """Re-read the checkpoint, to see records other writers appended since."""
        self._checkpoint = self._read_checkpoint()

    def entry(self, index: int) -> bytes:
        """The exact bytes of record ``index`` as the log holds them.

        Read only once its entry bundle hashes to the signed checkpoint: raises
        :class:`IntegrityError` naming the altered file otherwise.
        """
        if not 0 <= index < self.size:
            raise InputError(
                f"there is no record {index}: the log holds records 0 to {self.size - 1}"
            )
        with log_errors(f"reading record {index}"):
            return self._reader.verified_entry(index, self._checkpoint)

    def record(self, index: int) -> Record:
        """Record ``index``, decoded."""
        return Record.from_bytes(self.entry(index), source=f"record {index}")

    def records(
        self, start: int = 0, *, kinds: Iterable[str] | None = None, stop: int | None = None
    ) -> Iterator[tuple[int, Record]]:
        """Records from ``start`` (and before ``stop``) in log order, optionally of some kinds.

        Each bundle of 256 is verified against the signed checkpoint before any of its
        records is yielded; raises :class:`IntegrityError` naming the altered file.
        """
        wanted = frozenset(kinds) if kinds is not None else None
        stop = self.size if stop is None else min(stop, self.size)
        with log_errors("reading records"):
            entries = self._reader.verified_entries(start, stop, self._checkpoint)
            for index, data in enumerate(entries, start):
                record = Record.from_bytes(data, source=f"record {index}")
                if wanted is None or record.kind in wanted:
                    yield index, record

    def prove(self, index: int) -> bytes:
        """A ``c2sp.org/tlog-proof@v1`` receipt for record ``index``.

        Its ``extra`` line carries the record itself, so the receipt verifies alone. Of
        the checkpoints that cover the record (the current one, and those kept with
        witness cosignatures or timestamps), it uses the one with the most signatures
        besides the log's own, the smallest of those (the earliest time). It is verified
        before it is returned: raises :class:`IntegrityError` if it fails.
        """
        entry = self.entry(index)
        with log_errors(f"proving record {index}"):
            size, note = self._best_checkpoint_for(index)
            proof = self._reader.inclusion_proof(index, size)
            receipt = format_proof(index, proof, note, extra=entry)
            verify_proof(receipt, entry, self.verifier)  # never hand out one that fails
        return receipt

    def _best_checkpoint_for(self, index: int) -> tuple[int, bytes]:
        current = self.checkpoint_note()
        best = (_signature_count(current), -self.size, current)
        for size in self._reader.kept_checkpoint_sizes():
            note = self._reader.kept_checkpoint_note(size)
            if note is None or not index < size <= self.size:
                continue
            candidate = (_signature_count(note), -size, note)
            if candidate[:2] > best[:2]:
                best = candidate
        return -best[1], best[2]

    def prove_consistency(self, old_note: bytes, *, source: str = "old checkpoint") -> Consistency:
        """Prove that the current log extends an older checkpoint someone kept.

        Raises :class:`VerificationError` naming ``source`` if the old checkpoint is not
        signed by this log's key, or the current log does not extend it.
        """
        try:
            old = open_checkpoint(old_note, self.verifier, self.config.origin)
            if old.tree_size > self.size:
                raise VerificationError(
                    f"{source} is for {old.tree_size} records but this log holds {self.size}",
                    "the log may have been rolled back: compare with the published log",
                )
            if old.tree_size == 0:
                # Every log extends the empty one; RFC 9162 defines no proof for it.
                if old.root_hash != EMPTY_ROOT:
                    raise VerificationError(f"{source}: size 0 but not the empty tree's root")
                return Consistency(old, self.checkpoint, ())
            proof = self._reader.consistency_proof(old.tree_size, self.size)
            verify_consistency(old, self.checkpoint, proof)
        except LogError as exc:
            raise VerificationError(f"{source}: {exc}") from exc
        return Consistency(old, self.checkpoint, tuple(proof))

    def consistency_proof(self, old_size: int, new_size: int) -> list[Hash]:
        """The RFC 6962 consistency proof between two sizes of this log, from its tiles."""
        with log_errors(f"proving consistency from size {old_size} to {new_size}"):
            return self._reader.consistency_proof(old_size, new_size)

    def add_checkpoint_signatures(self, note: bytes, lines: Sequence[str]) -> bool:
        """Add verified signature lines (witness cosignatures, timestamps) to checkpoint ``note``.

        ``note`` is a checkpoint this log signed; its copy with the lines is kept in
        ``log/checkpoints/<size>`` for receipts. Returns whether it was still the current
        checkpoint (then ``log/checkpoint`` carries the lines too).
        """
        with self._log_writer("adding signatures to a checkpoint") as writer:
            return writer.add_signatures(note, lines)

    # -- blobs ---------------------------------------------------------------------------

    def put_file(self, path: Path) -> BlobRef:
        """Preserve a file's bytes; refused (by :class:`InputError`) over ``max_file_size``."""
        return self._blobs.put_file(path, limit=self.config.max_file_size)

    def put_stream(self, stream: BinaryIO) -> BlobRef:
        """Preserve the bytes read from ``stream``, within ``max_file_size``."""
        return self._blobs.put_stream(stream, limit=self.config.max_file_size)

    def put_bytes(self, data: bytes) -> BlobRef:
        """Preserve ``data`` (derived texts and the like)."""
        return self._blobs.put_bytes(data)

    def has_blob(self, sha256: str) -> bool:
        """Whether the blob is stored."""
        return self._blobs.has(sha256)

    def blob_path(self, sha256: str) -> Path:
        """The file holding a blob (read it, never write it)."""
        return self._blobs.path(sha256)

    def read_blob(self, sha256: str) -> bytes:
        """A blob's bytes, checked against its digest."""
        return self._blobs.read_blob(sha256)

    def check_blob(self, sha256: str) -> None:
        """Re-hash a blob; raises :class:`IntegrityError` if it is missing or altered."""
        self._blobs.check(sha256)

    # -- views ---------------------------------------------------------------------------

    @property
    def _views(self) -> ViewStore:
        if self._view_store is None:
            self._view_store = ViewStore(
                self.paths.views_db, self.views, wait=self.config.lock_wait
            )
        return self._view_store

    def _close_views(self) -> None:
        if self._view_store is not None:
            self._view_store.close()
            self._view_store = None

    def view_digests(self) -> dict[str, str]:
        """For each view, a digest of its tables (see :meth:`ViewStore.digests`)."""
        return self._views.digests()

    def catch_up(
        self, *, rebuild: bool = False, on_record: Callable[[int], None] | None = None
    ) -> None:
        """Bring every view up to date with the log (replaying all of them to rebuild).

        ``on_record`` is told each record's index as it is read (for progress).

        Raises :class:`IntegrityError` if a view has applied records the checkpoint does
        not cover: the checkpoint was rolled back to an older one (or the views database
        belongs to another archive).
        """
        self._views.prepare(rebuild=rebuild)
        positions = self._views.positions()
        if (ahead := max(positions.values(), default=0)) > self.size:
            # Another process may have appended since we read the checkpoint; a newer
            # checkpoint read after the positions covers everything they applied.
            self._checkpoint = self._read_checkpoint()
        if ahead > self.size:
            raise IntegrityError(
                f"{self.paths.log / 'checkpoint'} covers {self.size} records but the views "
                f"have applied {ahead}: the checkpoint was replaced by an older one (rolled "
                "back), or the views database belongs to another archive",
                "compare log/checkpoint with the one you published or kept; if it is right, "
                "run `erfurt rebuild`",
            )
        self._catch_up_to(self.size, on_record)

    def _catch_up_to(self, end: int, on_record: Callable[[int], None] | None = None) -> None:
        """Apply the records before ``end`` that some view lacks, a chunk at a time."""
        start = min(self._views.positions().values(), default=end)
        if start < end:
            _logger.info("applying records %d to %d to the views", start, end - 1)
        while start < end:
            stop = min(start + CATCH_UP_CHUNK, end)
            records = self.records(start, stop=stop)
            if on_record is not None:
                records = _told(records, on_record)
            self._views.apply(records, self._blobs, end=stop)
            start = stop

    def rebuild(self, *, on_record: Callable[[int], None] | None = None) -> Path | None:
        """Throw every view away and replay the whole log into fresh ones.

        A damaged views database is moved aside (to ``views.sqlite.damaged-N``), not
        deleted: returns where it went, or None when it was readable. ``on_record`` is
        told each record's index as it is replayed (for progress).
        """
        self._close_views()
        damaged = move_aside_if_damaged(self.paths.views_db)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.paths.views_db}{suffix}").unlink(missing_ok=True)
        self.catch_up(rebuild=True, on_record=on_record)
        return damaged

    def custody(self, index: int) -> list[tuple[int, Record]]:
        """Every record that cites a blob record ``index`` cites, in log order.

        For a document this is its custody chain: when it was added, each time it was
        seen again, and everything derived from it.
        """
        blobs = list(self.record(index).blobs().values())
        if not blobs:
            return [(index, self.record(index))]
        marks = ",".join("?" * len(blobs))
        with self.read_views() as db:
            rows = db.execute(
                f"SELECT DISTINCT record FROM citations WHERE blob IN ({marks}) ORDER BY record",
                blobs,
            ).fetchall()
        return [(int(row[0]), self.record(int(row[0]))) for row in rows]

    @contextmanager
    def read_views(self) -> Iterator[sqlite3.Connection]:
        """A read-only connection to the views database."""
        db = connect_readonly(self.paths.views_db)
        try:
            yield db
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            raise DamagedViewsError(self.paths.views_db, exc) from exc
        finally:
            db.close()


def _told(
    records: Iterator[tuple[int, Record]], on_record: Callable[[int], None]
) -> Iterator[tuple[int, Record]]:
    for index, record in records:
        on_record(index)
        yield index, record


def _signature_count(note: bytes) -> int:
    return len(split_note(note)[1])
