"""``erfurt serve --jobs N`` with the views in PostgreSQL (issue 13 item 5): two worker
processes on loopback read PostgreSQL, and what one appends through the writer is seen
through the other at once; an upload's text is extracted by the writer's process and
found through the other worker; login limits hold across the workers.

The workers are real spawned processes serving HTTP; the writer is this test's process.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from certificates import make_certificate
from erfurt.archive import Accounts, Archive, ArchivePaths
from erfurt.cli.options import all_views
from erfurt.errors import ConfigError
from erfurt.ingest import ExtractOptions, add_paths, extract_pending
from erfurt.web.workers import Workers
from pg_cluster import PgCluster, free_port, free_ports

from .conftest import CHEAP, PASSWORD
from .uploads_seen import upload_then_show

VIEWS = all_views()
USERS = {"ana": "archivist", "vic": "volunteer"}
LOGIN_BURST = 4


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("workers")
    (root / "files").mkdir()
    (root / "files" / "order.txt").write_text("The order was signed.\n", encoding="utf-8")
    path = root / "archive"
    with Archive.init(path, origin="example.org/workers", who="t", views=VIEWS) as archive:
        with Accounts.open(archive.paths, hasher=CHEAP) as accounts:
            for name, role in USERS.items():
                accounts.add_user(name, role, PASSWORD)
        add_paths(archive, [root / "files"], collection="public", who="ana")
        extract_pending(archive, ExtractOptions(), who="t", workers=1)
    return path


@pytest.fixture(scope="module")
def served(archive_path: Path, pg_cluster: PgCluster) -> Iterator[list[str]]:
    """Two workers on loopback, their views in a fresh PostgreSQL database; their URLs."""
    port = free_ports(2)
    workers = Workers(
        archive_path,
        views=VIEWS,
        database=pg_cluster.create_database(),
        host="127.0.0.1",
        port=port,
        workers=2,
        login_burst=LOGIN_BURST,
        logins_per_minute=0,  # no refill while the test runs, however long it takes
    )
    try:
        yield [f"http://127.0.0.1:{worker_port}" for worker_port in workers.ports]
    finally:
        workers.close()


def _headers(archive_path: Path, user: str) -> dict[str, str]:
    with Accounts.open(ArchivePaths(archive_path), hasher=CHEAP) as accounts:
        return {"authorization": f"Bearer {accounts.new_token(user, 'workers test')}"}


def _client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=None)  # a loaded machine: wait, never fail


def test_a_write_through_one_worker_is_read_through_the_other(
    served: list[str], archive_path: Path
) -> None:
    first, second = (_client(url) for url in served)
    with first, second:
        before = second.get("/api/v1/tally", params={"by": "total"})
        assert before.status_code == 200, before.text
        declared = first.post(
            "/api/v1/declarations",
            json={"alias": "Spring", "organisations": ["Party"], "place": "Wuhan"},
            headers=_headers(archive_path, "vic"),
        )
        assert declared.status_code == 201, declared.text
        record = declared.json()["log_index"]
        after = second.get("/api/v1/tally", params={"by": "total"}).json()
        assert after["total"]["declarations"] == before.json()["total"]["declarations"] + 1
        checkpoint = second.get("/log/checkpoint")
        assert int(checkpoint.text.splitlines()[1]) == record + 1
        receipt = second.get(f"/api/v1/documents/{record}/receipt", headers=_headers(
            archive_path, "ana"))  # fmt: skip
        assert receipt.status_code == 404  # a declaration is no document: read, not refused
        tally_page = second.get("/tally", params={"by": "place"})
        assert tally_page.status_code == 200 and "Wuhan" in tally_page.text
        upload_then_show(first, second, _headers(archive_path, "ana"), "upload.txt")


def test_an_upload_through_one_worker_is_extracted_and_found_through_the_other(
    served: list[str], archive_path: Path
) -> None:
    """The upload is stored by the first worker, its text extracted by the writer's
    process (a Latin-1 file: a pool worker process, not the quick in-process path), and
    the text is found by search through the second worker, from PostgreSQL."""
    ana = _headers(archive_path, "ana")
    first, second = (_client(url) for url in served)
    with first, second:
        uploaded = first.put(
            "/api/v1/documents",
            params={"name": "lager.txt", "collection": "public"},
            content="Das Zwischenlager im Café wurde geräumt.\n".encode("latin-1"),
            headers=ana,
        )
        assert uploaded.status_code == 201, uploaded.text
        record = uploaded.json()["record"]

        def found() -> list[int]:
            answer = second.get("/api/v1/search", params={"q": "zwischenlager"}, headers=ana)
            assert answer.status_code == 200, answer.text
            return [hit["document"] for hit in answer.json()["hits"]]

        while not found():  # however long the loaded machine takes to extract
            threading.Event().wait(0.1)
        assert found() == [record]
        shown = second.get(f"/api/v1/documents/{record}", headers=ana).json()
        assert shown["pages"] == ["Das Zwischenlager im Café wurde geräumt.\n"]
        assert [row["kind"] for row in shown["custody"]] == ["document.added", "text.extracted"]


def test_every_worker_serves_the_pages_it_reads_from_postgresql(
    served: list[str], archive_path: Path
) -> None:
    ana = _headers(archive_path, "ana")
    for url in served:
        with _client(url) as client:
            document = client.get("/api/v1/documents/1", headers=ana)
            assert document.status_code == 200, document.text
            assert document.json()["pages"] == ["The order was signed.\n"]
            assert [row["kind"] for row in document.json()["custody"]] == [
                "document.added",
                "text.extracted",
            ]
            page = client.get("/documents/1", headers=ana)
            assert page.status_code == 200 and "The order was signed." in page.text
            found = client.get("/api/v1/search", params={"q": "order"}, headers=ana)
            assert found.status_code == 200, found.text
            assert [hit["document"] for hit in found.json()["hits"]] == [1]
            page = client.get("/search", params={"q": "signed"}, headers=ana)
            assert page.status_code == 200 and "order.txt" in page.text
            for path in ("/api/v1/lists", "/names/lists", "/dossiers", "/api/v1/incidents"):
                answer = client.get(path, headers=ana)
                assert answer.status_code == 200, (url, path, answer.text)


def _log_in(client: httpx.Client, password: str) -> int:
    """The status of one login attempt as ana (double-submit CSRF: cookie and field)."""
    answer = client.post(
        "/login",
        data={"username": "ana", "password": password, "csrf": "t"},
        headers={"cookie": "erfurt_csrf=t"},
    )
    return answer.status_code


def test_login_limits_hold_across_workers(served: list[str]) -> None:
    """The writer counts every worker's login attempts: a client that spreads its guesses
    over the workers gets the burst once, not once per worker."""
    first, second = (_client(url) for url in served)
    with first, second:
        guesses = [_log_in((first, second)[n % 2], "a wrong guess") for n in range(LOGIN_BURST)]
        assert guesses == [401] * LOGIN_BURST
        assert _log_in(first, "a wrong guess") == 429
        assert _log_in(second, PASSWORD) == 429  # even the right password: the limit first


def test_serving_goes_on_after_postgresql_restarts(
    served: list[str], archive_path: Path, pg_cluster: PgCluster
) -> None:
    """The workers' idle sessions and the writer's connection die with the server; the
    next requests connect again: a write through one worker is read through the other."""
    first, second = (_client(url) for url in served)
    vic = _headers(archive_path, "vic")
    with first, second:
        before = second.get("/api/v1/tally", params={"by": "total"}).json()["total"]
        pg_cluster.stop()
        pg_cluster.start()
        declared = first.post(
            "/api/v1/declarations",
            json={"alias": "After the restart", "organisations": ["Party"], "place": "Jena"},
            headers=vic,
        )
        assert declared.status_code == 201, declared.text
        after = second.get("/api/v1/tally", params={"by": "total"})
        assert after.status_code == 200, after.text
        assert after.json()["total"]["declarations"] == before["declarations"] + 1


def _with_settings(archive_path: Path, folder: Path, settings: str) -> Path:
    """A copy of the archive at ``archive_path`` whose erfurt.toml has ``settings`` (lines
    ``name = value``) in place of the settings of those names."""
    copy = folder / "archive"
    shutil.copytree(archive_path, copy)
    config = ArchivePaths(copy).config
    text = config.read_text(encoding="utf-8")
    for line in settings.strip().splitlines():
        name = line.partition(" = ")[0]
        text = re.sub(rf"^{name} = .*$", lambda _m, line=line: line, text, flags=re.M)
    config.write_text(text, encoding="utf-8")
    return copy


def test_a_worker_writes_through_a_writer_link_over_tls(
    archive_path: Path, pg_cluster: PgCluster, tmp_path: Path
) -> None:
    ca = make_certificate("ca", None, tmp_path)
    make_certificate("host", ca, tmp_path, ["127.0.0.1"])
    tls = {name: str(tmp_path / f"host.{ext}") for name, ext in (("cert", "crt"), ("key", "key"))}
    path = _with_settings(archive_path, tmp_path, f"""
writer_listen = "127.0.0.1:{free_port()}"
writer_ca = "{tmp_path / "ca.crt"}"
writer_cert = "{tls["cert"]}"
writer_key = "{tls["key"]}"
""")  # fmt: skip
    workers = Workers(
        path, views=VIEWS, database=pg_cluster.create_database(), host="127.0.0.1",
        port=free_ports(1), workers=1,
    )  # fmt: skip
    try:
        assert workers.writer_address.tls is not None
        with _client(f"http://127.0.0.1:{workers.ports[0]}") as client:
            declared = client.post(
                "/api/v1/declarations",
                json={"alias": "Over TLS", "organisations": ["Party"]},
                headers=_headers(path, "vic"),
            )
            assert declared.status_code == 201, declared.text
    finally:
        workers.close()


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        ('writer_listen = "nowhere"\n', "is not HOST:PORT"),
        ('writer_listen = "0.0.0.0:7400"\n', "without TLS"),
        ('writer_ca = "/etc/ca.pem"\n', "needs writer_cert, writer_key too"),
    ],
)
def test_a_writer_link_configured_wrongly_is_refused_by_name(
    archive_path: Path, pg_cluster: PgCluster, tmp_path: Path, settings: str, said: str
) -> None:
    path = _with_settings(archive_path, tmp_path, settings)
    with pytest.raises(ConfigError) as refused:
        Workers(
            path, views=VIEWS, database=pg_cluster.create_database(), host="127.0.0.1",
            port=free_ports(2), workers=2,
        )  # fmt: skip
    assert said in refused.value.message


def test_postgresql_down_at_start_stops_serve_jobs_with_a_clear_message(
    archive_path: Path, pg_cluster: PgCluster
) -> None:
    url = f"postgresql://erfurt:{pg_cluster.password}@127.0.0.1:{free_port()}/views"
    with pytest.raises(ConfigError) as down:
        Workers(
            archive_path, views=VIEWS, database=url, host="127.0.0.1",
            port=free_ports(2), workers=2,
        )  # fmt: skip
    assert "start PostgreSQL" in down.value.hint
    assert pg_cluster.password not in down.value.message + down.value.hint


def test_several_workers_need_the_views_in_postgresql(archive_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        Workers(
            archive_path, views=VIEWS, database=None, host="127.0.0.1",
            port=free_ports(2), workers=2,
        )  # fmt: skip
    assert "PostgreSQL" in refused.value.message and "ERFURT_DATABASE_URL" in refused.value.hint


def test_serve_jobs_stops_on_sigint_even_when_started_with_it_ignored(
    archive_path: Path, pg_cluster: PgCluster
) -> None:
    """A shell that starts ``erfurt serve --jobs N`` in the background hands it SIGINT
    ignored; Ctrl-C or a supervisor's SIGINT must still stop it (it once waited for ever)."""
    workers = Workers(
        archive_path, views=VIEWS, database=pg_cluster.create_database(), host="127.0.0.1",
        port=free_ports(1), workers=1,
    )  # fmt: skip
    backstop = threading.Event()

    def interrupt_then_backstop() -> None:
        os.kill(os.getpid(), signal.SIGINT)
        if not stopped.wait(120):  # only if SIGINT did nothing: end the test, failing it
            backstop.set()
            os.kill(os.getpid(), signal.SIGTERM)

    stopped = threading.Event()
    was_int, was_term = (
        signal.signal(signal.SIGINT, signal.SIG_IGN),
        signal.getsignal(signal.SIGTERM),
    )
    try:
        threading.Timer(0.5, interrupt_then_backstop).start()
        workers.run()
        stopped.set()
    finally:
        signal.signal(signal.SIGINT, was_int)
        signal.signal(signal.SIGTERM, was_term)
        workers.close()
    assert not backstop.is_set(), "SIGINT did not stop serve --jobs"
