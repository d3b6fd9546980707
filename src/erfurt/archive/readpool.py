"""Read-only connections to the views database, kept open between uses.

A new connection reads the whole schema again and starts with an empty page cache: a
search served many times a second would pay that on every query. The pool keeps a few
idle connections and lends each to one user at a time, from any thread. A connection
comes back with no transaction open and the row factory it was lent with, so the next
user sees the views as they are now; one that failed with a damaged file is closed.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from erfurt.archive.views import connect_readonly

__all__ = ["IDLE_READERS", "ReadPool"]

IDLE_READERS = 4
"""Idle read connections kept per archive (more may be open at once, then closed)."""


class ReadPool:
    """Idle read-only connections to the database at ``path``."""

    def __init__(self, path: Path, idle: int = IDLE_READERS) -> None:
        self.path = path
        self._most_idle = idle
        self._idle: list[sqlite3.Connection] = []
        self._generation = 0
        self._lent: dict[int, int] = {}  # id(connection) -> generation it was lent in
        self._lock = threading.Lock()

    def lend(self) -> sqlite3.Connection:
        """An idle connection, or a new one if none is idle."""
        with self._lock:
            db = self._idle.pop() if self._idle else None
            generation = self._generation
        if db is None:
            db = connect_readonly(self.path, any_thread=True)
        with self._lock:
            self._lent[id(db)] = generation
        return db

    def take_back(self, db: sqlite3.Connection, *, reusable: bool = True) -> None:
        """Keep ``db`` for the next user, or close it (not ``reusable``, enough idle, or
        lent before :meth:`close`)."""
        if reusable:
            try:
                if db.in_transaction:  # a user's BEGIN would pin an old snapshot
                    db.rollback()
                db.row_factory = sqlite3.Row
            except sqlite3.Error:
                reusable = False
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
