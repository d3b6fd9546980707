"""PostgreSQL restarted while Erfurt writes the views (issue 13, "Bad input and faults"):
a rebuild goes on from where the views' positions stand, and applies nothing twice."""

from __future__ import annotations

from pathlib import Path

from erfurt.archive import Archive
from erfurt.cli.options import all_views
from erfurt.ingest import ExtractOptions, add_paths, extract_pending
from pg_cluster import PgCluster


def test_postgresql_restarted_mid_rebuild_resumes_and_applies_nothing_twice(
    tmp_path: Path, pg_cluster: PgCluster
) -> None:
    files = tmp_path / "files"
    files.mkdir()
    for n in range(12):
        (files / f"note-{n:02d}.txt").write_text(f"Note {n} about the order.\n", encoding="utf-8")
    path = tmp_path / "archive"
    with Archive.init(path, origin="example.org/pg-restart", who="t", views=all_views()) as a:
        add_paths(a, [files], collection="notes", who="t")
        extract_pending(a, ExtractOptions(), who="t", workers=1)
        middle = a.size // 2
    with Archive.open(path, views=all_views(), database=pg_cluster.create_database()) as clean:
        clean.rebuild()
        expected = clean.view_digests()  # PostgreSQL's search tables are not FTS5's
    restarted: list[int] = []

    def restart_once(index: int) -> None:
        if index == middle and not restarted:
            restarted.append(index)
            pg_cluster.stop()  # fast: the rebuild's connection is cut
            pg_cluster.start()

    url = pg_cluster.create_database()
    with Archive.open(path, views=all_views(), database=url) as archive:
        archive.rebuild(on_record=restart_once)
        assert restarted == [middle]
        assert archive.view_digests() == expected
