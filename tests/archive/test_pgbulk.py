"""Issue 13 item 2: a rebuild into PostgreSQL writes in bulk (rows held back, COPY,
indexes made after the load) and leaves the rows the row-by-row path and SQLite leave;
a backend killed mid-rebuild is resumed from the last committed batch, nothing twice.

A real PostgreSQL 15 cluster (tests/pg_cluster.py); the archive is the rebuild
benchmark's mix (documents, texts replaced and shared by copies, declarations with
persons seen again and imported ones), rebuilt with every view the CLI keeps.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from benches import load_bench
from erfurt.archive import Archive, BlobReader, Record, ViewConnection, upsert_sql, viewsync
from erfurt.archive.heldwrites import held_form
from erfurt.archive.viewdb import ViewDatabaseError, connect_postgresql
from erfurt.archive.views import DamagedViewsError
from erfurt.archive.viewstore import ViewStore
from erfurt.cli.options import all_views
from pg_cluster import PgCluster

_DEFERRED = {"documents_by_blob", "documents_by_collection", "documents_by_parent",
             "extractions_by_outcome", "ent_documents_blob", "redactions_original",
             "search_han_grams", "search_postings_key"}  # fmt: skip


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 records of the rebuild benchmark's mix, in an archive."""
    return load_bench("bench_rebuild_pg").build(tmp_path_factory.mktemp("mixed"), 600)  # type: ignore[no-any-return]


def test_only_writes_of_one_row_that_read_nothing_are_held_back() -> None:
    plain = held_form("INSERT INTO documents VALUES (?, ?, ?)")
    assert plain is not None and (plain.table, plain.columns, plain.conflict) == (
        "documents", None, "")  # fmt: skip
    ignored = held_form("INSERT OR IGNORE INTO citations (blob, record) VALUES (?, ?)")
    assert ignored is not None and ignored.conflict == "nothing"
    replaced = held_form(upsert_sql("texts", ("blob", "record", "text"), ("blob",)))
    assert replaced is not None and (replaced.conflict, replaced.key) == ("replace", (0,))
    for refused in (
        "INSERT INTO n VALUES (?, (SELECT declarations FROM declarations_count))",
        "INSERT INTO c VALUES (?, 1) ON CONFLICT (k) DO UPDATE SET n = c.n + 1",
        "INSERT INTO c (k, a, b) VALUES (?, ?, ?) ON CONFLICT (k) DO UPDATE SET a = excluded.a",
        "INSERT INTO f (a) SELECT ? RETURNING a",
        "INSERT INTO f (a) VALUES (?) RETURNING a",
        "UPDATE documents SET name = ? WHERE record = ?",
    ):
        assert held_form(refused) is None, refused


def test_held_rows_are_written_before_a_statement_that_names_their_table(
    pg_cluster: PgCluster,
) -> None:
    statements = [
        ("INSERT INTO t VALUES (?, ?)", [(n, f"row {n}") for n in range(40)]),
        (upsert_sql("t", ("k", "v"), ("k",)), [(n % 50, f"new {n}") for n in range(30, 80)]),
        ("INSERT OR IGNORE INTO t (k, v) VALUES (?, ?)", [(n, f"kept {n}") for n in range(45, 99)]),
        ("INSERT INTO b VALUES (?, ?)", [(bytes([n, 0, 255]), n / 3) for n in range(20)]),
    ]  # fmt: skip
    tables = []
    for bulk in (True, False):
        db = connect_postgresql(pg_cluster.create_database(), bulk=bulk)
        try:
            db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
            db.execute("CREATE TABLE b (d BLOB PRIMARY KEY, r REAL NOT NULL)")
            with db.raw.transaction(), db.pipelined(), db.held_back():
                for sql, rows in statements:
                    db.executemany(sql, rows)
                (inserted,) = db.execute(
                    "SELECT n_tup_ins FROM pg_stat_xact_user_tables WHERE relname = ?", ("t",)
                ).fetchone()
                assert inserted == (0 if bulk else 40 + 10 + 49)  # rows new to the table
                # A read of the table sees every row held so far.
                assert db.execute("SELECT count(*) FROM t").fetchone()[0] == 99
            tables.append([tuple(r) for r in db.execute("SELECT * FROM t ORDER BY k")])
            tables.append([tuple(r) for r in db.execute("SELECT * FROM b ORDER BY d")])
        finally:
            db.close()
    assert tables[:2] == tables[2:]
    assert tables[0][29] == (29, "new 79") and tables[0][80] == (80, "kept 80")
    assert tables[1][3] == (bytes([3, 0, 255]), 1.0)


def _rebuilt(mixed: Path, url: str, *, bulk: bool, batch: int) -> tuple[dict[str, str], ...]:
    """Rebuild ``mixed``'s views into ``url`` (empty: SQLite) in batches of ``batch``;
    the digests and portable digests, and which indexes were left out before the load."""
    with Archive.open(mixed, views=all_views(), catch_up=False) as archive:
        store = ViewStore(mixed.parent / f"views-{batch}.sqlite", archive.views,
                          database=url, bulk=bulk)  # fmt: skip
        try:
            store.prepare(rebuild=True)
            for start in range(0, archive.size, batch):
                stop = min(start + batch, archive.size)
                store.apply(archive.records(start, stop=stop), archive, start=start, end=stop)
            missing = _DEFERRED - _indexes(url) if url else set()
            made = store.finish_load()
            assert not url or _indexes(url) >= _DEFERRED
            assert set(made) == missing
            return store.digests(), store.digests(portable=True), {"deferred": str(sorted(made))}
        finally:
            store.close()


def _indexes(url: str) -> set[str]:
    with psycopg.connect(url) as db:
        return {str(r[0]) for r in db.execute("SELECT indexname FROM pg_indexes")}


@pytest.mark.parametrize("batch", [100, 7])
def test_a_bulk_rebuild_leaves_the_rows_of_the_row_by_row_path_and_of_sqlite(
    mixed: Path, pg_cluster: PgCluster, batch: int
) -> None:
    bulk = _rebuilt(mixed, pg_cluster.create_database(), bulk=True, batch=batch)
    rows = _rebuilt(mixed, pg_cluster.create_database(), bulk=False, batch=batch)
    sqlite = _rebuilt(mixed, "", bulk=True, batch=batch)
    assert bulk[0] == rows[0]
    assert bulk[1] == rows[1] == sqlite[1]
    assert bulk[2] == {"deferred": str(sorted(_DEFERRED))} and rows[2] == {"deferred": "[]"}


class _KillsItsBackend:
    """A portable view that keeps each document's index, and at record ``at`` has another
    connection end its backend with ``pg_terminate_backend`` (``times`` times)."""

    name = "killed"
    version = 1
    kinds = frozenset({"document.added"})
    backends = frozenset({"sqlite", "postgresql"})

    def __init__(self, url: str, at: int, times: int) -> None:
        self.url, self.at, self.times = url, at, times
        self.applied: list[int] = []

    def create(self, db: ViewConnection) -> None:
        db.execute("CREATE TABLE killed (record INTEGER PRIMARY KEY)")

    def apply(self, db: ViewConnection, index: int, record: Record, blobs: BlobReader) -> None:
        self.applied.append(index)
        db.execute("INSERT INTO killed VALUES (?)", (index,))
        if index == self.at and self.times > 0:
            self.times -= 1
            (pid,) = db.execute("SELECT pg_backend_pid()").fetchone()
            with psycopg.connect(self.url, autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_a_backend_killed_mid_rebuild_is_resumed_from_its_last_batch_nothing_twice(
    mixed: Path, pg_cluster: PgCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(viewsync, "CATCH_UP_CHUNK", 100)
    with Archive.open(mixed, views=all_views(), catch_up=False) as archive:
        documents = [i for i, r in archive.records() if r.kind == "document.added"]
    url, clean_url = pg_cluster.create_database(), pg_cluster.create_database()
    killer = _KillsItsBackend(url, at=documents[len(documents) // 2], times=2)
    with Archive.open(mixed, views=[*all_views(), killer], database=url, catch_up=False) as archive:
        with pytest.raises(ViewDatabaseError) as lost:
            archive.rebuild()  # killed, resumed once, killed again at the same batch: stops
        assert "rolled back" in lost.value.hint and killer.times == 0
    stopped_at = killer.at // 100 * 100
    with psycopg.connect(url) as db:
        kept = [int(r[0]) for r in db.execute("SELECT record FROM killed ORDER BY record")]
        waiting = {str(r[0]) for r in db.execute("SELECT name FROM view_deferred_indexes")}
    assert kept == [i for i in documents if i < stopped_at] and stopped_at > 0
    assert waiting == _DEFERRED and not waiting & _indexes(url)
    # Opened again (a restart): the catch-up resumes at the batch that was cut.
    with Archive.open(mixed, views=[*all_views(), killer], database=url) as archive:
        digests = archive.view_digests()
    earlier = [i for i in killer.applied if i < stopped_at]
    assert earlier == [i for i in documents if i < stopped_at]  # each applied once, ever
    assert killer.applied.count(killer.at) == 3  # twice rolled back, then kept
    with psycopg.connect(url) as db:
        kept = [int(r[0]) for r in db.execute("SELECT record FROM killed ORDER BY record")]
        assert not db.execute("SELECT * FROM view_deferred_indexes").fetchall()
    assert kept == documents and _indexes(url) >= _DEFERRED
    with Archive.open(mixed, views=all_views(), database=clean_url) as clean:
        clean.rebuild()
        expected = clean.view_digests()
    assert {n: d for n, d in digests.items() if n != "killed"} == expected


@pytest.mark.parametrize(
    "planted",
    [
        "CREATE INDEX documents_by_blob ON public.documents USING btree (blob); DROP TABLE x",
        "CREATE INDEX documents_by_blob ON public.documents USING btree ((pg_sleep(1)::text))",
        "CREATE INDEX search_documents_blob ON public.search_documents USING btree (blob)",
    ],
)
def test_index_definitions_read_back_from_the_database_run_only_if_a_views_index(
    mixed: Path, pg_cluster: PgCluster, planted: str
) -> None:
    url = pg_cluster.create_database()
    with Archive.open(mixed, views=all_views(), catch_up=False) as archive:
        store = ViewStore(mixed.parent / "unused.sqlite", archive.views, database=url)
        try:
            store.prepare(rebuild=True)
            name = planted.split()[2]
            with psycopg.connect(url) as db:
                db.execute(
                    "UPDATE view_deferred_indexes SET definition = %s WHERE name = %s"
                    if name == "documents_by_blob"
                    else "INSERT INTO view_deferred_indexes VALUES (%s, 'search', %s)",
                    (planted, name) if name == "documents_by_blob" else (name, planted),
                )
            with pytest.raises(DamagedViewsError):
                store.finish_load()
        finally:
            store.close()
    assert not _indexes(url) & _DEFERRED  # none of them run, the good ones neither
