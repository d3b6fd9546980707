"""The entities view in PostgreSQL holds exactly what it holds in SQLite, and its readers
answer the same there (issue 13 item 2)."""

from __future__ import annotations

from erfurt.archive import Archive
from erfurt.entities import (
    EntitiesView,
    EntityFilter,
    document_records,
    list_entities,
    names_in_documents,
    pending_texts,
    read_dossier,
)
from erfurt.ingest import DocumentsView
from pg_cluster import PgCluster
from sealed_entities import QIAO, RESTRICTED, SHEN, SPLIT_NAME, Reviewed

VIEWS = [DocumentsView(), EntitiesView()]


def test_a_rebuild_into_postgresql_gives_the_digests_of_sqlite(
    reviewed: Reviewed, pg_cluster: PgCluster
) -> None:
    with Archive.open(reviewed.path, views=VIEWS) as local:
        expected = local.view_digests()
        with local.read_views() as db:
            reviews = [tuple(row) for row in db.execute("SELECT * FROM ent_reviews ORDER BY 1")]
    assert len(reviews) >= 3, "merges and links of sealed and public entities"
    url = pg_cluster.create_database()
    with Archive.open(reviewed.path, views=VIEWS, database=url) as remote:
        assert remote.view_digests() == expected
        with remote.query_views() as db:
            assert [tuple(r) for r in db.execute("SELECT * FROM ent_reviews ORDER BY 1")] == reviews


def _answers(archive: Archive) -> dict[str, object]:
    """What every reader of the entities view answers, with and without the restricted
    collection hidden."""
    hidden = frozenset({RESTRICTED})
    dossier = read_dossier(archive, QIAO)
    return {
        "list": list_entities(archive),
        "list hidden": list_entities(archive, EntityFilter(hidden=hidden)),
        "page 2": list_entities(archive, page=2, per_page=1),
        "dossier": dossier,
        "dossier hidden": read_dossier(archive, QIAO, hidden=hidden),
        "other dossier": read_dossier(archive, SHEN),
        "documents": document_records(archive, {p.source for p in dossier.mentions}),
        "pending": pending_texts(archive),
        "again": pending_texts(archive, again=True),
    }


def test_the_entities_readers_answer_alike_on_both_backends(
    reviewed: Reviewed, view_database: str
) -> None:
    with Archive.open(reviewed.path, views=VIEWS) as local:
        expected = _answers(local)
    listed = expected["list"]
    assert [e.id for e in listed.entities] == ["erf-made-up-qiao"]  # type: ignore[attr-defined]
    assert len(expected["again"]) == 2 and expected["pending"] == []  # type: ignore[arg-type]
    with Archive.open(reviewed.path, views=VIEWS, database=view_database) as other:
        assert _answers(other) == expected


def _names(archive: Archive) -> list[dict[str, list[str]]]:
    """What ``search name:`` asks of the entities: by a name, by a merged name, by an id."""
    with archive.query_views() as db:
        return [
            names_in_documents(db, ["Qiao Wenlan"]),
            names_in_documents(db, ["Shen Baoyu", "Fang Delun", SPLIT_NAME]),
            names_in_documents(db, ["Nobody Here"], ["erf-made-up-qiao"]),
            names_in_documents(db, []),
        ]


def test_names_in_documents_answers_alike_on_both_backends(
    reviewed: Reviewed, view_database: str
) -> None:
    with Archive.open(reviewed.path, views=VIEWS) as local:
        expected = _names(local)
    # Every name the merges gathered into the linked person, the most frequent first,
    # then in log order: the order PostgreSQL must keep too.
    gathered = {"erf-made-up-qiao": ["Qiao Wenlan", "Shen Baoyu", "Fang Delun", "Lu Kanghai"]}
    assert expected == [gathered, gathered, gathered, {}]
    with Archive.open(reviewed.path, views=VIEWS, database=view_database) as other:
        assert _names(other) == expected
