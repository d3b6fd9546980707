"""The incidents view in PostgreSQL holds exactly what it holds in SQLite (issue 13 item 2)."""

from __future__ import annotations

from pathlib import Path

from erfurt.archive import Archive
from erfurt.incidents import (
    IncidentsView,
    Query,
    add_incident,
    define_figure,
    edit_incident,
    mark_copy,
    merge_incidents,
    publish_figure,
)
from pg_cluster import PgCluster

from .conftest import Texts
from .test_incidents import make


def test_a_rebuild_into_postgresql_gives_the_digests_of_sqlite(
    archive: Archive, texts: Texts, archive_path: Path, pg_cluster: PgCluster
) -> None:
    both = "3@{report:three people}|{newspaper:Five people}|{reprint:Five people}"
    add_incident(archive, [make("I-1", texts, harmed=(both,)), make("I-2", texts)], "t")
    add_incident(archive, [make("I-3", texts, harmed=("2@{reprint:Five people}",))], "t")
    define_figure(archive, "all", Query("harmed"), "t")
    publish_figure(archive, "all", "t")
    mark_copy(archive, texts.records["reprint"], texts.records["newspaper"], "copied", "r")
    merge_incidents(archive, "I-2", "I-1", "same", "r")
    edit_incident(archive, [make("I-3", texts, harmed=("4@{reprint:Five people}",))], "t")
    define_figure(archive, "all", Query(status="corroborated"), "t")  # replaces the first
    local = archive.view_digests()
    question = "SELECT id, status, sources, merged_into FROM incidents_incident ORDER BY id"
    with archive.read_views() as db:
        answer = [tuple(row) for row in db.execute(question)]
    assert [row[3] for row in answer] == [None, "I-1", None]
    url = pg_cluster.create_database()
    with Archive.open(archive_path, views=[IncidentsView()], database=url) as remote:
        assert remote.view_digests() == local
        with remote.query_views() as db:
            assert [tuple(row) for row in db.execute(question)] == answer
