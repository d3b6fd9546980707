"""SQLite write transactions that take the write lock when they begin."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def immediate_transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block in ``BEGIN IMMEDIATE`` ... ``COMMIT``; roll back on any exception.

    IMMEDIATE takes the write lock at the start, so a writer waits for another (busy
    timeout) instead of failing when a read transaction tries to upgrade. ``db`` must be
    in autocommit mode (``isolation_level=None``).
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


@contextmanager
def rolled_back_transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block in ``BEGIN IMMEDIATE`` ... ``ROLLBACK``: a what-if that changes nothing.

    Other connections never see what the block wrote. ``db`` must be in autocommit mode.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    finally:
        db.execute("ROLLBACK")
