"""Readers of views in PostgreSQL borrow sessions from a pool (issue 13 item 5): a page
served many times a second does not fork a server backend for each query."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import psycopg
import pytest

from erfurt.archive import Archive, Record
from erfurt.archive.readpool import IDLE_READERS
from erfurt.ingest import DocumentsView
from pg_cluster import PgCluster

READERS = IDLE_READERS


def _document(archive: Archive, name: str) -> Record:
    blob = archive.put_bytes(name.encode())
    return Record(
        "document.added",
        {"blob": blob.sha256, "size": blob.size, "name": name, "media_type": "text/plain",
         "collection": "main", "time": archive.now(), "who": "t"},
    )  # fmt: skip


@pytest.fixture
def archive(tmp_path: Path, pg_cluster: PgCluster) -> Archive:
    url = pg_cluster.create_database()
    path = tmp_path / "archive"
    Archive.init(path, origin="example.org/readpool", who="t").close()
    return Archive.open(path, views=[DocumentsView()], database=url)


def _backend(archive: Archive) -> int:
    with archive.query_views() as db:
        return int(db.execute("SELECT pg_backend_pid()").fetchone()[0])


def _sessions(cluster: PgCluster, pids: set[int]) -> set[int]:
    with psycopg.connect(cluster.url(), autocommit=True) as admin:
        rows = admin.execute("SELECT pid FROM pg_stat_activity").fetchall()
    return {int(pid) for (pid,) in rows} & pids


def test_readers_reuse_idle_sessions_and_never_hold_more_than_they_use(
    archive: Archive,
) -> None:
    with archive:
        first = _backend(archive)
        assert [_backend(archive) for _ in range(5)] == [first] * 5
        seen: list[int] = []
        lent = threading.Barrier(READERS)
        lock = threading.Lock()

        def read() -> None:
            with archive.query_views() as db:
                pid = int(db.execute("SELECT pg_backend_pid()").fetchone()[0])
                lent.wait()  # every reader holds its session at once
            later = [_backend(archive) for _ in range(10)]
            with lock:
                seen.extend([pid, *later])

        threads = [threading.Thread(target=read) for _ in range(READERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # READERS at once needed READERS sessions (the idle one among them); no more were
        # ever opened: all of them fit among the idle ones, and a reader makes one only
        # when every session is lent.
        assert first in seen and len(set(seen)) == READERS
        assert len(seen) == READERS * 11


def test_a_session_comes_back_out_of_a_readers_snapshot(archive: Archive) -> None:
    with archive:
        with archive.query_views() as db:
            db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            (before,) = db.execute("SELECT count(*) FROM documents").fetchone()
            pid = int(db.execute("SELECT pg_backend_pid()").fetchone()[0])
        archive.append([_document(archive, "late.txt")])
        with archive.query_views() as db:
            assert int(db.execute("SELECT pg_backend_pid()").fetchone()[0]) == pid
            assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == before + 1
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                db.execute("DELETE FROM documents")


def test_sessions_the_server_ended_are_replaced_not_lent(
    archive: Archive, pg_cluster: PgCluster, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with archive:
        idle: set[int] = set()
        held = [archive.query_views() for _ in range(IDLE_READERS)]
        for reader in held:
            idle.add(int(reader.__enter__().execute("SELECT pg_backend_pid()").fetchone()[0]))
        for reader in held:
            reader.__exit__(None, None, None)
        with psycopg.connect(pg_cluster.url(), autocommit=True) as admin:
            for pid in idle:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        while _sessions(pg_cluster, idle):  # gone, whatever the load: readiness, not time
            threading.Event().wait(0.05)
        fresh = _backend(archive)
        assert fresh not in idle
        assert _backend(archive) == fresh
    assert pg_cluster.password not in caplog.text
