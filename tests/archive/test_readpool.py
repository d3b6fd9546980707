"""The views' read connections are kept open between uses, and never show a stale state."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from erfurt.archive import Archive, Record


def _added(archive: Archive, name: str) -> Record:
    blob = archive.put_bytes(name.encode())
    return Record(
        "document.added",
        {"blob": blob.sha256, "size": blob.size, "name": name, "media_type": "text/plain",
         "collection": "c", "time": archive.now(), "who": "tester"},
    )  # fmt: skip


def _names(db: sqlite3.Connection) -> list[str]:
    return [row["name"] for row in db.execute("SELECT name FROM documents ORDER BY name")]


def test_a_read_connection_is_reused_and_sees_later_appends(archive: Archive) -> None:
    archive.append([_added(archive, "one.txt")])
    with archive.read_views() as first:
        assert _names(first) == ["one.txt"]
    archive.append([_added(archive, "two.txt")])
    with archive.read_views() as second:
        assert second is first
        assert _names(second) == ["one.txt", "two.txt"]


def test_a_transaction_left_open_does_not_pin_an_old_snapshot(archive: Archive) -> None:
    archive.append([_added(archive, "one.txt")])
    with archive.read_views() as db:
        db.execute("BEGIN")
        assert _names(db) == ["one.txt"]
        db.row_factory = None
    archive.append([_added(archive, "two.txt")])
    with archive.read_views() as db:
        assert _names(db) == ["one.txt", "two.txt"]  # rows by column name: factory restored


def test_readers_at_once_get_their_own_connections_from_any_thread(archive: Archive) -> None:
    archive.append([_added(archive, "one.txt")])
    seen: list[list[str]] = []
    with archive.read_views() as mine:

        def other_thread() -> None:
            with archive.read_views() as theirs:
                assert theirs is not mine
                seen.append(_names(theirs))

        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    assert seen == [["one.txt"]]
    with archive.read_views() as db:  # a connection opened in the other thread, lent here
        assert _names(db) == ["one.txt"]


def test_a_rebuild_closes_idle_readers_and_answers_the_same(archive: Archive) -> None:
    archive.append([_added(archive, "one.txt"), _added(archive, "two.txt")])
    with archive.read_views() as before:
        names = _names(before)
    archive.rebuild()
    with archive.read_views() as after:
        assert after is not before
        assert _names(after) == names
    with pytest.raises(sqlite3.ProgrammingError):  # closed by the rebuild
        before.execute("SELECT 1")


def test_closing_the_archive_closes_its_readers(archive: Archive) -> None:
    with archive.read_views() as db:
        pass
    archive.close()
    with pytest.raises(sqlite3.ProgrammingError):
        db.execute("SELECT 1")
