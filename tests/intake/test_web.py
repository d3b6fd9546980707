"""The intake pages: no script needed, encrypted on arrival, limits, no hints, no traces."""

from __future__ import annotations

import re
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient

from erfurt.archive import Archive, ArchivePaths
from erfurt.cli.options import all_views
from erfurt.intake import CODENAME_WORDS, new_codename, new_form_key
from erfurt.web import create_app

from .conftest import Setup

LIMIT = 300_000
CONTENT = b"Minutes of the 12 March meeting: the order came from the deputy.\n"


@pytest.fixture
def client(setup: Setup) -> Iterator[TestClient]:
    config = ArchivePaths(setup.server).config
    config.write_text(
        config.read_text().replace("max_file_size = 2147483648", f"max_file_size = {LIMIT}")
    )
    with TestClient(
        create_app(setup.server, views=all_views()), base_url="https://testserver"
    ) as test_client:
        yield test_client


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _send(client: TestClient, files: list[tuple[str, bytes]], message: str, codename: str = ""):  # type: ignore[no-untyped-def]
    csrf = _csrf(client.get("/intake").text)
    data = {"csrf": csrf, "message": message} | ({"codename": codename} if codename else {})
    return client.post(
        "/intake/send", data=data, files=[("files", (name, body)) for name, body in files]
    )


def _received(path: Path) -> list[int]:
    with Archive.open(path) as archive:
        return [i for i, _ in archive.records(kinds={"intake.received"})]


def _codename(page: str) -> str:
    found = re.search(r'id="codename"[^>]*>([a-z ]+)<', page)
    assert found, page
    return found.group(1)


def test_a_source_sends_files_without_script_and_gets_a_codename(
    client: TestClient, setup: Setup
) -> None:
    form = client.get("/intake")
    assert form.status_code == 200
    assert "<script" not in form.text
    assert form.headers["cache-control"] == "no-store, private"
    assert form.headers["cdn-cache-control"] == "no-store"
    assert 'enctype="multipart/form-data"' in form.text
    sent = _send(client, [("a.txt", CONTENT), ("b.bin", b"\x00\xff" * 70_000)], "a message")
    assert sent.status_code == 200, sent.text
    codename = _codename(sent.text)
    assert len(codename.split()) == CODENAME_WORDS
    assert len(_received(setup.server)) == 1
    for file in setup.server.rglob("*"):
        if file.is_file():
            assert CONTENT[:40] not in file.read_bytes(), file
    # Coming back: the source's page, and more files under the same codename.
    csrf = _csrf(form.text)
    page = client.post("/intake/return", data={"csrf": csrf, "codename": codename})
    assert page.status_code == 200
    assert codename in page.text
    again = _send(client, [("c.txt", b"more")], "", codename=codename.upper())
    assert again.status_code == 200
    assert 'id="codename"' not in again.text
    assert len(_received(setup.server)) == 2


def _form(client: TestClient) -> dict[str, str]:
    """The hidden fields of a new source's form, as a browser would send them back."""
    page = client.get("/intake").text
    found = re.search(r'name="form_key" value="([^"]+)"', page)
    assert found, page
    return {"csrf": _csrf(page), "form_key": found.group(1)}


def _post(client: TestClient, fields: dict[str, str], files: list[tuple[str, bytes]]):  # type: ignore[no-untyped-def]
    return client.post(
        "/intake/send",
        data=fields | {"message": "the same message"},
        files=[("files", (name, body)) for name, body in files],
    )


def _sources(path: Path) -> int:
    with sqlite3.connect(ArchivePaths(path).private / "intake.sqlite") as db:
        [(count,)] = db.execute("SELECT count(*) FROM sources")
    return int(count)


def test_a_form_sent_twice_is_filed_under_one_codename_shown_both_times(
    client: TestClient, setup: Setup
) -> None:
    # The first answer lost (a dropped connection, a double click): the browser sends the
    # same form again. The source must see the codename its first submission is under.
    fields = _form(client)
    first = _post(client, fields, [("a.txt", CONTENT)])
    again = _post(client, fields, [("a.txt", CONTENT)])
    assert first.status_code == again.status_code == 200, again.text
    codename = _codename(first.text)
    assert _codename(again.text) == codename
    assert len(_received(setup.server)) == 2
    assert _sources(setup.server) == 1
    # Another drawing of the form is another source.
    other = _post(client, _form(client), [("b.txt", b"other")])
    assert _codename(other.text) != codename
    assert _sources(setup.server) == 2
    # The key is never kept: not in any byte of the archive folder.
    for file in setup.server.rglob("*"):
        if file.is_file():
            assert fields["form_key"].encode() not in file.read_bytes(), file


def test_a_form_key_older_than_a_day_gives_a_fresh_codename_each_time(
    client: TestClient, setup: Setup
) -> None:
    fields = _form(client) | {"form_key": new_form_key(time.time() - 25 * 3600)}
    first = _post(client, fields, [("a.txt", CONTENT)])
    again = _post(client, fields, [("a.txt", CONTENT)])
    assert first.status_code == again.status_code == 200
    assert _codename(first.text) != _codename(again.text)
    assert _sources(setup.server) == 2


@pytest.mark.parametrize(
    "form_key",
    ["short", "x" * 27, "A" * 26 + "+", "A" * 28, "Ä" + "A" * 26],
    ids=["short", "spare-bits-set", "not-url-safe", "too-long", "not-ascii"],
)
def test_a_damaged_form_key_is_refused_and_nothing_kept(
    client: TestClient, setup: Setup, form_key: str
) -> None:
    answer = _post(client, _form(client) | {"form_key": form_key}, [("a.txt", CONTENT)])
    assert answer.status_code == 400
    assert "reload the page" in answer.text
    assert _received(setup.server) == []
    assert _sources(setup.server) == 0
    assert not list((setup.server / "tmp").glob("intake-*"))


def _malformed(csrf: str) -> dict[str, bytes]:
    head = b'--B\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n' + csrf.encode()
    file = b'\r\n--B\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n'
    return {
        "header-too-long": head + file.replace(b"a.txt", b"a" * 100_000) + b"x\r\n--B--\r\n",
        "not-a-header": b"--B\r\n\x00\x01 not a header\r\n\r\n--B--",
        "other-boundary": b"--C\r\n\r\n",
        # A file begun, then garbage: what was encrypted of it must go too.
        "garbage-after-a-file": head + file + CONTENT * 50 + b"\r\n--B\r\n\x00\r\n\r\n",
    }


@pytest.mark.parametrize("kind", sorted(_malformed("")))
def test_an_upload_no_browser_would_send_is_refused_and_nothing_kept(
    client: TestClient, setup: Setup, kind: str
) -> None:
    body = _malformed(_csrf(client.get("/intake").text))[kind]
    answer = client.post(
        "/intake/send", content=body, headers={"content-type": "multipart/form-data; boundary=B"}
    )
    assert answer.status_code == 400, answer.text
    assert "could not be read" in answer.text
    assert _received(setup.server) == []
    assert not list((setup.server / "tmp").glob("intake-*"))


def test_a_wrong_codename_gives_no_hint_and_is_rate_limited(
    client: TestClient, setup: Setup
) -> None:
    sent = _send(client, [("a.txt", CONTENT)], "")
    known = _codename(sent.text)
    csrf = _csrf(client.get("/intake").text)

    def page(codename: str) -> str:
        answer = client.post("/intake/return", data={"csrf": csrf, "codename": codename})
        assert answer.status_code == 200
        return answer.text.replace(codename, "CODENAME").replace(_csrf(answer.text), "CSRF")

    assert page(known) == page(new_codename())
    malformed = client.post("/intake/return", data={"csrf": csrf, "codename": "not a codename"})
    assert malformed.status_code == 400
    assert f"{CODENAME_WORDS} words" in malformed.text
    statuses = [
        client.post("/intake/return", data={"csrf": csrf, "codename": new_codename()}).status_code
        for _ in range(12)
    ]
    assert 429 in statuses


def test_an_upload_over_the_limit_is_refused_with_the_limit_and_nothing_kept(
    client: TestClient, setup: Setup
) -> None:
    sent = _send(client, [("big.bin", b"x" * (LIMIT + 10))], "")
    assert sent.status_code == 413
    assert re.search(r"\d{3},\d{3} bytes", sent.text)
    assert _received(setup.server) == []
    assert not list((setup.server / "tmp").glob("intake-*"))


def test_a_form_without_its_csrf_token_is_refused(client: TestClient, setup: Setup) -> None:
    client.get("/intake")
    answer = client.post("/intake/send", data={"message": "x"}, files=[("files", ("a", b"a"))])
    assert answer.status_code == 403
    assert _received(setup.server) == []


def test_an_interrupted_upload_leaves_nothing(setup: Setup) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(setup.server, views=all_views()), host="127.0.0.1", port=port,
            log_level="error",
        )
    )  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.05)
    try:
        boundary = "b0undary"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\ntoken\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            'filename="half.txt"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        with socket.create_connection(("127.0.0.1", port)) as connection:
            connection.sendall(
                f"POST /intake/send HTTP/1.1\r\nHost: x\r\nCookie: erfurt_csrf=token\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                f"Content-Length: 200000\r\n\r\n".encode()
                + head
                + CONTENT * 100
            )
        # The server notices the disconnect; wait until it has cleaned up (no timing asserted).
        for _ in range(600):
            if not list((setup.server / "tmp").glob("intake-*")):
                break
            threading.Event().wait(0.1)
    finally:
        server.should_exit = True
        thread.join()
    assert not list((setup.server / "tmp").glob("intake-*"))
    assert _received(setup.server) == []


def test_an_archive_without_an_intake_key_says_how_to_enable_it(tmp_path: Path) -> None:
    Archive.init(tmp_path / "plain", origin="example.org/plain", who="t").close()
    with TestClient(
        create_app(tmp_path / "plain", views=all_views()), base_url="https://testserver"
    ) as test_client:
        answer = test_client.get("/intake")
    assert answer.status_code == 503
    assert "takes no submissions" in answer.text
