"""The entities view in PostgreSQL holds exactly what it holds in SQLite (issue 13 item 2)."""

from __future__ import annotations

from erfurt.archive import Archive
from erfurt.entities import EntitiesView
from erfurt.ingest import DocumentsView
from pg_cluster import PgCluster
from sealed_entities import Reviewed


def test_a_rebuild_into_postgresql_gives_the_digests_of_sqlite(
    reviewed: Reviewed, pg_cluster: PgCluster
) -> None:
    views = [DocumentsView(), EntitiesView()]
    with Archive.open(reviewed.path, views=views) as local:
        expected = local.view_digests()
        with local.read_views() as db:
            reviews = [tuple(row) for row in db.execute("SELECT * FROM ent_reviews ORDER BY 1")]
    assert len(reviews) >= 3, "merges and links of sealed and public entities"
    url = pg_cluster.create_database()
    with Archive.open(reviewed.path, views=views, database=url) as remote:
        assert remote.view_digests() == expected
        with remote.query_views() as db:
            assert [tuple(r) for r in db.execute("SELECT * FROM ent_reviews ORDER BY 1")] == reviews
