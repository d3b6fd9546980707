"""The view store: the views of one archive, kept in SQLite or in PostgreSQL.

The store remembers, in ``view_state``, how far each view has applied the log, which
version of the view built its tables and which tables those are (see
:mod:`erfurt.archive.views`). The backend (:class:`~erfurt.archive.views.SqliteViews`, or
:class:`~erfurt.archive.pgviews.PgViews` for ``database = "postgresql://..."``) holds the
connection and what differs between the two: how a write transaction starts, how the
tables are listed and dropped, how rows are read in a fixed order. Everything else, and
each view's SQL, is the same text on both, and so are the digests.

One batch of records is one transaction on either backend: every view's rows and
``view_state`` commit together, so a connection that drops halfway leaves nothing of the
batch, and the next catch-up applies it once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol, cast

from erfurt.archive.blobs import BlobReader
from erfurt.archive.pgviews import PgViews
from erfurt.archive.records import Record
from erfurt.archive.viewdb import ViewConnection
from erfurt.archive.views import (
    BatchedView,
    DamagedViewsError,
    LoadingView,
    PrefetchingView,
    SqliteViews,
    View,
    quoted_identifier,
)
from erfurt.errors import ConfigError

__all__ = ["ViewBackend", "ViewStore", "given_to_view", "open_backend", "runs_on"]

_logger = logging.getLogger(__name__)
_TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ViewBackend(Protocol):
    """Where the views are kept, and what differs between SQLite and PostgreSQL."""

    dialect: str
    """``sqlite`` or ``postgresql``."""
    where: str
    """The database, as messages name it (never with a password)."""

    @property
    def db(self) -> ViewConnection:
        """The store's one connection (autocommit outside its transactions)."""
        ...

    def close(self) -> None:
        """Close the connection."""
        ...

    def transaction(self, *, bulk: bool = False) -> AbstractContextManager[ViewConnection]:
        """A write transaction, one writer at a time; rolled back on any exception. With
        ``bulk`` (a batch the views ``finish``), writes may be held back and sent in bulk
        before the commit."""
        ...

    def trial(self) -> AbstractContextManager[ViewConnection]:
        """A write transaction that is always rolled back (a what-if no one else sees)."""
        ...

    def snapshot(self) -> AbstractContextManager[ViewConnection]:
        """A read transaction that sees one state of every table."""
        ...

    def objects(self) -> list[str]:
        """The tables the database holds, by name."""
        ...

    def drop_everything(self) -> None:
        """Drop every object the database holds and recreate ``view_state``."""
        ...

    def rows_in_order(self, table: str) -> Iterator[Sequence[object]]:
        """Every row of ``table``, sorted by all its columns (bytewise, NULL first)."""
        ...


def open_backend(path: Path, database: str, *, wait: float, bulk: bool = True) -> ViewBackend:
    """The views' SQLite file at ``path``, or the PostgreSQL database ``database`` names
    (where ``bulk`` lets views write with COPY).

    Raises :class:`ConfigError` for a ``database`` that is not a ``postgresql://`` URL.
    """
    if not database:
        return SqliteViews(path, wait=wait)
    if database.startswith(("postgresql://", "postgres://")):
        return PgViews(database, bulk=bulk)
    raise ConfigError(
        "the database setting must be empty (SQLite) or a postgresql:// URL",
        'set database = "postgresql://user@host/dbname" in erfurt.toml, or leave it empty',
    )


class ViewStore:
    """The views database of one archive, and the views kept in it."""

    def __init__(
        self,
        path: Path,
        views: Sequence[View],
        *,
        wait: float = 5.0,
        database: str = "",
        bulk: bool = True,
    ) -> None:
        """Open (or create) the views: in SQLite at ``path``, or in PostgreSQL when
        ``database`` is a connection string (where ``bulk`` off makes every view write
        row by row, the path the bulk one is compared with); a write waits up to
        ``wait`` seconds for another writer's transaction. Raises :class:`ConfigError`
        if two views share a name, or a view cannot run on the chosen backend."""
        names = [v.name for v in views]
        if len(set(names)) != len(names):
            raise ConfigError(f"two views share a name: {sorted(names)}")
        self.path = path
        self.views = tuple(views)
        # Checked once: an isinstance of a runtime-checkable protocol inspects the class
        # each time (16 microseconds here), and every batch asked it of every view.
        self._prefetching = [v for v in self.views if isinstance(v, PrefetchingView)]
        self._batched = [v for v in self.views if isinstance(v, BatchedView)]
        self._backend = open_backend(path, database, wait=wait, bulk=bulk)
        unported = [v.name for v in views if not runs_on(v, self._backend.dialect)]
        if unported:
            self._backend.close()
            raise ConfigError(
                f"these views do not run on {self._backend.dialect} yet: {', '.join(unported)}",
                "leave `database` empty in erfurt.toml (and unset ERFURT_DATABASE_URL) to keep "
                "the views in SQLite; see docs/architecture.md for the views PostgreSQL holds",
            )
        self._db = self._backend.db
        self._defers = bulk and self._backend.dialect == "postgresql"

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._backend.dialect

    def close(self) -> None:
        """Close the database."""
        self._backend.close()

    def trial(self) -> AbstractContextManager[ViewConnection]:
        """A write transaction that is always rolled back: what the views would answer
        after records not logged yet (other connections never see them)."""
        return self._backend.trial()

    def _state(self, db: ViewConnection, view: View) -> tuple[int, int, list[str]] | None:
        row = db.execute(
            "SELECT version, next_index, objects FROM view_state WHERE name = ?", (view.name,)
        ).fetchone()
        if row is None:
            return None
        return int(row[0]), int(row[1]), list(json.loads(row[2]))

    def _reset(self, db: ViewConnection, view: View) -> None:
        """Drop what the view built before, create it afresh, and start it at record 0."""
        state = self._state(db, view)
        for name in (state[2] if state else [])[::-1]:
            db.execute(f"DROP TABLE IF EXISTS {quoted_identifier(name)}")
        before = self._backend.objects()
        view.create(given_to_view(db))
        created = [n for n in self._backend.objects() if n not in before]
        if self._defers:
            self._pg().defer_indexes(view.name, getattr(view, "deferred_indexes", ()))
        db.execute(
            "INSERT INTO view_state (name, version, next_index, objects) VALUES (?, ?, 0, ?) "
            "ON CONFLICT (name) DO UPDATE SET version = excluded.version, next_index = 0, "
            "objects = excluded.objects",
            (view.name, view.version, json.dumps(created)),
        )

    def finish_load(self) -> list[str]:
        """Make the indexes views let a load from empty go without (their
        ``deferred_indexes``, dropped on PostgreSQL in bulk when a view is reset), once
        every view has caught up, and have each :class:`LoadingView` whose load this
        ends do what its batches left, in the same transaction; the names made. A load
        cut short is finished when a later catch-up ends. Raises
        :class:`DamagedViewsError` if the definitions kept are not the views' indexes."""
        if not self._defers:
            return []
        deferrable = (n for v in self.views for n in getattr(v, "deferred_indexes", ()))

        def finished(db: ViewConnection, loaded: frozenset[str]) -> None:
            for view in self.views:
                if view.name in loaded and isinstance(view, LoadingView):
                    view.finish_load(given_to_view(db))

        return self._pg().make_deferred_indexes(deferrable, finished)

    def _pg(self) -> PgViews:
        assert isinstance(self._backend, PgViews)
        return self._backend

    def positions(self) -> dict[str, int]:
        """For each view, the index of the next record it has to apply. Raises
        ViewConnectionLost when PostgreSQL's connection is gone (a restart)."""
        positions: dict[str, int] = {}
        with self._backend.snapshot() as db:
            for view in self.views:
                state = self._state(db, view)
                current = state is not None and state[0] == view.version
                positions[view.name] = state[1] if state and current else 0
        return positions

    def prepare(self, *, rebuild: bool = False) -> None:
        """Create missing views, and reset those whose version changed.

        With ``rebuild``, every object in the database (the views' tables, and anything
        else found there: a planted trigger or table) is dropped first, in the same
        transaction, so open readers see the old views or the empty new ones, never a
        mix. Raises :class:`DamagedViewsError` if SQLite cannot drop what it finds.
        """
        with self._backend.transaction() as db:
            if rebuild:
                self._backend.drop_everything()
            for view in self.views:
                state = self._state(db, view)
                if rebuild or state is None or state[0] != view.version:
                    if state is not None:
                        _logger.info("replaying view %s from the start", view.name)
                    self._reset(db, view)

    def forget(self, names: Iterable[str]) -> None:
        """Drop the tables of the views ``names`` (kept in another file now) and their
        ``view_state``, where this database still holds them; a query then never finds
        their old rows here instead of the other file's."""
        names = list(names)
        if not names:
            return
        with self._backend.snapshot() as db:
            held = [
                str(row[0])
                for row in db.execute("SELECT name FROM view_state")
                if str(row[0]) in names
            ]
        if not held:
            return
        with self._backend.transaction() as db:
            for name in held:
                row = db.execute("SELECT objects FROM view_state WHERE name = ?", (name,))
                state = row.fetchone()
                for table in json.loads(state[0])[::-1] if state else []:
                    db.execute(f"DROP TABLE IF EXISTS {quoted_identifier(table)}")
                db.execute("DELETE FROM view_state WHERE name = ?", (name,))
                _logger.info("view %s is kept in a file of its own now", name)

    def apply(
        self,
        records: Iterable[tuple[int, Record]],
        blobs: BlobReader,
        *,
        start: int,
        end: int,
    ) -> None:
        """Apply the records from index ``start`` to before ``end`` (in log order) to the views.

        All in one transaction: every view that had applied the log up to ``start`` (or
        further) advances to ``end``. A view that is behind ``start`` (another process
        reset it since its position was read, as ``rebuild`` does) is left as it is: the
        caller reads the positions again (:meth:`positions`) and fills the gap.
        """
        with self._backend.transaction(bulk=True) as db, self._loading():
            for view in self.views:
                if self._state(db, view) is None:  # dropped by another process's rebuild
                    self._reset(db, view)
            if self._defers:
                self._pg().db.loading = self._pg().loading()
            states = {v.name: self._state(db, v) for v in self.views}
            behind = {n for n, s in states.items() if s is None or s[1] < start}
            current = [v for v in self.views if v.name not in behind]
            records = list(records)
            for view in self._prefetching:
                if view.name not in behind:
                    state = states[view.name]
                    assert state is not None
                    mine = [(i, r) for i, r in records if i >= state[1] and r.kind in view.kinds]
                    view.prefetch(given_to_view(db), mine)
            for index, record in records:
                for view in current:
                    state = states[view.name]
                    assert state is not None
                    if index >= state[1] and record.kind in view.kinds:
                        view.apply(given_to_view(db), index, record, blobs)
            for view in self._batched:
                if view.name not in behind:
                    view.finish(given_to_view(db))
            for view in current:
                db.execute(
                    "UPDATE view_state SET next_index = CASE WHEN next_index < ? THEN ? "
                    "ELSE next_index END WHERE name = ?",
                    (end, end, view.name),
                )

    @contextmanager
    def _loading(self) -> Iterator[None]:
        """Forget, when a batch ends, which views it found loading from empty."""
        try:
            yield
        finally:
            if self._defers:
                self._pg().db.loading = frozenset()

    def digests(self, *, portable: bool = False) -> dict[str, str]:
        """For each view, the SHA-256 (hex) of every row of its tables, in a fixed order.

        Two databases that applied the same records give the same digests, on either
        backend. A view's ``backend_tables`` (an index each backend keeps in its own
        form, derived from the view's other tables) are left out when ``portable``: the
        digests that compare a database with one of the other backend. Raises
        :class:`DamagedViewsError` if the database cannot be read.
        """
        with self._backend.snapshot() as db:
            return {
                v.name: self._digest(
                    self._state(db, v),
                    getattr(v, "backend_tables", frozenset()) if portable else (),
                )
                for v in self.views
            }

    def _digest(
        self, state: tuple[int, int, list[str]] | None, left_out: Iterable[str] = ()
    ) -> str:
        digest = hashlib.sha256()
        if state is None:
            return digest.hexdigest()
        version, next_index, objects = state
        digest.update(f"version {version} next {next_index}\n".encode())
        skipped = set(left_out)
        for name in sorted(n for n in objects if n not in skipped):
            if not _TABLE_NAME.fullmatch(name):  # names come from the file: never into SQL as is
                raise DamagedViewsError(
                    self._backend.where, ValueError(f"view_state names a table {name!r}")
                )
            digest.update(f"table {name}\n".encode())
            for row in self._backend.rows_in_order(name):
                digest.update(repr(tuple(row)).encode() + b"\n")
        return digest.hexdigest()


def runs_on(view: View, dialect: str) -> bool:
    """Whether ``view``'s SQL runs on the ``dialect`` backend (every view runs on SQLite)."""
    backends: frozenset[str] = getattr(view, "backends", frozenset({"sqlite"}))
    return dialect in backends


def given_to_view(db: ViewConnection) -> sqlite3.Connection:
    """``db`` as :class:`View` declares it: a view that is not a :class:`PortableView` only
    ever gets a :class:`sqlite3.Connection` (the store refuses it on other backends when it
    opens); a portable one takes any :class:`ViewConnection`."""
    return cast(sqlite3.Connection, db)
