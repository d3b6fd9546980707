"""Issue 13 item 2: the views in PostgreSQL answer as the views in SQLite do.

A real PostgreSQL 15 cluster (tests/pg_cluster.py), one per session; each test gets its
own database.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path
from typing import cast

import pytest
from click.testing import CliRunner, Result

from erfurt.archive import (
    Archive,
    BlobReader,
    Record,
    RegistrySecret,
    RequestsView,
    RequestTag,
    View,
    ViewConnection,
)
from erfurt.archive.viewdb import ViewDatabaseError, connect_postgresql, redacted_url, translate
from erfurt.archive.viewstore import ViewStore
from erfurt.cli import cli
from erfurt.config import ArchiveConfig
from erfurt.declarations import (
    DeclarationsView,
    audit_tally,
    declare,
    imported_count,
    number_of,
    read_tally,
)
from erfurt.errors import ConfigError
from erfurt.ingest import DocumentsView, ExtractionsView
from erfurt.ingest.documents import find_sighting, is_preserved
from erfurt.ingest.extractions import failures, low_confidence, pending_blobs
from erfurt.names import NamesView, import_list, load_matcher, loaded_entities, loaded_lists
from erfurt.outreach import (
    OutreachView,
    calls_under_other_keys,
    find_calls,
    hash_phone,
    log_call,
    read_stats,
)
from erfurt.redaction import RedactionsView, Span, latest_redaction, mark_redaction, redactions
from erfurt.search import NameForm, SearchView, search
from pg_cluster import PgCluster, free_port

PORTED: tuple[type[View], ...] = (
    DocumentsView,
    ExtractionsView,
    DeclarationsView,
    OutreachView,
    NamesView,
    RedactionsView,
    SearchView,
    RequestsView,
)
SECRET = RegistrySecret(bytes(range(32)))
NUMBER = "+8613800138000"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_like(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive (views in SQLite) of the kinds of files the demo holds: English and
    Chinese text, HTML, a zip with members, a PDF that fails, the same bytes twice."""
    folder = tmp_path_factory.mktemp("pg-demo")
    docs = folder / "docs"
    docs.mkdir()
    (docs / "order.txt").write_text("Carrie Lam signed the order.\n", encoding="utf-8")
    (docs / "名单.txt").write_text("国家卫生健康委员会 名单 王小明\n", encoding="utf-8")
    (docs / "page.html").write_text(
        "<html><body><h1>Detained</h1><p>Held at the station.</p></body></html>",
        encoding="utf-8",
    )
    (docs / "broken.pdf").write_bytes(b"%PDF-1.7\nnot really a pdf\n")
    (docs / "copy of order.txt").write_text("Carrie Lam signed the order.\n", encoding="utf-8")
    members = io.BytesIO()
    with zipfile.ZipFile(members, "w") as archive_zip:
        archive_zip.writestr("inner/notes.txt", "Notes from the hearing.\n")
        archive_zip.writestr("inner/清单.txt", "拘留 名单\n")
    (docs / "bundle.zip").write_bytes(members.getvalue())
    arch = folder / "arch"
    assert (
        run("init", "--archive", arch, "--origin", "test.example/pg", "--who", "t").exit_code == 0
    )
    added = run("add", "--archive", arch, "--who", "ana", "--collection", "main", docs)
    assert added.exit_code == 0, added.output
    again = run(
        "add", "--archive", arch, "--who", "bo", "--collection", "other", docs / "order.txt"
    )
    assert again.exit_code == 0, again.output
    with _open(arch) as archive:
        declare(archive, alias="Spring", organisations=["Party"], place="Wuhan")
        declare(archive, alias="Autumn", organisations=["Party", "Youth League"])
        declare(archive, alias="Again", organisations=["Party"], identity="王小明; 1970-01-01",
                secret=SECRET, receipt=folder / "r1.json")  # fmt: skip
        twice = "王小明; 1970-01-01"
        declare(archive, alias="Twice", organisations=["Young Pioneers"], identity=twice,
                secret=SECRET, receipt=folder / "r2.json")  # fmt: skip
        retried = RequestTag.of(SECRET, principal="li", route="POST /calls", key="k", body=b"")
        for outcome in ("listened", "hung-up", "declared"):
            log_call(archive, SECRET, number=NUMBER, outcome=outcome, volunteer="li",
                     request=retried if outcome == "declared" else None)  # fmt: skip
        log_call(archive, RegistrySecret(bytes(32)), number=NUMBER, outcome="abusive")
        listed = folder / "list.ftm.json"
        person = {
            "id": "p-1",
            "schema": "Person",
            "properties": {"name": ["ZHANG, Xiaoming", "张晓明"], "birthDate": ["1963-09-03"]},
        }
        company = {"id": "o-1", "schema": "Organization", "properties": {
            "name": ["Example Trading Company"]}}  # fmt: skip
        listed.write_text(json.dumps(person, ensure_ascii=False) + "\n", encoding="utf-8")
        import_list(archive, "ftm", listed, "t", name="first")
        import_list(archive, "ftm", listed, "t", name="first")  # already loaded: not logged
        listed.write_text(json.dumps(company) + "\n", encoding="utf-8")
        import_list(archive, "ftm", listed, "t", name="second")
        with archive.query_views() as db:
            [(order,)] = db.execute(
                "SELECT blob FROM documents WHERE name = 'order.txt' AND collection = 'main'"
            ).fetchall()
        mark_redaction(archive, order, spans=[Span(0, 10)], regions=[], reason="a witness",
                       who="t")  # fmt: skip
    return arch


def _open(arch: Path, database: str | None = None) -> Archive:
    return Archive.open(arch, views=[view() for view in PORTED], database=database)


def _answers(archive: Archive) -> list[object]:
    """A fixed set of queries on the ported views, as their callers read them."""
    with archive.query_views() as db:
        blob = str(db.execute("SELECT blob FROM documents ORDER BY record LIMIT 1").fetchone()[0])
        name = str(db.execute("SELECT name FROM documents ORDER BY record LIMIT 1").fetchone()[0])
        answers: list[object] = [
            failures(db),
            failures(db, "main"),
            failures(db, "nowhere"),
            low_confidence(db, 101),
            pending_blobs(db, retry_failed=False),
            pending_blobs(db, retry_failed=True),
            pending_blobs(db, retry_failed=True, collection="main", after=2, limit=2),
            pending_blobs(db, retry_failed=True, only={blob}),
            pending_blobs(db, retry_failed=False, extractor="text"),
            find_sighting(db, blob, name, "main"),
            find_sighting(db, blob, name, "other"),
            is_preserved(db, blob),
            is_preserved(db, "0" * 64),
            [tuple(row) for row in db.execute("SELECT * FROM documents ORDER BY name, record")],
            [tuple(row) for row in db.execute("SELECT * FROM extractions ORDER BY source")],
            [tuple(row) for row in db.execute("SELECT * FROM citations ORDER BY 1, 2, 3, 4")],
        ]
    with archive.query_views() as db:
        declared = [int(r[0]) for r in db.execute("SELECT log_index FROM declarations_number")]
        answers += [
            [number_of(db, index) for index in declared],
            imported_count(db, b"\0" * 32),
            find_calls(db, hash_phone(SECRET, NUMBER)),
            calls_under_other_keys(db, SECRET.key_id),
        ]
    answers += [read_tally(archive, by) for by in ("total", "day", "organisation", "place")]
    answers += [audit_tally(archive), read_stats(archive, "week"), read_stats(archive, "month")]
    with archive.query_views() as db:
        answers += [redactions(db), latest_redaction(db, "0" * 64)]
    answers += [loaded_lists(archive), loaded_entities(archive), load_matcher(archive).to_bytes()]
    answers.append(archive.custody(3))
    with archive.query_views() as db:
        answers += [search(cast(sqlite3.Connection, db), query, names=_spellings, facets=True)
                    for query in SEARCHES]  # fmt: skip
    return answers


SEARCHES = (
    "order",  # a word, in two collections and in a file name
    '"signed the order"',  # a phrase
    "detain*",  # a prefix
    "名",  # Chinese: one character, two, four
    "名单",
    "卫生健康",
    "國家衛生",  # traditional finds simplified
    'name:"Carrie Lam"',  # a name and its listed spellings
    "order collection:other",  # a filter
    "notes OR 拘留 OR held",  # alternatives, and facets over several files
    "order -carrie",  # nothing left
)


def _spellings(name: str) -> list[NameForm]:
    return [NameForm("LAM, Carrie", "alias"), NameForm("林鄭月娥", "listed")]


def test_rebuild_into_postgresql_answers_byte_for_byte_as_sqlite(
    demo_like: Path, pg_cluster: PgCluster
) -> None:
    with _open(demo_like) as local:
        expected = _answers(local)
        local_digests = local.view_digests(portable=True)
        # The search index is the only table kept in another form on PostgreSQL.
        assert local.view_digests()["search"] != local_digests["search"]
        assert {n: d for n, d in local.view_digests().items() if n != "search"} == {
            n: d for n, d in local_digests.items() if n != "search"
        }
    url = pg_cluster.create_database()
    with _open(demo_like, url) as remote:
        remote.rebuild()
        assert remote.view_digests(portable=True) == local_digests
        assert repr(_answers(remote)).encode() == repr(expected).encode()
        assert any(expected[0:1]), "the archive holds a failed extraction"  # type: ignore[arg-type]
        # Replaying again in place (an existing database) changes nothing.
        before = remote.view_digests()
        remote.rebuild()
        assert remote.view_digests() == before
    # The views check compares the PostgreSQL views with a fresh replay in SQLite.
    checked = run("log", "check", "--archive", demo_like, "--views", "--json")
    assert checked.exit_code == 0, checked.output


def test_an_archive_configured_for_postgresql_keeps_its_views_there(
    demo_like: Path, view_database: str, tmp_path: Path
) -> None:
    arch = tmp_path / "arch"
    shutil.copytree(demo_like, arch)
    with _open(arch, view_database) as archive:
        before = archive.size
        blob = archive.put_bytes(b"a new statement")
        record = Record(
            "document.added",
            {"blob": blob.sha256, "size": blob.size, "name": "new.txt",
             "media_type": "text/plain", "collection": "late", "time": archive.now(),
             "who": "t"},
        )  # fmt: skip
        [index] = archive.append([record])
        with archive.query_views() as db:
            assert find_sighting(db, blob.sha256, "new.txt", "late") == index == before
            assert pending_blobs(db, retry_failed=False, collection="late")[0][1] == blob.sha256


class _SqliteOnly:
    """A view that declares no backends: SQLite's alone."""

    name = "sqlite_only"
    version = 1
    kinds = frozenset({"document.added"})

    def create(self, db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE sqlite_only (record INTEGER PRIMARY KEY)")

    def apply(self, db: sqlite3.Connection, index: int, record: Record, blobs: BlobReader) -> None:
        db.execute("INSERT INTO sqlite_only VALUES (?)", (index,))


def test_views_not_ported_are_refused_by_name(demo_like: Path, pg_cluster: PgCluster) -> None:
    url = pg_cluster.create_database()
    with pytest.raises(ConfigError) as refused:
        Archive.open(demo_like, views=[DocumentsView(), _SqliteOnly()], database=url)
    assert "sqlite_only" in refused.value.message and "documents" not in refused.value.message
    with Archive.open(demo_like, database=url) as archive, pytest.raises(ConfigError) as read:
        archive.read_views().__enter__()
    assert "PostgreSQL" in read.value.message


def test_postgresql_down_at_start_is_a_clear_message_without_the_password(
    demo_like: Path, pg_cluster: PgCluster
) -> None:
    url = f"postgresql://erfurt:{pg_cluster.password}@127.0.0.1:{free_port()}/views"
    with pytest.raises(ViewDatabaseError) as down:
        _open(demo_like, url)
    assert pg_cluster.password not in down.value.message + down.value.hint
    assert "start PostgreSQL" in down.value.hint
    shown = run("--database", url, "rebuild", "--archive", demo_like)
    assert shown.exit_code == 1
    assert "Error:" in shown.output and "Traceback" not in shown.output
    verbose = run("-v", "--database", url, "rebuild", "--archive", demo_like)  # tracebacks too
    assert pg_cluster.password not in shown.output + verbose.output


class _CutsItsConnection:
    """A portable view that counts documents, and makes PostgreSQL end its own
    connection at one record (``times`` times): a connection that drops halfway through
    a batch."""

    name = "cut"
    version = 1
    kinds = frozenset({"document.added"})
    backends = frozenset({"sqlite", "postgresql"})

    def __init__(self, at: int, times: int = 1) -> None:
        self.at = at
        self.times = times
        self.cuts = 0

    def create(self, db: ViewConnection) -> None:
        db.execute("CREATE TABLE cut (record INTEGER PRIMARY KEY)")

    def apply(self, db: ViewConnection, index: int, record: Record, blobs: BlobReader) -> None:
        db.execute("INSERT INTO cut VALUES (?)", (index,))
        if index == self.at and self.cuts < self.times:
            self.cuts += 1
            db.execute("SELECT pg_terminate_backend(pg_backend_pid())")


def test_a_connection_dropped_mid_rebuild_resumes_and_applies_nothing_twice(
    demo_like: Path, pg_cluster: PgCluster
) -> None:
    with _open(demo_like) as local:
        local_digests = local.view_digests()
        documents = [i for i, r in local.records() if r.kind == "document.added"]
    cutter = _CutsItsConnection(at=documents[len(documents) // 2])
    url, clean_url = pg_cluster.create_database(), pg_cluster.create_database()
    views = [DocumentsView(), SearchView(), cutter]
    with Archive.open(demo_like, views=views, database=url) as archive:
        archive.rebuild()
        assert cutter.cuts == 1
        with archive.query_views() as db:
            rows = [int(row[0]) for row in db.execute("SELECT record FROM cut ORDER BY record")]
        assert rows == documents
        digests = archive.view_digests()
    assert digests["documents"] == local_digests["documents"]
    # The search postings held back for COPY when the connection dropped went with it.
    with Archive.open(demo_like, views=[SearchView()], database=clean_url) as clean:
        clean.rebuild()
        assert clean.view_digests()["search"] == digests["search"]


def test_copy_writes_any_text_as_an_insert_would(pg_cluster: PgCluster) -> None:
    db = connect_postgresql(pg_cluster.create_database())
    try:
        db.execute("CREATE TABLE t (n INTEGER, s TEXT, a INTEGER[])")
        rows = [
            (1, "tab\there\nnew\\line\r\\N", [3, 1, 2**40]),
            (-2, None, []),
            (3, "国家 é", None),
        ]
        with db.pipelined():
            db.execute("INSERT INTO t VALUES (0, 'before', NULL)")
            db.copy("t", ("n", "s", "a"), rows)
            db.execute("INSERT INTO t VALUES (4, 'after', NULL)")
        got = [tuple(row) for row in db.execute("SELECT * FROM t ORDER BY n")]
    finally:
        db.close()
    assert got == sorted([(0, "before", None), *rows, (4, "after", None)], key=lambda r: r[0])


def test_the_bulk_path_writes_the_rows_the_row_by_row_path_writes(
    demo_like: Path, pg_cluster: PgCluster, tmp_path: Path
) -> None:
    """The search index written with COPY (held back per batch) against one written a
    statement per document: texts replaced within a batch and across batches."""
    with _open(demo_like) as archive:
        records = list(archive.records())
        texts = [record for _, record in records if record.kind == "text.extracted"]
        for record in texts + texts[::-1]:  # each text replaced twice, in other orders
            records.append((len(records), record))
        answers, digests = [], []
        for bulk in (True, False):
            url = pg_cluster.create_database()
            store = ViewStore(tmp_path / "unused.sqlite", [SearchView()], database=url, bulk=bulk)
            try:
                store.prepare(rebuild=True)
                for start in range(0, len(records), 5):
                    batch = records[start : start + 5]
                    store.apply(batch, archive, start=start, end=start + len(batch))
                store.finish_load()  # as a rebuild's catch-up ends: the load's counts
                digests.append(store.digests())
            finally:
                store.close()
            db = connect_postgresql(url)
            try:
                answers.append(
                    [
                        search(cast(sqlite3.Connection, db), query, names=_spellings, facets=True)
                        for query in SEARCHES
                    ]
                )
            finally:
                db.close()
    assert len(texts) >= 5 and not (tmp_path / "unused.sqlite").exists()
    assert digests[0] == digests[1]
    assert repr(answers[0]).encode() == repr(answers[1]).encode()
    assert any(hits for hits in answers[0])


def test_a_password_in_erfurt_toml_is_refused() -> None:
    with pytest.raises(ConfigError) as refused:
        ArchiveConfig.from_toml('database = "postgresql://erfurt:s3cret@db.example/views"\n')
    assert "s3cret" not in refused.value.message and "PGPASSWORD" in refused.value.hint
    config = ArchiveConfig.from_toml('database = "postgresql://erfurt@db.example:5432/views"\n')
    assert config.database.endswith(":5432/views")


def test_the_views_sql_is_translated_for_postgresql() -> None:
    assert translate("SELECT a FROM t WHERE b = ? AND c LIKE 'x%?'") == (
        "SELECT a FROM t WHERE b = %s AND c LIKE 'x%%?'"
    )
    assert translate(
        "CREATE TABLE t (a INTEGER PRIMARY KEY, b BLOB, c TEXT, d REAL, e TEXT DEFAULT 'TEXT')"
        " WITHOUT ROWID"
    ) == (
        'CREATE TABLE t (a BIGINT PRIMARY KEY, b BYTEA, c TEXT COLLATE "C", '
        "d DOUBLE PRECISION, e TEXT COLLATE \"C\" DEFAULT 'TEXT')"
    )
    assert translate("INSERT OR IGNORE INTO t (a) VALUES (?)") == (
        "INSERT INTO t (a) VALUES (%s) ON CONFLICT DO NOTHING"
    )
    assert redacted_url("postgresql://u:p%40ss@h:1/d") == "postgresql://u:***@h:1/d"
    assert json.dumps(redacted_url("postgresql://h/d")) == '"postgresql://h/d"'


def test_a_connection_that_drops_at_the_same_record_again_stops_the_rebuild(
    demo_like: Path, pg_cluster: PgCluster
) -> None:
    with _open(demo_like) as local:
        documents = [i for i, r in local.records() if r.kind == "document.added"]
    cutter = _CutsItsConnection(at=documents[0], times=1_000)
    url = pg_cluster.create_database()
    with Archive.open(demo_like, views=[cutter], database=url, catch_up=False) as archive:
        with pytest.raises(ViewDatabaseError) as lost:
            archive.rebuild()
        assert cutter.cuts == 2 and "rolled back" in lost.value.hint
        assert pg_cluster.password not in lost.value.message + lost.value.hint


def test_erfurt_search_runs_on_an_archive_whose_views_are_in_postgresql(
    demo_like: Path, pg_cluster: PgCluster, tmp_path: Path
) -> None:
    arch = tmp_path / "arch"
    shutil.copytree(demo_like, arch)
    url = pg_cluster.create_database()
    for query in (["order"], ["国家", "--collection", "main"], ["名单", "OR", "held"]):
        local = run("search", "--archive", arch, "--json", *query)
        remote = run("--database", url, "search", "--archive", arch, "--json", *query)
        assert local.exit_code == remote.exit_code == 0, remote.output
        assert remote.stdout == local.stdout and json.loads(local.stdout)["total"] > 0
    unknown = run("--database", url, "search", "--archive", arch, "order", "--collection", "x")
    assert unknown.exit_code == 1 and "Traceback" not in unknown.output
    # The views check replays into SQLite and compares what both backends keep alike.
    checked = run("--database", url, "log", "check", "--archive", arch, "--views", "--json")
    assert checked.exit_code == 0, checked.output
    assert "search" in json.loads(checked.stdout)["views_checked"]
