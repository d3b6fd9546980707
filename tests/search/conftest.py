"""The search tests run once per backend: SQLite's FTS5 index and PostgreSQL's tables."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from itertools import count
from typing import cast

import pytest

from erfurt.archive import ViewConnection
from erfurt.archive.viewdb import PgConnection, connect_postgresql
from erfurt.search import create_tables
from pg_cluster import PgCluster

_schemas = count()


@pytest.fixture(scope="session")
def search_pg(pg_cluster: PgCluster) -> Iterator[PgConnection]:
    """One PostgreSQL database and connection for every search test of the session."""
    connection = connect_postgresql(pg_cluster.create_database())
    yield connection
    connection.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def search_db(request: pytest.FixtureRequest) -> Iterator[sqlite3.Connection]:
    """Empty search tables, in SQLite and (a second run of the test) in PostgreSQL, where
    each test has a schema of its own (cheaper than a database of its own)."""
    db: ViewConnection
    if request.param == "sqlite":
        db = sqlite3.connect(":memory:", isolation_level=None)
        create_tables(cast(sqlite3.Connection, db))
        yield cast(sqlite3.Connection, db)
        db.close()
        return
    db = cast(PgConnection, request.getfixturevalue("search_pg"))
    schema = f"search_test_{next(_schemas)}"
    db.execute(f"CREATE SCHEMA {schema}")
    db.execute(f"SET search_path TO {schema}")
    create_tables(cast(sqlite3.Connection, db))
    yield cast(sqlite3.Connection, db)
    db.execute("SET search_path TO public")
    db.execute(f"DROP SCHEMA {schema} CASCADE")
