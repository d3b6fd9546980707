"""The follower: another process applies the search index's file while a writer appends.

The writer leaves that file alone while followed, the follower applies it from the log
and ends when the writer's pipe closes, and a follower that fails costs nothing but
time: the writer catches every view up itself when the block ends.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from erfurt.archive import Archive, BlobReader, Record, followed
from erfurt.archive.follower import FOLLOW_CHUNK
from erfurt.ingest import (
    BatchLimits,
    DocumentsView,
    ExtractionsView,
    ExtractOptions,
    add_paths,
    extract_pending,
)
from erfurt.search import FOLLOWER as COMMAND
from erfurt.search import SearchView, search

VIEWS = [DocumentsView(), ExtractionsView(), SearchView()]


def _add_texts(archive: Archive, texts: dict[str, str]) -> None:
    folder = archive.paths.root.parent / "incoming"
    folder.mkdir(exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    add_paths(archive, [folder / name for name in texts], who="tester")
    extract_pending(archive, ExtractOptions(time_limit_s=3600), who="tester", workers=1)


def _search_position(archive: Archive) -> int:
    db = sqlite3.connect(archive.view_files[1])
    try:
        row = db.execute("SELECT next_index FROM view_state WHERE name = 'search'").fetchone()
        return int(row[0])
    finally:
        db.close()


def _found(archive: Archive, query: str) -> list[str]:
    with archive.read_views() as db:
        return sorted(hit.name for hit in search(db, query).hits)


class _Transactions:
    """A view that notes which records each transaction applied to it."""

    version = 1
    kinds = frozenset({"document.added"})
    backends = frozenset({"sqlite"})

    def __init__(self, name: str) -> None:
        self.name = name
        self.applied: list[list[int]] = [[]]

    def create(self, db: sqlite3.Connection) -> None:
        db.execute(f"CREATE TABLE {self.name} (n INTEGER)")

    def apply(self, db: sqlite3.Connection, index: int, record: Record, blobs: BlobReader) -> None:
        self.applied[-1].append(index)

    def finish(self, db: sqlite3.Connection) -> None:
        self.applied.append([])


def test_a_catch_up_applies_as_many_records_per_transaction_as_asked(tmp_path: Path) -> None:
    """The follower's transactions are larger than a catch-up's (they cost the search
    view's counting once each), and bounded all the same."""
    assert FOLLOW_CHUNK > 1000
    with Archive.init(tmp_path / "a", who="tester", views=VIEWS) as archive:
        _add_texts(archive, {f"{n}.txt": f"note {n}" for n in range(12)})
        documents = [i for i, r in archive.records() if r.kind == "document.added"]
    for per_transaction, most in ((5, 5), (None, 2000)):
        view = _Transactions(f"every_{per_transaction}")
        with Archive.open(tmp_path / "a", views=[*VIEWS, view], catch_up=False) as archive:
            archive.catch_up(per_transaction=per_transaction)
        transactions = [t for t in view.applied if t]
        assert sorted(i for t in transactions for i in t) == documents  # each once
        assert all(t[-1] - t[0] < most for t in transactions)
        assert len(transactions) == (
            1 if per_transaction is None else len({i // 5 for i in documents})
        )


def test_the_writer_leaves_the_search_file_to_the_follower_and_catches_up_if_it_fails(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    failing = [sys.executable, "-c", "import sys; sys.exit(3)"]
    with Archive.init(tmp_path / "a", who="tester", views=VIEWS) as archive:
        before = _search_position(archive)
        with caplog.at_level(logging.WARNING), followed(archive, failing):
            _add_texts(archive, {"one.txt": "a warrant for the officer"})
            assert archive.size > before
            assert _search_position(archive) == before  # left to the follower
            with archive.read_views() as db:  # every other view applied as usual
                assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
        assert "ended with status 3" in caplog.text
        assert _search_position(archive) == archive.size
        assert _found(archive, "warrant") == ["one.txt"]


def test_a_writer_that_fails_or_is_interrupted_stops_its_follower_at_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The writer's error (or Ctrl-C) ends the follower without waiting for it to catch up:
    one that would never end on its own is gone when the block is left, with no word
    about it. Nothing here waits on the clock: the follower says its pid through a FIFO
    (the read returns once it has written), then pauses until a signal ends it."""
    fifo = tmp_path / "pid"
    os.mkfifo(fifo)
    endless = [sys.executable, "-c",
               f"import os, signal; open({str(fifo)!r}, 'w').write(str(os.getpid()));"
               " signal.pause()"]  # fmt: skip
    with Archive.init(tmp_path / "a", who="tester", views=VIEWS) as archive:
        with (
            caplog.at_level(logging.WARNING),
            pytest.raises(KeyboardInterrupt),
            followed(archive, endless),
        ):
            pid = fifo.read_text()  # returns once the follower has started and written it
            raise KeyboardInterrupt
        assert not Path(f"/proc/{pid}").exists()  # ended and reaped
        assert "ended with status" not in caplog.text


def test_a_follower_applies_the_search_file_and_ends_when_the_pipe_closes(
    tmp_path: Path,
) -> None:
    with Archive.init(tmp_path / "a", who="tester", views=VIEWS) as archive:
        archive.catch_up()
        follower = subprocess.Popen(
            [*COMMAND, str(archive.paths.root), "search.sqlite"],
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        with archive.leaving_views(archive.view_files[1:]):
            _add_texts(archive, {"a.txt": "police at the station", "b.txt": "警察在车站"})
            written = archive.size
            assert _search_position(archive) < written
        _, errors = follower.communicate(timeout=600)  # closes its stdin: the writer is done
        assert follower.returncode == 0, errors
        assert _search_position(archive) == written  # applied by the follower alone
        assert _found(archive, "station") == ["a.txt"]
        assert _found(archive, "车站") == ["b.txt"]


def test_add_logs_texts_batch_by_batch_and_is_searchable_when_it_returns(tmp_path: Path) -> None:
    """More files than a batch holds: the first batch's texts are logged before the
    second batch's files (so the follower has texts to index while `add` reads on)."""
    from click.testing import CliRunner

    from erfurt.cli.main import cli

    folder = tmp_path / "files"
    folder.mkdir()
    files = BatchLimits().files + 6
    for n in range(files):
        (folder / f"{n:04d}.txt").write_text(f"note {n} detained at the protest {n}", "utf-8")
    root = tmp_path / "a"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "--archive", str(root), "--who", "t"]).exit_code == 0
    added = runner.invoke(cli, ["add", "--archive", str(root), "--who", "t", "--json", str(folder)])
    assert added.exit_code == 0, added.output
    lines = [json.loads(line) for line in added.stdout.splitlines()]
    assert sum(1 for line in lines if line.get("outcome") == "added") == files
    with Archive.open(root, catch_up=False) as archive:
        kinds = [record.kind for _, record in archive.records()]
    assert kinds.count("text.extracted") == files
    assert kinds.index("text.extracted") < len(kinds) - 1 - kinds[::-1].index("document.added")
    found = runner.invoke(cli, ["search", "--archive", str(root), "--json", "protest"])
    assert json.loads(found.stdout)["total"] == files
    checked = runner.invoke(cli, ["log", "check", "--archive", str(root), "--views"])
    assert checked.exit_code == 0, checked.output


def test_add_also_extracts_what_an_earlier_run_left_pending(tmp_path: Path) -> None:
    """Each batch extracts its own files only (no pass over the archive); the files an
    interrupted run preserved but never extracted are extracted at the end."""
    from click.testing import CliRunner

    from erfurt.cli.main import cli

    root = tmp_path / "a"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "--archive", str(root), "--who", "t"]).exit_code == 0
    earlier = tmp_path / "earlier.txt"
    earlier.write_text("left pending by a run that was killed", "utf-8")
    with Archive.open(root, views=VIEWS) as archive:
        add_paths(archive, [earlier], who="t")  # preserved, never extracted
    later = tmp_path / "later.txt"
    later.write_text("added by the next run", "utf-8")
    added = runner.invoke(cli, ["add", "--archive", str(root), "--who", "t", str(later)])
    assert added.exit_code == 0, added.output
    assert "text: 2 extracted" in added.stderr
    with Archive.open(root, views=VIEWS) as archive:
        assert _found(archive, "killed") == ["earlier.txt"]
        assert _found(archive, "next") == ["later.txt"]
