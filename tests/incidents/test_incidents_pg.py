"""The incidents view in PostgreSQL holds exactly what it holds in SQLite, and its readers
answer the same there (issue 13 item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from erfurt.archive import Archive
from erfurt.errors import InputError
from erfurt.incidents import (
    IncidentsView,
    Query,
    add_incident,
    compute_figure,
    count_incidents,
    current_incident,
    define_figure,
    edit_incident,
    find_passages,
    history,
    list_figures,
    mark_copy,
    merge_incidents,
    publish_figure,
    read_figure,
    read_incidents,
    read_publications,
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


def _answers(archive: Archive, texts: Texts) -> dict[str, object]:
    """What every reader of the incidents view answers, as plain values."""
    merged = read_incidents(archive, incident="I-2")
    current = current_incident(archive, "I-3")
    return {
        "all": read_incidents(archive),
        "page": read_incidents(archive, limit=1, offset=1),
        "rest": read_incidents(archive, offset=1),
        "merged": merged,
        "by kind": count_incidents(archive, "kind"),
        "by month": count_incidents(archive, "month", Query("harmed")),
        "by responsible": count_incidents(archive, "responsible"),
        "harmed": compute_figure(archive, Query("harmed")),
        "none": compute_figure(archive, Query(kind="arrest")),
        "figures": list_figures(archive),
        "figure": read_figure(archive, "all"),
        "publications": read_publications(archive),
        "current": None if current is None else current[0],
        "history": history(archive, "I-3"),
        "passages": find_passages(archive, "Five people"),
    }


def test_the_incidents_readers_answer_alike_on_both_backends(
    archive: Archive, texts: Texts, archive_path: Path, view_database: str
) -> None:
    add_incident(archive, [make("I-1", texts), make("I-2", texts), make("I-3", texts)], "t")
    merge_incidents(archive, "I-2", "I-1", "same", "r")
    edit_incident(archive, [make("I-3", texts, harmed=("4@{report:three people}",))], "t")
    define_figure(archive, "all", Query("harmed"), "t")
    publish_figure(archive, "all", "t")
    expected = _answers(archive, texts)
    assert [row.id for row in expected["all"]] == ["I-1", "I-3"]  # type: ignore[attr-defined]
    assert [row.id for row in expected["rest"]] == ["I-3"]  # type: ignore[attr-defined]
    assert expected["harmed"][1].low == 7  # type: ignore[index]
    with Archive.open(archive_path, views=[IncidentsView()], database=view_database) as other:
        assert _answers(other, texts) == expected
        mark_copy(other, texts.records["reprint"], texts.records["newspaper"], "copied", "r")
        with pytest.raises(InputError, match="marked a copy already"):
            mark_copy(other, texts.records["reprint"], texts.records["report"], "again", "r")
        publish_figure(other, "all", "t")
        assert len(read_publications(other, "all")) == 2
