"""The views in PostgreSQL: the view store's backend for ``database = "postgresql://..."``.

The views' tables live in the connection's current schema (``public`` unless the URL's
``options`` set a ``search_path``); the database is the views' alone, as the SQLite file
is. Writers serialise on a transaction-level advisory lock, as SQLite's ``BEGIN
IMMEDIATE`` serialises them; readers never wait.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import count

from erfurt.archive.viewdb import (
    ViewConnection,
    ViewDatabaseError,
    connect_postgresql,
    redacted_url,
)
from erfurt.archive.views import STATE_TABLE, DamagedViewsError, quoted_identifier

DEFERRED_TABLE = """
CREATE TABLE IF NOT EXISTS view_deferred_indexes (
    name TEXT PRIMARY KEY,
    view TEXT NOT NULL,
    definition TEXT NOT NULL
)
"""
"""Indexes dropped while a view is loaded from empty, to be made once it has caught up."""

__all__ = ["DEFERRED_TABLE", "WRITER_LOCK", "PgViews", "ViewConnectionLost"]

WRITER_LOCK = 0x657266757274
"""The advisory lock a write transaction holds ("erfurt" in ASCII)."""

_logger = logging.getLogger(__name__)
_cursor_numbers = count()
_INDEX_DEFINITION = re.compile(
    r"CREATE (?:UNIQUE )?INDEX ([a-z_][a-z0-9_]*) ON [a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*"
    r" USING (?:btree|gin)"
    r" \([a-z_][a-z0-9_]*(?:, [a-z_][a-z0-9_]*)*\)"
)
"""What ``pg_get_indexdef`` says of a deferrable index: a plain or unique one over columns
(a B-tree, or a GIN index of an array column)."""


class ViewConnectionLost(ViewDatabaseError):
    """The connection to PostgreSQL failed during a transaction, which was rolled back."""


class PgViews:
    """The views' PostgreSQL database."""

    dialect = "postgresql"

    def __init__(self, url: str, *, bulk: bool = True) -> None:
        """Connect and create ``view_state`` if missing; ``bulk`` lets views write their
        rows with COPY (:func:`~erfurt.archive.viewdb.held_rows`). Raises
        :class:`ViewDatabaseError` if the server cannot be reached."""
        self.where = redacted_url(url)
        self.db = connect_postgresql(url, bulk=bulk)
        self._raw = self.db.raw
        with self._errors():
            self.db.execute(STATE_TABLE)
            self.db.execute(DEFERRED_TABLE)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    @contextmanager
    def transaction(self, *, bulk: bool = False) -> Iterator[ViewConnection]:
        """A write transaction under :data:`WRITER_LOCK`, its statements pipelined; with
        ``bulk`` (a batch of records the views then ``finish``), rows are held back and
        written in bulk before the commit (:meth:`PgConnection.held_back`). Rolled back
        on any exception, with the rows held back for it."""
        self.db.held.clear()
        with self._errors(), self._raw.transaction(), self.db.pipelined():
            self.db.execute("SELECT pg_advisory_xact_lock(?)", (WRITER_LOCK,))
            with self.db.held_back(bulk):
                yield self.db

    @contextmanager
    def trial(self) -> Iterator[ViewConnection]:
        """A write transaction under :data:`WRITER_LOCK` that is always rolled back."""
        self.db.held.clear()
        with self._errors(), self._raw.transaction(force_rollback=True):
            self.db.execute("SELECT pg_advisory_xact_lock(?)", (WRITER_LOCK,))
            yield self.db

    @contextmanager
    def snapshot(self) -> Iterator[ViewConnection]:
        """A repeatable-read transaction: one state of every table."""
        with self._errors(), self._raw.transaction():
            self.db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield self.db

    def objects(self) -> list[str]:
        """The tables of the current schema, by name."""
        rows = self.db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            'ORDER BY tablename COLLATE "C"'
        ).fetchall()
        return [str(row[0]) for row in rows]

    def drop_everything(self) -> None:
        """Drop every view, table, sequence and function of the current schema (a planted
        trigger goes with its table), then recreate ``view_state``."""
        for kind, catalog, column in (
            ("VIEW", "pg_views", "viewname"),
            ("TABLE", "pg_tables", "tablename"),
        ):
            names = self.db.execute(
                f"SELECT {column} FROM {catalog} WHERE schemaname = current_schema()"
            ).fetchall()
            for (name,) in names:
                self.db.execute(f"DROP {kind} IF EXISTS {quoted_identifier(name)} CASCADE")
        others = self.db.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'S'"
        ).fetchall()
        for (name,) in others:
            self.db.execute(f"DROP SEQUENCE IF EXISTS {quoted_identifier(name)} CASCADE")
        routines = self.db.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema()"
        ).fetchall()
        for (signature,) in routines:
            self.db.execute(f"DROP ROUTINE IF EXISTS {signature} CASCADE")
        self.db.execute(STATE_TABLE)
        self.db.execute(DEFERRED_TABLE)

    def defer_indexes(self, view: str, names: Iterable[str]) -> None:
        """Drop the indexes ``names`` of ``view`` (just created, its tables empty) and keep
        their definitions for :meth:`make_deferred_indexes` (inside a transaction):
        building an index once over loaded rows costs less than keeping it while they
        are loaded."""
        self.db.execute("DELETE FROM view_deferred_indexes WHERE view = ?", (view,))
        for name in sorted(names):
            row = self.db.execute(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                " AND indexname = ?",
                (name,),
            ).fetchone()
            if row is None:
                continue
            self.db.execute(f"DROP INDEX {quoted_identifier(name)}")
            self.db.execute(
                "INSERT INTO view_deferred_indexes (name, view, definition) VALUES (?, ?, ?)",
                (name, view, str(row[0])),
            )

    def loading(self) -> frozenset[str]:
        """The views loaded from empty whose load has not ended: those with indexes
        :meth:`defer_indexes` dropped and :meth:`make_deferred_indexes` has not made."""
        rows = self.db.execute("SELECT DISTINCT view FROM view_deferred_indexes").fetchall()
        return frozenset(str(row[0]) for row in rows)

    def make_deferred_indexes(
        self,
        deferrable: Iterable[str],
        finished: Callable[[ViewConnection, frozenset[str]], None] | None = None,
    ) -> list[str]:
        """Make every index :meth:`defer_indexes` dropped, in one transaction; their names.
        In the same transaction, after them, ``finished`` is given the views whose load
        this ends (their indexes made), to do the work their load left.

        A definition is SQL read from the database: only a plain or unique ``CREATE
        INDEX`` of a name in ``deferrable`` (the views' ``deferred_indexes``) is run.
        Raises :class:`DamagedViewsError` for anything else, running none of them.
        """
        (waiting,) = self.db.execute("SELECT count(*) FROM view_deferred_indexes").fetchone()
        if not waiting:
            return []
        # At a million records this takes minutes (sorts of every row): say so first.
        _logger.info("ending a load from empty: %d indexes to make, then what it left", waiting)
        allowed = set(deferrable)
        with self.transaction() as db:
            rows = db.execute(
                "SELECT name, definition, view FROM view_deferred_indexes ORDER BY name"
            ).fetchall()
            for name, definition, _ in rows:
                made = _INDEX_DEFINITION.fullmatch(str(definition))
                if made is None or made.group(1) != name or name not in allowed:
                    raise DamagedViewsError(
                        self.where, ValueError(f"view_deferred_indexes holds {name!r}")
                    )
            # Sorting the rows (a B-tree) and collecting the keys (GIN) in memory: 64 MB,
            # the server's default, sorts a million documents' postings in many runs.
            db.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for _, definition, _ in rows:  # one planted for an index there: left as is
                db.execute(str(definition).replace(" INDEX ", " INDEX IF NOT EXISTS ", 1))
            if finished is not None:
                finished(db, frozenset(str(row[2]) for row in rows))
            db.execute("DELETE FROM view_deferred_indexes")
        return [str(row[0]) for row in rows]

    def rows_in_order(self, table: str) -> Iterator[Sequence[object]]:
        """Every row of ``table`` sorted by all its columns, NULL first (as SQLite sorts),
        read through a server-side cursor so a large table is never all in memory."""
        (columns,) = self.db.execute(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ?",
            (table,),
        ).fetchone()
        order = ", ".join(f"{n} NULLS FIRST" for n in range(1, int(columns) + 1))
        cursor = self._raw.cursor(name=f"erfurt_rows_{next(_cursor_numbers)}")
        try:
            cursor.execute(f"SELECT * FROM {quoted_identifier(table)} ORDER BY {order}")
            yield from cursor
        finally:
            cursor.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        import psycopg

        try:
            yield
        except psycopg.OperationalError as exc:
            raise ViewConnectionLost(
                f"the connection to the views database {self.where} failed: "
                f"{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}",
                "the transaction was rolled back, nothing of it was kept: start PostgreSQL "
                "again if it is down, then run the command again (it resumes)",
            ) from exc
