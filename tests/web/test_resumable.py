"""Resumable uploads: a dropped connection loses nothing, a half upload is nowhere to be seen."""

from __future__ import annotations

import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx2
import pytest
from fastapi.testclient import TestClient

from erfurt.archive import Archive, ArchivePaths
from erfurt.cli.options import all_views
from erfurt.web import create_app

from .conftest import archive_with_limit, serving

LIMIT = 4000
FILE = "邊境射擊命令 — the border order, page 1 of a long scan.\n".encode() * 40


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, str]]]:
    path = tmp_path_factory.mktemp("resumable") / "archive"
    users = {"ana": "archivist", "olga": "archivist", "vic": "volunteer"}
    tokens = archive_with_limit(path, LIMIT, users)
    return path, {name: {"authorization": token} for name, token in tokens.items()}


@pytest.fixture(scope="module")
def client(archive: tuple[Path, dict[str, dict[str, str]]]) -> Iterator[TestClient]:
    with TestClient(create_app(archive[0], views=all_views()), base_url="https://testserver") as c:
        yield c


def _open(
    client: TestClient, headers: dict[str, str], size: int, name: str = "scan.txt"
) -> httpx2.Response:
    params = {"name": name, "collection": "c", "size": str(size)}
    return client.post("/api/v1/uploads", params=params, headers=headers)


def _send(
    client: TestClient, headers: dict[str, str], upload: str, offset: int, body: bytes
) -> httpx2.Response:
    return client.patch(
        f"/api/v1/uploads/{upload}",
        content=body,
        headers={**headers, "upload-offset": str(offset)},
    )


def _staged(path: Path) -> list[Path]:
    return sorted((ArchivePaths(path).uploads / "resumable").iterdir())


def test_an_upload_in_pieces_is_kept_whole_and_only_once_complete(
    client: TestClient, archive: tuple[Path, dict[str, dict[str, str]]]
) -> None:
    path, tokens = archive
    ana = tokens["ana"]
    opened = _open(client, ana, len(FILE), "folder/國安部-scan.txt")
    assert opened.status_code == 201, opened.text
    upload = opened.json()["id"]
    with Archive.open(path) as before:
        size = before.size
    assert _send(client, ana, upload, 0, FILE[:1000]).json()["offset"] == 1000
    # Half an upload is nowhere: no record, and its bytes only in the owner-only folder.
    with Archive.open(path) as during:
        assert during.size == size
    folder = ArchivePaths(path).uploads / "resumable"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in _staged(path))
    assert client.get(f"/api/v1/uploads/{upload}", headers=ana).json()["offset"] == 1000
    wrong = _send(client, ana, upload, 500, FILE[500:])
    assert wrong.status_code == 409
    assert "1000" in wrong.json()["error"]
    done = _send(client, ana, upload, 1000, FILE[1000:])
    assert done.status_code == 201, done.text
    assert done.json()["outcome"] == "added"
    with Archive.open(path) as after:
        record = after.record(done.json()["record"])
        assert record["name"] == "folder/國安部-scan.txt"
        assert record["who"] == "ana"
        assert after.read_blob(record["blob"]) == FILE
    assert _staged(path) == []
    assert client.get(f"/api/v1/uploads/{upload}", headers=ana).status_code == 404


def test_limits_and_owners(
    client: TestClient, archive: tuple[Path, dict[str, dict[str, str]]]
) -> None:
    path, tokens = archive
    too_large = _open(client, tokens["ana"], LIMIT + 1)
    assert too_large.status_code == 413
    assert f"{LIMIT:,}" in too_large.json()["error"]
    assert _staged(path) == []  # refused before anything is kept
    assert _open(client, tokens["vic"], 10).status_code == 403  # volunteers do not upload
    anonymous = client.post("/api/v1/uploads", params={"name": "a", "collection": "c", "size": 1})
    assert anonymous.status_code == 401
    assert _open(client, tokens["ana"], 10, "../escape.txt").status_code == 400
    upload = _open(client, tokens["ana"], 10).json()["id"]
    assert client.get(f"/api/v1/uploads/{upload}", headers=tokens["olga"]).status_code == 404
    assert _send(client, tokens["olga"], upload, 0, b"x").status_code == 404
    over = _send(client, tokens["ana"], upload, 0, b"x" * 11)
    assert over.status_code == 413
    assert client.delete(f"/api/v1/uploads/{upload}", headers=tokens["ana"]).status_code == 204
    assert _staged(path) == []
    opened = [_open(client, tokens["olga"], 10) for _ in range(9)]
    assert [a.status_code for a in opened] == [201] * 8 + [429]
    for answer in opened[:8]:
        client.delete(f"/api/v1/uploads/{answer.json()['id']}", headers=tokens["olga"])
    assert _staged(path) == []


def test_a_dropped_connection_resumes_where_it_stopped(
    archive: tuple[Path, dict[str, dict[str, str]]],
) -> None:
    path, tokens = archive
    ana = tokens["ana"]
    with serving(create_app(path, views=all_views())) as url, httpx2.Client(base_url=url) as http:
        upload = http.post(
            "/api/v1/uploads",
            params={"name": "dropped.txt", "collection": "c", "size": str(len(FILE))},
            headers=ana,
        ).json()["id"]
        host, port = urlsplit(url).hostname or "", urlsplit(url).port or 0
        head = (
            f"PATCH /api/v1/uploads/{upload} HTTP/1.1\r\nHost: {host}\r\n"
            f"Authorization: {ana['authorization']}\r\nUpload-Offset: 0\r\n"
            f"Content-Length: {len(FILE)}\r\n\r\n"
        ).encode()
        with socket.create_connection((host, port)) as raw:
            raw.sendall(head + FILE[:700])  # the connection drops after 700 bytes
        arrived = threading.Event()
        while not arrived.is_set():  # the server sees the drop when it reads again
            offset = http.get(f"/api/v1/uploads/{upload}", headers=ana).json()["offset"]
            if offset == 700:
                arrived.set()
            else:
                assert offset < 700
                arrived.wait(0.05)
        done = http.patch(
            f"/api/v1/uploads/{upload}",
            content=FILE[700:],
            headers={**ana, "upload-offset": "700"},
        )
        assert done.status_code == 201, done.text
    with Archive.open(path) as after:
        assert after.read_blob(after.record(done.json()["record"])["blob"]) == FILE
