"""Read-only connections to the views database, kept open between uses.

A new connection costs: SQLite reads the whole schema again and starts with an empty page
cache; PostgreSQL forks a backend and authenticates (a few milliseconds, and one server
process per connection). A page served many times a second would pay that on every
query. The pool keeps a few idle connections and lends each to one user at a time, from
any thread. A connection comes back with no transaction open (and, in SQLite, the row
factory it was lent with), so the next user sees the views as they are now; one that
failed (a damaged file, a dropped connection) is closed, and an idle PostgreSQL
connection the server has ended meanwhile (a restart) is closed instead of lent.
"""

from __future__ import annotations

import select
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from erfurt.archive.viewdb import PgConnection, connect_postgresql
from erfurt.archive.views import connect_readonly

__all__ = ["IDLE_READERS", "ReadPool", "postgresql_readers", "sqlite_readers"]

IDLE_READERS = 4
"""Idle read connections kept per archive (more may be open at once, then closed)."""


class _Closable(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=_Closable)


class ReadPool(Generic[C]):
    """Idle read-only connections made by ``connect``.

    ``reset`` readies a connection that came back for its next user and says whether it
    can be kept; ``alive`` says whether an idle one can still be lent.
    """

    def __init__(
        self,
        connect: Callable[[], C],
        reset: Callable[[C], bool],
        alive: Callable[[C], bool] = lambda _db: True,
        idle: int = IDLE_READERS,
    ) -> None:
        self._connect = connect
        self._reset = reset
        self._alive = alive
        self._most_idle = idle
        self._idle: list[C] = []
        self._generation = 0
        self._lent: dict[int, int] = {}  # id(connection) -> generation it was lent in
        self._lock = threading.Lock()

    def lend(self) -> C:
        """An idle connection still alive, or a new one if none is (which raises what
        connecting raises)."""
        generation, db = self._idle_one()
        while db is not None and not self._alive(db):
            db.close()
            generation, db = self._idle_one()
        if db is None:
            db = self._connect()
        with self._lock:
            self._lent[id(db)] = generation
        return db

    def _idle_one(self) -> tuple[int, C | None]:
        with self._lock:
            return self._generation, self._idle.pop() if self._idle else None

    def take_back(self, db: C, *, reusable: bool = True) -> None:
        """Keep ``db`` for the next user, or close it (not ``reusable``, its reset failed,
        enough idle, or lent before :meth:`close`)."""
        reusable = reusable and self._reset(db)
        with self._lock:
            generation = self._lent.pop(id(db), None)
            keep = reusable and generation == self._generation
            if keep and len(self._idle) < self._most_idle:
                self._idle.append(db)
                return
        db.close()

    def close(self) -> None:
        """Close the idle connections; those lent out are closed when they come back."""
        with self._lock:
            idle, self._idle = self._idle, []
            self._generation += 1
        for db in idle:
            db.close()


def sqlite_readers(
    path: Path, attached: Sequence[Path] = (), idle: int = IDLE_READERS
) -> ReadPool[sqlite3.Connection]:
    """A pool of read-only connections to the views' SQLite file at ``path``, with the
    files of the views kept apart ``attached`` (see :func:`connect_readonly`)."""
    return ReadPool(
        lambda: connect_readonly(path, any_thread=True, attached=attached),
        _reset_sqlite,
        idle=idle,
    )


def _reset_sqlite(db: sqlite3.Connection) -> bool:
    try:
        if db.in_transaction:  # a user's BEGIN would pin an old snapshot
            db.rollback()
        db.row_factory = sqlite3.Row
    except sqlite3.Error:
        return False
    return True


def postgresql_readers(url: str, idle: int = IDLE_READERS) -> ReadPool[PgConnection]:
    """A pool of read-only sessions on the views' PostgreSQL database at ``url`` (never
    logged: messages show it without its password)."""
    return ReadPool(lambda: _connect_reader(url), _reset_postgresql, _idle_and_alive, idle)


def _connect_reader(url: str) -> PgConnection:
    db = connect_postgresql(url)
    db.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    return db


def _reset_postgresql(db: PgConnection) -> bool:
    from psycopg import Error
    from psycopg.pq import TransactionStatus

    if db.raw.closed or db.raw.broken:
        return False
    try:
        if db.raw.info.transaction_status != TransactionStatus.IDLE:
            db.raw.rollback()  # a reader's BEGIN (a snapshot) would pin an old state
    except Error:
        return False
    return db.raw.info.transaction_status == TransactionStatus.IDLE


def _idle_and_alive(db: PgConnection) -> bool:
    """Whether an idle connection is still open: the server sends nothing to an idle
    session unless it ends it (a restart, ``pg_terminate_backend``), so anything to read
    means it is gone. No round trip."""
    if db.raw.closed or db.raw.broken:
        return False
    readable, _, _ = select.select([db.raw.fileno()], [], [], 0)
    return not readable
