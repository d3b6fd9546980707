"""Views kept in files of their own: the search index in ``views/search.sqlite``.

Each file is a store with its own ``view_state``; readers attach every file, so a query
names any view's tables; an archive made when every view was in ``views.sqlite`` moves
the search index out on its first open, leaving no stale copy a query could find first.
"""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path

from erfurt.archive import Archive
from erfurt.archive.views import DamagedViewsError
from erfurt.archive.viewstore import ViewStore
from erfurt.ingest import DocumentsView, ExtractionsView, ExtractOptions, add_paths, extract_pending
from erfurt.search import SearchView, search

VIEWS = [DocumentsView(), ExtractionsView(), SearchView()]


def _add_text(archive: Archive, name: str, text: str) -> None:
    """Add a file holding ``text`` and extract it, as `erfurt add` does."""
    folder = archive.paths.root.parent / "incoming"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    add_paths(archive, [folder / name], who="tester")
    extract_pending(archive, ExtractOptions(time_limit_s=3600), who="tester", workers=1)


def _remove_with_journals(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _tables(path: Path) -> set[str]:
    db = sqlite3.connect(path)
    try:
        return {str(r[0]) for r in db.execute("SELECT name FROM sqlite_schema")}
    finally:
        db.close()


def _found(archive: Archive, query: str) -> list[str]:
    with archive.read_views() as db:
        return [hit.name for hit in search(db, query).hits]


def test_the_search_index_has_a_file_of_its_own_and_readers_see_both(tmp_path: Path) -> None:
    with Archive.init(tmp_path / "a", who="tester", views=VIEWS) as archive:
        _add_text(archive, "report.txt", "the police detained a witness 警察")
        views = archive.paths.views_db
        assert "search_index" in _tables(views.with_name("search.sqlite"))
        assert not any(t.startswith("search_") for t in _tables(views))
        assert "documents" in _tables(views)
        assert _found(archive, "detained") == ["report.txt"]
        assert _found(archive, "警") == ["report.txt"]
        with archive.read_views() as db:  # one query joins tables of both files
            joined = db.execute(
                "SELECT d.name FROM documents AS d JOIN search_documents AS s ON s.doc = d.record"
            ).fetchall()
        assert [row[0] for row in joined] == ["report.txt"]


def test_an_archive_with_every_view_in_one_file_moves_the_search_index_out(
    tmp_path: Path,
) -> None:
    root = tmp_path / "a"
    with Archive.init(root, who="tester", views=VIEWS) as archive:
        _add_text(archive, "old.txt", "an older report of arrests")
        views = archive.paths.views_db
        expected = archive.view_digests()
    # The layout of before: every view in views.sqlite, no search.sqlite.
    _remove_with_journals(views.with_name("search.sqlite"))
    with Archive.open(root, catch_up=False) as reading:
        records = list(reading.records())
        one_file = ViewStore(views, VIEWS)
        one_file.apply(records, reading, start=0, end=len(records))
        one_file.close()
    # A stale row only the old file holds: found if queries read the old tables first.
    db = sqlite3.connect(views)
    db.execute("UPDATE search_documents SET name = 'stale.txt'")
    db.commit()
    db.close()
    assert "search_index" in _tables(views)

    with Archive.open(root, views=VIEWS) as archive:
        assert not any(t.startswith("search_") for t in _tables(views))
        assert _found(archive, "arrests") == ["old.txt"]
        assert archive.view_digests() == expected


def test_rebuild_replays_both_files_and_moves_a_damaged_search_file_aside(
    tmp_path: Path,
) -> None:
    root = tmp_path / "a"
    with Archive.init(root, who="tester", views=VIEWS) as archive:
        _add_text(archive, "one.txt", "a protest at the station")
        expected = archive.view_digests()
        search_file = archive.paths.views_db.with_name("search.sqlite")
    _remove_with_journals(search_file)
    search_file.write_bytes(b"not a database" * 100)
    with Archive.open(root, views=VIEWS, catch_up=False) as archive:
        aside = archive.rebuild()
        assert aside == search_file.with_name("search.sqlite.damaged-1")
        assert aside.read_bytes().startswith(b"not a database")
        assert archive.view_digests() == expected
        assert _found(archive, "protest") == ["one.txt"]


def test_a_damaged_views_error_crosses_a_process_boundary_whole(tmp_path: Path) -> None:
    """Raised in a search process, it reaches the server pickled: rebuilt, not a TypeError."""
    raised = DamagedViewsError(tmp_path / "search.sqlite", sqlite3.DatabaseError("malformed"))
    received = pickle.loads(pickle.dumps(raised))
    assert isinstance(received, DamagedViewsError)
    assert received.message == raised.message and "search.sqlite" in received.message
    assert received.hint == raised.hint
