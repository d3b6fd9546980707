"""The archive: blobs, the log of records, and the views derived from them."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from erfurt.archive.accounts import restricted_collections
from erfurt.archive.blobs import BlobReader, BlobRef, KeptFirst, StagedBlobs, open_blob_store
from erfurt.archive.citations import CitationsView
from erfurt.archive.consistency import Consistency, prove_consistency
from erfurt.archive.keys import (
    archive_verifier,
    create_signing_key,
    find_signing_key,
    refuse_published_key,
)
from erfurt.archive.logerrors import log_errors
from erfurt.archive.paths import ArchivePaths
from erfurt.archive.records import Record
from erfurt.archive.sealing import DOCUMENT_KIND, REVIEW_KIND, open_sealed, seal_records
from erfurt.archive.viewdb import ViewConnection
from erfurt.archive.views import SubjectSources, View
from erfurt.archive.viewsync import ViewSync
from erfurt.config import ArchiveConfig
from erfurt.errors import ConfigError, InputError, IntegrityError
from erfurt.log import (
    Checkpoint,
    Hash,
    LogReader,
    LogWriter,
    Signer,
    Verifier,
    format_proof,
    split_note,
    verify_proof,
)

__all__ = ["Archive", "Clock"]

_logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
_ORIGIN = re.compile(r"[^\s+\u2014]+")  # tlog-checkpoint: no spaces, and a note key name
MakeRecords = Callable[[ViewConnection], Sequence[Record]]
"""Computes the records to append from the views (read-only), under the log's lock."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


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
        self._blobs = open_blob_store(paths, config)
        self._reader = LogReader(paths.log)
        self._send_appends: Callable[[Sequence[Record]], list[int]] | None = None
        self.views: tuple[View, ...] = (CitationsView(), *views)
        # The kinds sealing must look at beyond the blobs they cite.
        self._about_blobs = {
            REVIEW_KIND,
            *(k for v in self.views if isinstance(v, SubjectSources) for k in v.subject_kinds),
        }
        self._sync = ViewSync(
            paths.views_db,
            self.views,
            self._blobs,
            wait=config.lock_wait,
            database=config.database,
        )
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
        database: str | None = None,
    ) -> Archive:
        """Open the archive at ``path`` and bring the given views up to date with its log.

        ``database`` (a ``postgresql://`` URL) overrides the ``database`` setting of
        ``erfurt.toml``: where the views are kept.

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
        if database is not None:
            config = config.with_changes(database=database)
        signer = find_signing_key(paths, key_file)
        archive = cls(paths, config, signer, views, clock)
        if catch_up:
            archive.catch_up()
        return archive

    def close(self) -> None:
        """Close the views database."""
        self._sync.close()

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

    def append(self, records: Sequence[Record], *, blobs: StagedBlobs | None = None) -> list[int]:
        """Append records to the log as one durable batch and apply them to the views.

        Returns their indexes. ``blobs`` (from :meth:`stage_blobs`), which the records
        cite, are committed first, before the lock is taken. When it returns the blobs
        and records are fsync'd and covered by a signed checkpoint. Waits its turn for
        the log's lock (up to ``lock_wait`` seconds; a warning says so). A document of a
        collection restricted at this moment is logged sealed
        (:mod:`erfurt.archive.sealing`). Raises :class:`InputError` for a
        record that cannot be encoded (nothing is appended then), :class:`ConfigError`
        if the wait is over.
        """
        kept = {} if blobs is None else blobs.commit()
        if not records:
            return []
        if self._send_appends is not None:
            logged = self._seal(records)
            for record in logged:  # a sealed record whose blob does not open is refused here
                open_sealed(record, self._blobs)
            indexes = self._send_appends(logged)
            self.refresh()
            return indexes
        for record in records:
            record.to_bytes()  # refuse a bad record before waiting for the lock
        return self._append_locked(lambda: records, KeptFirst(kept, self._blobs))

    def append_with(self, make: MakeRecords) -> list[int]:
        """Append the records ``make`` computes from up-to-date views, all under the log's lock.

        For appends that depend on what the log already holds ("log the rows not logged
        yet"): the lock is taken first, the views apply every record logged so far, and
        only then is ``make`` called with a read-only connection to them, so no other
        writer can log the same records between the check and the append. Returns the
        indexes (none when ``make`` returns no record). Raises as :meth:`append` does, and
        :class:`ConfigError` on an archive whose appends go to a write queue.
        """
        if self._send_appends is not None:
            raise ConfigError(
                "appending what the views say is missing needs the log's own lock, which "
                "this archive's write queue holds",
                "run the command from the command line rather than through `erfurt serve`",
            )

        def under_lock() -> Sequence[Record]:
            self.refresh()
            self._sync.catch_up_to(self.size, self._read_records)
            with self.query_views() as db:
                return make(db)

        return self._append_locked(under_lock)

    def _append_locked(
        self, records_of: Callable[[], Sequence[Record]], blobs: BlobReader | None = None
    ) -> list[int]:
        """Take the lock, append what ``records_of`` gives, then apply it to the views
        (reading blobs through ``blobs``, the batch's kept bytes first, if given)."""
        with log_errors("appending to the log"), self._writer() as writer:
            records = self._seal(records_of())
            if not records:
                return []
            # Opened before anything is logged: a sealed record whose blob does not open is
            # refused here, never logged to break every later read.
            opened = [open_sealed(record, self._blobs) for record in records]
            first = writer.append([record.to_bytes() for record in records])
        self._checkpoint = self._read_checkpoint()
        end = first + len(records)
        # Other processes may have appended since the views were last brought up to date,
        # or reset them (a rebuild): catch up to our first record, apply ours, fill a gap.
        self._sync.catch_up_to(first, self._read_records)
        self._sync.apply(list(zip(range(first, end), opened, strict=True)), end=end, blobs=blobs)
        self._sync.catch_up_to(end, self._read_records)
        return list(range(first, end))

    def _writer(self) -> AbstractContextManager[LogWriter]:
        """The log's writer, for one batch: waits its turn for the lock (``lock_wait``)."""
        if self._signer is None:
            raise ConfigError(
                f"{self.paths.root}: this archive's signing key is not here, so nothing can be "
                "appended or signed",
                "pass --key-file (or set ERFURT_KEY_FILE) to the key made by `erfurt init`",
            )
        return LogWriter.open(
            self.paths.log,
            self._signer,
            self.config.origin,
            state=self.paths.log_state,
            wait=self.config.lock_wait,
            on_wait=self._say_waiting,
        )

    def _seal(self, records: Sequence[Record]) -> list[Record]:
        """``records`` as they are logged: a restricted collection's files sealed."""
        if not any(record.blobs() or record.kind in self._about_blobs for record in records):
            return list(records)
        # Under the lock the views first take in other writers' documents; a write queue's
        # writer seals again with its own up-to-date views.
        caught_up = self._send_appends is not None
        subjects: list[list[set[str]]] | None = None

        def catch_up() -> None:
            nonlocal caught_up
            if not caught_up:
                self.refresh()
                self._sync.catch_up_to(self.size, self._read_records)
                caught_up = True

        def sealed_only(sha256: str) -> bool:
            catch_up()
            with self.query_views() as db:
                documents = [row[0] for row in db.execute(
                    "SELECT record FROM citations WHERE blob = ? AND kind = ? AND field = 'blob'",
                    (sha256, DOCUMENT_KIND))]  # fmt: skip
            kinds = {self.record(index, as_logged=True).kind for index in documents}
            return bool(kinds) and DOCUMENT_KIND not in kinds

        def subjects_of(position: int) -> list[set[str]]:
            nonlocal subjects
            if subjects is None:
                catch_up()
                opened = [open_sealed(record, self._blobs) for record in records]
                subjects = self._sync.subject_sources(opened, first=self.size)
            return subjects[position]

        restricted = restricted_collections(self.paths)
        return seal_records(
            records,
            restricted,
            sealed_only,
            lambda data: self._blobs.put_bytes(data).sha256,
            subjects_of,
        )

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

    def record(self, index: int, *, as_logged: bool = False) -> Record:
        """Record ``index``, decoded; a sealed document opened unless ``as_logged``."""
        record = Record.from_bytes(self.entry(index), source=f"record {index}")
        return record if as_logged else open_sealed(record, self._blobs)

    def records(
        self,
        start: int = 0,
        *,
        kinds: Iterable[str] | None = None,
        stop: int | None = None,
        as_logged: bool = False,
    ) -> Iterator[tuple[int, Record]]:
        """Records from ``start`` (and before ``stop``) in log order, optionally of some kinds.

        Sealed documents are opened into their ``document.added`` records (and selected
        as that kind) unless ``as_logged``. Each bundle of 256 is verified against the
        signed checkpoint before any of its records is yielded; raises
        :class:`IntegrityError` naming the altered file (or sealed blob).
        """
        wanted = frozenset(kinds) if kinds is not None else None
        stop = self.size if stop is None else min(stop, self.size)
        for index, record in self._read_records(start, stop, as_logged=as_logged):
            if wanted is None or record.kind in wanted:
                yield index, record

    def _read_records(
        self, start: int, stop: int, *, as_logged: bool = False
    ) -> Iterator[tuple[int, Record]]:
        with log_errors("reading records"):
            entries = self._reader.verified_entries(start, stop, self._checkpoint)
            for index, data in enumerate(entries, start):
                record = Record.from_bytes(data, source=f"record {index}")
                yield index, record if as_logged else open_sealed(record, self._blobs)

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
        return prove_consistency(self._reader, self.verifier, self.checkpoint, old_note, source)

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
        with log_errors("adding signatures to a checkpoint"), self._writer() as writer:
            return writer.add_signatures(note, lines)

    # -- blobs ---------------------------------------------------------------------------

    def stage_blobs(self) -> StagedBlobs:
        """A batch of blobs to write now and make durable with the records that cite them.

        Give it to :meth:`append`, which commits it first; call its ``discard`` when the
        batch is abandoned (a ``finally``), so no temp file is left behind.
        """
        return self._blobs.staged()

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

    def open_blob(self, sha256: str) -> BinaryIO:
        """A blob's file, open at its start once re-hashed (for sending it in chunks).

        Raises :class:`IntegrityError` if it is altered, OSError if it is missing.
        """
        return self._blobs.open_checked(sha256)

    def check_blob(self, sha256: str) -> int:
        """Re-hash a blob where it is stored; returns its size.

        Raises :class:`IntegrityError` if it is missing or altered.
        """
        return self._blobs.check(sha256)

    # -- views ---------------------------------------------------------------------------

    def view_digests(self, *, portable: bool = False) -> dict[str, str]:
        """For each view, a digest of its tables (see :meth:`ViewStore.digests`; with
        ``portable``, comparable with the other backend's)."""
        return self._sync.digests(portable=portable)

    @property
    def view_dialect(self) -> str:
        """Where the views are kept: ``sqlite`` or ``postgresql``."""
        return self._sync.dialect

    def catch_up(
        self,
        *,
        rebuild: bool = False,
        on_record: Callable[[int], None] | None = None,
        per_transaction: int | None = None,
    ) -> None:
        """Bring every view up to date with the log (replaying all of them to rebuild).

        ``on_record`` is told each record's index as it is read (for progress);
        ``per_transaction`` records are applied in each transaction (by default
        :data:`~erfurt.archive.viewsync.CATCH_UP_CHUNK`).

        Raises :class:`IntegrityError` if a view has applied records the checkpoint does
        not cover: the checkpoint was rolled back to an older one (or the views database
        belongs to another archive).
        """
        self._sync.prepare(rebuild=rebuild)
        positions = self._sync.positions()
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
        self._sync.catch_up_to(
            self.size, self._read_records, on_record, per_transaction=per_transaction
        )

    def rebuild(self, *, on_record: Callable[[int], None] | None = None) -> Path | None:
        """Empty every view and replay the whole log into them.

        The views database is emptied in place, never deleted, so processes that have it
        open (a server reading, a writer applying its records) go on with the same file.
        A damaged one is moved aside (to ``views.sqlite.damaged-N``), not deleted: returns
        where it went, or None when it was readable. ``on_record`` is told each record's
        index as it is replayed (for progress).
        """
        damaged = self._sync.reset()
        self.refresh()  # records appended before the reset are replayed, later ones applied
        self.catch_up(on_record=on_record)
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
        with self.query_views() as db:
            rows = db.execute(
                f"SELECT DISTINCT record FROM citations WHERE blob IN ({marks}) ORDER BY record",
                blobs,
            ).fetchall()
        return [(int(row[0]), self.record(int(row[0]))) for row in rows]

    @property
    def view_files(self) -> list[Path]:
        """The views' SQLite files: ``views/views.sqlite``, then those of the views kept
        apart (the search index's ``views/search.sqlite``); one name in PostgreSQL."""
        return self._sync.files

    def view_file_of(self, view: str) -> Path:
        """The SQLite file that keeps the view named ``view``."""
        return self._sync.file_of(view)

    def leaving_views(self, files: Collection[Path]) -> AbstractContextManager[None]:
        """While in the block, neither appends nor :meth:`catch_up` apply the views of
        ``files`` (of :attr:`view_files`): another process keeps them in step with the log
        (:mod:`erfurt.archive.follower`). Catch up once the block ends."""
        return self._sync.left_to_others(files)

    def read_views(self) -> AbstractContextManager[sqlite3.Connection]:
        """A read-only connection to the views' SQLite database (a context manager).

        Raises :class:`ConfigError` when the views are kept in PostgreSQL: readers of
        views that run there use :meth:`query_views`.
        """
        return self._sync.read()

    def query_views(self) -> AbstractContextManager[ViewConnection]:
        """A read-only connection to the views on either backend (a context manager), for
        the readers of views that run on both (``PortableView``)."""
        return self._sync.query()


def _signature_count(note: bytes) -> int:
    return len(split_note(note)[1])
