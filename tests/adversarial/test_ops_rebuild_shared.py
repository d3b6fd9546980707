"""`erfurt rebuild` while other processes have the views database open.

A server reading and a writer applying its records keep their connections across a
rebuild. The rebuild empties the views in place, so neither is left on a deleted file:
the writer's view updates are seen by everyone, and the reader sees the rebuilt views
and the writer's new records through the connection it already had.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from erfurt.archive import Archive, Record

ERFURT = str(Path(sys.executable).with_name("erfurt"))

_WRITER = """
import sys
from pathlib import Path
from erfurt.archive import Archive, Record
archive = Archive.open(Path(sys.argv[1]))
print("ready", flush=True)
for line in sys.stdin:
    count = int(line)
    for n in range(count):
        blob = archive.put_bytes(f"{line} {n} {archive.size}".encode())
        [index] = archive.append([Record("document.added", {
            "blob": blob.sha256, "size": blob.size, "name": f"w{archive.size}.txt",
            "media_type": "text/plain", "collection": "c", "time": archive.now(),
            "who": "writer"})])
    print(index, flush=True)
archive.close()
"""

_READER = """
import sqlite3, sys
from pathlib import Path
db = sqlite3.connect(Path(sys.argv[1]).resolve().as_uri() + "?mode=ro", uri=True)
print("ready", flush=True)
for line in sys.stdin:
    row = db.execute("SELECT count(*) FROM citations WHERE record = ?", (int(line),)).fetchone()
    print(row[0], flush=True)
"""


def _document(archive: Archive, text: str) -> Record:
    blob = archive.put_bytes(text.encode())
    return Record("document.added", {
        "blob": blob.sha256, "size": blob.size, "name": f"{text}.txt",
        "media_type": "text/plain", "collection": "c", "time": archive.now(), "who": "t",
    })  # fmt: skip


def _start(code: str, path: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert _ask(process, None) == "ready", process.stderr.read() if process.stderr else ""
    return process


def _ask(process: subprocess.Popen[str], line: int | None) -> str:
    assert process.stdin is not None and process.stdout is not None
    if line is not None:
        process.stdin.write(f"{line}\n")
        process.stdin.flush()
    answer = process.stdout.readline().strip()
    if not answer:
        process.wait()
        assert process.stderr is not None
        raise AssertionError(process.stderr.read())
    return answer


def _stop(process: subprocess.Popen[str]) -> str:
    """Close its input, wait for it to end; returns what it wrote to stderr."""
    assert process.stdin is not None and process.stdout is not None
    assert process.stderr is not None
    process.stdin.close()
    process.wait()
    process.stdout.close()
    with process.stderr:
        return process.stderr.read()


def _erfurt(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ERFURT, *map(str, args)], capture_output=True, text=True)


def _in_views(views_db: Path, index: int) -> bool:
    with (
        Archive.open(views_db.parent.parent, catch_up=False) as archive,
        archive.read_views() as db,
    ):
        row = db.execute("SELECT 1 FROM citations WHERE record = ?", (index,)).fetchone()
    return row is not None


def test_a_writer_and_a_reader_keep_working_across_rebuilds(tmp_path: Path) -> None:
    path = tmp_path / "archive"
    with Archive.init(path, origin="test.example/rebuild", who="t") as archive:
        archive.append([_document(archive, f"d{n}") for n in range(5)])
        views_db = archive.paths.views_db
    writer = _start(_WRITER, path)
    reader = _start(_READER, views_db)
    try:
        for _ in range(2):
            rebuilt = _erfurt("rebuild", "--archive", path, "--quiet")
            assert rebuilt.returncode == 0, rebuilt.stderr
            index = int(_ask(writer, 1))
            # The writer's update went to the file everyone reads, not to a deleted one ...
            assert _in_views(views_db, index), "the writer's view update was lost"
            # ... and the reader's open connection sees it too.
            assert _ask(reader, index) == "1", "the reader is left on a deleted file"
            assert _ask(reader, 2) == "1"  # and it sees the rebuilt records
    finally:
        for process in (writer, reader):
            _stop(process)
    checked = _erfurt("log", "check", "--views", "--archive", path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert not list(views_db.parent.glob("*.damaged-*"))


def test_rebuilds_during_a_stream_of_appends_lose_no_view_update(tmp_path: Path) -> None:
    path = tmp_path / "archive"
    Archive.init(path, origin="test.example/rebuild", who="t").close()
    writer = _start(_WRITER, path)
    try:
        assert writer.stdin is not None
        writer.stdin.write("40\n")  # 40 appends, one at a time, while rebuilds run
        writer.stdin.flush()
        for _ in range(3):
            rebuilt = _erfurt("rebuild", "--archive", path, "--quiet")
            assert rebuilt.returncode == 0, rebuilt.stderr
        last = int(_ask(writer, None))
    finally:
        errors = _stop(writer)
    assert writer.returncode == 0, errors
    with Archive.open(path, catch_up=False) as archive:
        assert archive.size == last + 1
        with archive.read_views() as db:  # as the writer left them: no catch-up here
            (rows,) = db.execute("SELECT count(DISTINCT record) FROM citations").fetchone()
    assert rows == last  # every document.added (record 0 creates the archive)
    checked = _erfurt("log", "check", "--views", "--archive", path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_rebuild_drops_what_was_planted_in_the_views_database(tmp_path: Path) -> None:
    path = tmp_path / "archive"
    with Archive.init(path, origin="test.example/rebuild", who="t") as archive:
        archive.append([_document(archive, "kept")])
        views_db = archive.paths.views_db
    with sqlite3.connect(views_db) as db:  # a trigger that hides every replayed citation
        db.execute("CREATE TRIGGER hide AFTER INSERT ON citations BEGIN DELETE FROM citations; END")
        db.execute('CREATE TABLE "x"" ; DROP TABLE view_state; --" (a)')
    with Archive.open(path, catch_up=False) as archive:
        assert archive.rebuild() is None  # emptied in place, not moved aside
        with archive.read_views() as db:
            names = {row[0] for row in db.execute("SELECT name FROM sqlite_schema")}
            (rows,) = db.execute("SELECT count(*) FROM citations").fetchone()
    assert "hide" not in names and not any(name.startswith("x") for name in names)
    assert rows == 1


def test_rebuild_moves_aside_a_database_it_cannot_empty(tmp_path: Path) -> None:
    path = tmp_path / "archive"
    with Archive.init(path, origin="test.example/rebuild", who="t") as archive:
        archive.append([_document(archive, "kept")])
        views_db = archive.paths.views_db
    with sqlite3.connect(views_db) as db:  # SQLite cannot drop a table of an unknown module
        db.execute("PRAGMA writable_schema = ON")
        db.execute(
            "INSERT INTO sqlite_schema VALUES ('table', 'odd', 'odd', 0, "
            "'CREATE VIRTUAL TABLE odd USING nosuchmodule()')"
        )
    with Archive.open(path, catch_up=False) as archive:
        aside = archive.rebuild()
        with archive.read_views() as db:
            (rows,) = db.execute("SELECT count(*) FROM citations").fetchone()
    assert aside is not None and aside.name == "views.sqlite.damaged-1" and aside.exists()
    assert rows == 1
