"""Keeping an archive's views database in step with its log, shared by many processes.

Several processes may use one views database at once: ``erfurt serve`` reading, writers
applying the records they appended, a ``rebuild`` replaying everything. The file is
therefore never deleted or swapped while it is readable (an open connection would go on
using the deleted file): a rebuild empties it in one transaction and replays the log a
chunk at a time, and every catch-up reads the views' positions again after each chunk,
so a view reset by another process meanwhile is filled from its new position.

In SQLite a view may keep a file of its own beside ``views.sqlite`` (its
``sqlite_file``: the search index, ``search.sqlite``), with its own ``view_state``. Each
file is a store of its own: its views' rows and positions commit together, and a
process can apply one file's views while another applies the rest (``erfurt add``
leaves the search index to a process of its own, :mod:`erfurt.archive.follower`).
Readers attach every file, so a query names any view's tables. In PostgreSQL every
view is in the one database.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from erfurt.archive.blobs import BlobReader
from erfurt.archive.pgviews import ViewConnectionLost
from erfurt.archive.readpool import postgresql_readers, sqlite_readers
from erfurt.archive.records import Record
from erfurt.archive.viewdb import ViewConnection
from erfurt.archive.views import (
    DamagedViewsError,
    SubjectSources,
    View,
    is_damage,
    move_aside,
    move_aside_if_damaged,
)
from erfurt.archive.viewstore import ViewStore, given_to_view
from erfurt.errors import ConfigError

__all__ = ["CATCH_UP_CHUNK", "ReadRecords", "ViewSync", "view_files"]

_logger = logging.getLogger(__name__)

CATCH_UP_CHUNK = 2_000
"""Records applied to the views per transaction when they catch up with the log."""

ReadRecords = Callable[[int, int], Iterator[tuple[int, Record]]]
"""Reads the (verified) records from a start index to before a stop index."""


def view_files(path: Path, views: Sequence[View], database: str = "") -> dict[Path, list[View]]:
    """Which file keeps which views: ``path`` (``views.sqlite``) those without a file of
    their own, then each ``sqlite_file`` beside it; with ``database`` (PostgreSQL) every
    view is in the one database, filed under ``path``."""
    files: dict[Path, list[View]] = {path: []}
    for view in views:
        own = "" if database else getattr(view, "sqlite_file", "")
        files.setdefault(path.with_name(own) if own else path, []).append(view)
    return files


class ViewSync:
    """The views database at ``path`` (and the files of views kept apart beside it),
    opened when first needed."""

    def __init__(
        self,
        path: Path,
        views: Sequence[View],
        blobs: BlobReader,
        *,
        wait: float,
        database: str = "",
    ) -> None:
        self.path = path
        self.views = tuple(views)
        self._subject_sources = [v for v in self.views if isinstance(v, SubjectSources)]
        self.database = database
        """The PostgreSQL connection string, or empty for the SQLite file at ``path``."""
        self._files = view_files(path, self.views, database)
        self._blobs = blobs
        self._wait = wait
        self._opened: dict[Path, ViewStore] = {}
        self._left_to_others: frozenset[Path] = frozenset()
        self._readers = sqlite_readers(path, [f for f in self._files if f != path])
        self._remote_readers = postgresql_readers(database) if database else None

    @property
    def files(self) -> list[Path]:
        """The views' SQLite files, ``views.sqlite`` first (one name in PostgreSQL)."""
        return list(self._files)

    def file_of(self, view: str) -> Path:
        """The SQLite file that keeps the view named ``view``."""
        return next((f for f, vs in self._files.items() if view in {v.name for v in vs}), self.path)

    @property
    def store(self) -> ViewStore:
        """The store of ``views.sqlite`` (in PostgreSQL: of every view), opened (or
        created) on first use."""
        return self._store(self.path)

    def _store(self, path: Path) -> ViewStore:
        opened = self._opened.get(path)
        if opened is None:
            views = self._files[path]
            opened = ViewStore(path, views, wait=self._wait, database=self.database)
            self._opened[path] = opened
        return opened

    def _stores(self) -> list[ViewStore]:
        """Every file's store but those another process is applying."""
        return [self._store(f) for f in self._files if f not in self._left_to_others]

    @contextmanager
    def left_to_others(self, files: Collection[Path]) -> Iterator[None]:
        """While in the block, appends leave the views of ``files`` to another process
        (which catches them up from the log); they catch up as usual after it."""
        self._left_to_others = frozenset(files) & set(self._files)
        try:
            yield
        finally:
            self._left_to_others = frozenset()

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.store.dialect

    def close(self) -> None:
        """Close the views database (it is opened again when next used)."""
        self._readers.close()
        if self._remote_readers is not None:
            self._remote_readers.close()
        for store in self._opened.values():
            store.close()
        self._opened = {}

    def prepare(self, *, rebuild: bool = False) -> None:
        """Create missing views, and reset those whose version changed (every one with
        ``rebuild``), in each file; ``views.sqlite`` forgets the views kept elsewhere
        now (an archive made before they had a file of their own)."""
        elsewhere = [v.name for f, views in self._files.items() if f != self.path for v in views]
        self.store.forget(elsewhere)
        for store in self._stores():
            store.prepare(rebuild=rebuild)

    def positions(self) -> dict[str, int]:
        """For each view, the index of the next record it has to apply."""
        return {name: at for store in self._stores() for name, at in store.positions().items()}

    def digests(self, *, portable: bool = False) -> dict[str, str]:
        """Each view's digest (see :meth:`ViewStore.digests`)."""
        return {
            name: digest
            for path in self._files
            for name, digest in self._store(path).digests(portable=portable).items()
        }

    def catch_up_to(
        self,
        end: int,
        read: ReadRecords,
        on_record: Callable[[int], None] | None = None,
        *,
        per_transaction: int | None = None,
    ) -> None:
        """Apply the records before ``end`` that some view lacks, a chunk of
        ``per_transaction`` records (:data:`CATCH_UP_CHUNK` unless given) at a time: each
        chunk read once, and applied to every file whose views lack some of it."""
        per_transaction = per_transaction or CATCH_UP_CHUNK
        told = False
        lost_at: int | None = -1
        while True:
            start: int | None = None  # unknown until the positions are read
            try:
                behind = [(min(s.positions().values(), default=end), s) for s in self._stores()]
                start = min((at for at, _ in behind), default=end)
                if start >= end:
                    break
                if not told:
                    _logger.info("applying records %d to %d to the views", start, end - 1)
                    told = True
                stop = min(start + per_transaction, end)
                records = read(start, stop)
                if on_record is not None:
                    records = _told(records, on_record)
                chunk = list(records)
                for at, store in behind:
                    if at < stop:
                        store.apply(chunk, self._blobs, start=start, end=stop)
            except ViewConnectionLost:
                # The chunk was rolled back whole (or not begun: the connection was gone
                # already, as after a server restart): connect again (which fails with a
                # clear message if the server is still down) and resume from the
                # positions; a chunk that loses the connection twice in a row is not
                # tried a third time.
                if lost_at == start:
                    raise
                lost_at = start
                _logger.warning("lost the connection to the views database; resuming")
                self.close()
        made = [name for store in self._stores() for name in store.finish_load()]
        if made:
            _logger.info("made the indexes left out while loading: %s", ", ".join(made))

    def apply(
        self, records: Sequence[tuple[int, Record]], *, end: int, blobs: BlobReader | None = None
    ) -> None:
        """Apply records just appended (from the first one's index to before ``end``),
        reading blobs through ``blobs`` if given (bytes the batch kept), else the store."""
        if records:
            for store in self._stores():
                store.apply(records, blobs or self._blobs, start=records[0][0], end=end)

    def subject_sources(self, records: Sequence[Record], *, first: int) -> list[list[set[str]]]:
        """For each of ``records``, a batch about to be logged from index ``first``, what
        the :class:`SubjectSources` views say of the subjects it names, each asked with
        the batch's earlier records applied (in a transaction rolled back at once): a
        decision logged with the record that first names its entity is judged on it.

        A view that has not applied the log exactly up to ``first`` answers from what it
        holds. ``records`` are as the views take them (sealed ones opened).
        """
        views = self._subject_sources
        asked = {kind for view in views for kind in view.subject_kinds}
        questions = [n for n, record in enumerate(records) if record.kind in asked]
        answers: list[list[set[str]]] = [[] for _ in records]

        def ask(db: ViewConnection, n: int) -> None:
            answers[n] = [s for view in views for s in view.subject_sources(db, records[n])]

        if not questions:
            return answers
        earlier = records[: questions[-1]]
        if not any(record.kind in view.kinds for record in earlier for view in views):
            with self.query() as db:  # nothing before a question changes its answer
                for n in questions:
                    ask(db, n)
            return answers
        positions = self.store.positions()
        current = [view for view in views if positions[view.name] == first]
        with self.store.trial() as db:
            for n, record in enumerate(records[: questions[-1] + 1]):
                if n in questions:
                    ask(db, n)
                for view in current:
                    if record.kind in view.kinds:
                        view.apply(given_to_view(db), first + n, record, self._blobs)
        return answers

    def reset(self) -> Path | None:
        """Empty every view in place, ready to replay the log from its first record.

        A damaged file (unreadable, or holding objects SQLite cannot drop) is moved
        aside to ``views.sqlite.damaged-N`` (or ``search.sqlite.damaged-N``) instead:
        returns where the first went, else None.
        """
        self.close()
        damaged = None
        for path in self._files:
            aside = None if self.database else move_aside_if_damaged(path)
            try:
                self._store(path).prepare(rebuild=True)
            except DamagedViewsError:
                self._opened.pop(path).close()
                aside = move_aside(path)
                self._store(path).prepare(rebuild=True)
            damaged = damaged or aside
        return damaged

    @contextmanager
    def query(self) -> Iterator[ViewConnection]:
        """A read-only connection to the views on either backend, for the readers of
        views that run on both (:class:`~erfurt.archive.views.PortableView`); in
        PostgreSQL a session lent from the pool of idle ones, in autocommit (a reader's
        own ``BEGIN`` is rolled back when it comes back)."""
        if self._remote_readers is None:
            with self.read() as db:
                yield db
            return
        remote = self._remote_readers.lend()
        try:
            yield remote
        finally:
            self._remote_readers.take_back(remote)

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read-only connection to the views' SQLite file, lent from the pool of idle ones.

        Raises :class:`ConfigError` when the views are in PostgreSQL: the caller reads
        views that do not run there yet.
        """
        if self.database:
            raise ConfigError(
                "this command reads views that are kept in SQLite only, but this archive "
                "keeps its views in PostgreSQL",
                "leave `database` empty in erfurt.toml (and unset ERFURT_DATABASE_URL) for "
                "this command; see docs/architecture.md for what PostgreSQL serves",
            )
        db = self._readers.lend()
        damaged = False
        try:
            yield db
        except sqlite3.DatabaseError as exc:
            damaged = is_damage(exc)
            if not damaged:
                raise
            raise DamagedViewsError(self.path, exc) from exc
        finally:
            self._readers.take_back(db, reusable=not damaged)


def _told(
    records: Iterator[tuple[int, Record]], on_record: Callable[[int], None]
) -> Iterator[tuple[int, Record]]:
    for index, record in records:
        on_record(index)
        yield index, record
