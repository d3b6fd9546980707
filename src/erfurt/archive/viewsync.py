"""Keeping an archive's views database in step with its log, shared by many processes.

Several processes may use one views database at once: ``erfurt serve`` reading, writers
applying the records they appended, a ``rebuild`` replaying everything. The file is
therefore never deleted or swapped while it is readable (an open connection would go on
using the deleted file): a rebuild empties it in one transaction and replays the log a
chunk at a time, and every catch-up reads the views' positions again after each chunk,
so a view reset by another process meanwhile is filled from its new position.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
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

__all__ = ["CATCH_UP_CHUNK", "ReadRecords", "ViewSync"]

_logger = logging.getLogger(__name__)

CATCH_UP_CHUNK = 2_000
"""Records applied to the views per transaction when they catch up with the log."""

ReadRecords = Callable[[int, int], Iterator[tuple[int, Record]]]
"""Reads the (verified) records from a start index to before a stop index."""


class ViewSync:
    """The views database at ``path``, opened when first needed."""

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
        self._blobs = blobs
        self._wait = wait
        self._opened: ViewStore | None = None
        self._readers = sqlite_readers(path)
        self._remote_readers = postgresql_readers(database) if database else None

    @property
    def store(self) -> ViewStore:
        """The views database, opened (or created) on first use."""
        if self._opened is None:
            self._opened = ViewStore(self.path, self.views, wait=self._wait, database=self.database)
        return self._opened

    def close(self) -> None:
        """Close the views database (it is opened again when next used)."""
        self._readers.close()
        if self._remote_readers is not None:
            self._remote_readers.close()
        if self._opened is not None:
            self._opened.close()
            self._opened = None

    def catch_up_to(
        self, end: int, read: ReadRecords, on_record: Callable[[int], None] | None = None
    ) -> None:
        """Apply the records before ``end`` that some view lacks, a chunk at a time."""
        told = False
        lost_at: int | None = -1
        while True:
            start: int | None = None  # unknown until the positions are read
            try:
                start = min(self.store.positions().values(), default=end)
                if start >= end:
                    break
                if not told:
                    _logger.info("applying records %d to %d to the views", start, end - 1)
                    told = True
                stop = min(start + CATCH_UP_CHUNK, end)
                records = read(start, stop)
                if on_record is not None:
                    records = _told(records, on_record)
                self.store.apply(records, self._blobs, start=start, end=stop)
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
        made = self.store.finish_load()
        if made:
            _logger.info("made the indexes left out while loading: %s", ", ".join(made))

    def apply(
        self, records: Sequence[tuple[int, Record]], *, end: int, blobs: BlobReader | None = None
    ) -> None:
        """Apply records just appended (from the first one's index to before ``end``),
        reading blobs through ``blobs`` if given (bytes the batch kept), else the store."""
        if records:
            self.store.apply(records, blobs or self._blobs, start=records[0][0], end=end)

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

        A damaged database (unreadable, or holding objects SQLite cannot drop) is moved
        aside to ``views.sqlite.damaged-N`` instead: returns where it went, else None.
        """
        self.close()
        damaged = None if self.database else move_aside_if_damaged(self.path)
        try:
            self.store.prepare(rebuild=True)
        except DamagedViewsError:
            self.close()
            damaged = move_aside(self.path)
            self.store.prepare(rebuild=True)
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
