"""Uploads: size limit before storing, names that cannot be files, who may add where."""

from __future__ import annotations

import fcntl
import json
import re
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from multiprocessing import resource_tracker
from pathlib import Path
from typing import Any, cast

import httpx2
import pytest
from fastapi.testclient import TestClient

from erfurt.archive import Accounts, Archive, ArchivePaths
from erfurt.cli.options import all_views
from erfurt.web import create_app
from erfurt.web.service import Service

from .conftest import CHEAP, archive_with_limit

LIMIT = 1000


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("uploads") / "archive"
    tokens = archive_with_limit(path, LIMIT, {"ana": "archivist", "rita": "reviewer"})
    with Accounts.open(ArchivePaths(path), hasher=CHEAP) as accounts:
        accounts.restrict("sealed", ["rita"])
    return path, tokens


@pytest.fixture(scope="module")
def client(small: tuple[Path, dict[str, str]]) -> Iterator[TestClient]:
    with TestClient(create_app(small[0], views=all_views()), base_url="https://testserver") as c:
        yield c


def _put(
    client: TestClient, token: str, name: str, body: bytes, collection: str = "c"
) -> httpx2.Response:
    return client.put(
        "/api/v1/documents",
        params={"name": name, "collection": collection},
        content=body,
        headers={"authorization": token},
    )


def test_uploads_are_preserved_and_extracted(small: tuple[Path, dict[str, str]]) -> None:
    path, tokens = small
    app = create_app(path, views=all_views())
    with TestClient(app, base_url="https://testserver") as client:
        answer = _put(client, tokens["ana"], "folder/國安部.txt", "邊境射擊命令".encode())
        assert answer.status_code == 201, answer.text
        record = answer.json()["record"]
    # Closing the app waits for the background extraction.
    with Archive.open(path, views=all_views()) as archive:
        assert archive.record(record)["name"] == "folder/國安部.txt"
        assert archive.record(record)["who"] == "ana"
        kinds = [r.kind for _, r in archive.records(record)]
    assert "text.extracted" in kinds


def test_uploads_are_staged_in_the_archives_private_folder(
    small: tuple[Path, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, tokens = small
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    uploads = ArchivePaths(path).uploads
    orphan = uploads / "upload-left-by-a-crash"
    uploads.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"a witness statement")
    busy = uploads / "upload-of-another-server"
    busy.write_bytes(b"still arriving")
    with busy.open("rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # a request another server is receiving
        with TestClient(create_app(path, views=all_views()), base_url="https://testserver") as c:
            assert not orphan.exists() and busy.exists()
            answer = _put(c, tokens["ana"], "statement.txt", b"what the witness saw")
    assert answer.status_code == 201, answer.text
    assert list(system_temp.iterdir()) == []  # nothing of the evidence left the archive
    assert stat.S_IMODE(uploads.stat().st_mode) == 0o700
    assert [p.name for p in uploads.iterdir()] == [busy.name]
    busy.unlink()
    with Archive.open(path) as archive:  # recorded under its own name, not the staging path
        assert archive.record(answer.json()["record"])["name"] == "statement.txt"


def test_a_key_uploaded_is_still_refused(
    client: TestClient, small: tuple[Path, dict[str, str]]
) -> None:
    path, tokens = small
    with Archive.open(path) as archive:
        size = archive.size
        key = archive.paths.signing_key.read_bytes()
    answer = _put(client, tokens["ana"], "notes.txt", key[:LIMIT])
    assert answer.json()["outcome"] == "skipped"
    with Archive.open(path) as archive:
        assert archive.size == size


def test_too_large_is_refused_before_anything_is_kept(
    client: TestClient, small: tuple[Path, dict[str, str]]
) -> None:
    path, tokens = small
    blobs_before = sorted(p.name for p in (path / "blobs").rglob("*"))
    with Archive.open(path) as archive:
        size = archive.size
    answer = _put(client, tokens["ana"], "big.bin", b"x" * (LIMIT + 1))
    assert answer.status_code == 413
    assert "1,000-byte limit" in answer.json()["error"]

    def chunks() -> Iterator[bytes]:
        for _ in range(5):
            yield b"y" * 400  # no Content-Length: counted as it streams

    streamed = client.put(
        "/api/v1/documents",
        params={"name": "streamed.bin", "collection": "c"},
        content=chunks(),
        headers={"authorization": tokens["ana"]},
    )
    assert streamed.status_code == 413
    assert sorted(p.name for p in (path / "blobs").rglob("*")) == blobs_before
    assert not list(ArchivePaths(path).uploads.iterdir())
    with Archive.open(path) as archive:
        assert archive.size == size


@pytest.mark.parametrize(
    "name",
    ["../escape.txt", "a/../../b.txt", "/etc/passwd", "line\nbreak.txt", "evil\u202etxt.exe",
     "a\\b.txt", "a//b.txt", "zero\u200bwidth.txt", "x" * 300],
)  # fmt: skip
def test_names_that_cannot_be_kept_are_refused(
    client: TestClient, small: tuple[Path, dict[str, str]], name: str
) -> None:
    answer = _put(client, small[1]["ana"], name, b"data")
    assert answer.status_code in {400, 422}, answer.text
    assert answer.json()["error"]


def test_who_may_upload_where(client: TestClient, small: tuple[Path, dict[str, str]]) -> None:
    tokens = small[1]
    assert _put(client, tokens["rita"], "a.txt", b"a").status_code == 403
    assert _put(client, tokens["ana"], "a.txt", b"a", collection="sealed").status_code == 403
    assert _put(client, "Bearer nope", "a.txt", b"a").status_code == 401


def test_custody_does_not_tell_that_a_hidden_collection_held_the_file_first(
    small: tuple[Path, dict[str, str]],
) -> None:
    path, tokens = small
    with Accounts.open(ArchivePaths(path), hasher=CHEAP) as accounts:
        accounts.add_user("ada", "archivist", "a long test password")
        accounts.restrict("vault", ["ada"])
        ada = f"Bearer {accounts.new_token('ada', 't')}"
    body = b"a report only the vault held"
    with TestClient(create_app(path, views=all_views()), base_url="https://testserver") as c:
        hidden = _put(c, ada, "report.txt", body, collection="vault")
        assert hidden.status_code == 201, hidden.text
    # Closing the app waited for the hidden copy's text to be extracted.
    with TestClient(create_app(path, views=all_views()), base_url="https://testserver") as c:
        mine = _put(c, tokens["ana"], "mine.txt", body)
        assert mine.json()["outcome"] == "added"
        index = mine.json()["record"]
        doc = c.get(f"/api/v1/documents/{index}", headers={"authorization": tokens["ana"]})
    assert doc.status_code == 200, doc.text
    assert all(row["record"] >= index for row in doc.json()["custody"]), doc.json()["custody"]


def test_a_file_a_hidden_collection_holds_has_its_text_pending_like_a_new_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its text, extracted for the hidden copy, is not shown at once (that would tell the
    uploader the file was known), but once the uploader's copy is extracted in turn."""
    path = tmp_path / "archive"
    tokens = archive_with_limit(path, LIMIT, {"ana": "archivist", "ada": "archivist"})
    with Accounts.open(ArchivePaths(path), hasher=CHEAP) as accounts:
        accounts.restrict("vault", ["ada"])
    body = "caf\u00e9 report only the vault held".encode("latin-1")  # needs a worker
    with TestClient(create_app(path, views=all_views()), base_url="https://testserver") as c:
        held = _put(c, tokens["ada"], "report.txt", body, collection="vault").json()["record"]
    assert "text.extracted" in _kinds_after(path, held)  # closing waited for it
    ana, ada = ({"authorization": tokens[n]} for n in ("ana", "ada"))
    resource_tracker.ensure_running()
    monkeypatch.setenv("PYTHONHOME", str(tmp_path / "no-python-here"))  # no worker starts
    with TestClient(create_app(path, views=all_views()), base_url="https://testserver") as c:
        mine = _put(c, tokens["ana"], "mine.txt", body).json()["record"]
        doc = c.get(f"/api/v1/documents/{mine}", headers=ana).json()
        assert (doc["status"], doc["pages"], doc["extractor"]) == ("pending", [], "")
        assert c.get(f"/api/v1/documents/{held}", headers=ada).json()["status"] == "extracted"
        monkeypatch.delenv("PYTHONHOME")
        _wait_until(lambda: "text.extracted" in _kinds_after(path, mine))
        doc = c.get(f"/api/v1/documents/{mine}", headers=ana).json()
        assert doc["status"] == "extracted" and "vault held" in doc["pages"][0]
        assert c.get(f"/api/v1/documents/{held}", headers=ada).json()["status"] == "extracted"


def test_search_does_not_tell_that_a_hidden_collection_held_the_file_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search by a word of the hidden copy's text finds the uploader's copy only once its
    own extraction is logged, as it would a new file: no hit, count or facet before."""
    path = tmp_path / "archive"
    tokens = archive_with_limit(path, LIMIT, {"ana": "archivist", "ada": "archivist"})
    with Accounts.open(ArchivePaths(path), hasher=CHEAP) as accounts:
        accounts.restrict("vault", ["ada"])
    body = "caf\u00e9 quarrystone ledger kept apart".encode("latin-1")
    with TestClient(create_app(path, views=all_views()), base_url="https://testserver") as c:
        held = _put(c, tokens["ada"], "report.txt", body, collection="vault").json()["record"]
    assert "text.extracted" in _kinds_after(path, held)
    ana, ada = ({"authorization": tokens[n]} for n in ("ana", "ada"))
    resource_tracker.ensure_running()
    monkeypatch.setenv("PYTHONHOME", str(tmp_path / "no-python-here"))  # no worker starts

    def found(c: TestClient, headers: dict[str, str], word: str = "quarrystone") -> dict[str, Any]:
        answer = c.get("/api/v1/search", params={"q": word}, headers=headers)
        assert answer.status_code == 200, answer.text
        return cast(dict[str, Any], answer.json())

    with TestClient(create_app(path, views=all_views()), base_url="https://testserver") as c:
        mine = _put(c, tokens["ana"], "mine.txt", body).json()["record"]
        before = found(c, ana)
        assert (before["hits"], before["total"]) == ([], 0), before
        nothing = found(c, ana, "unmatchedword")  # the same answer: no facet value either
        assert {**before, "query": ""} == {**nothing, "query": ""}
        everything = found(c, ada)  # who may see the vault finds both copies at once
        assert (len(everything["hits"]), everything["total"]) == (1, 2), everything
        monkeypatch.delenv("PYTHONHOME")
        _wait_until(lambda: "text.extracted" in _kinds_after(path, mine))
        after = found(c, ana)
        assert [h["document"] for h in after["hits"]] == [mine] and after["total"] == 1
        assert "vault" not in json.dumps(after)


def test_uploads_are_extracted_within_the_archives_own_limits(tmp_path: Path) -> None:
    path = tmp_path / "archive"
    tokens = archive_with_limit(path, LIMIT, {"ana": "archivist"})
    settings = ArchivePaths(path).config
    text = settings.read_text(encoding="utf-8")
    settings.write_text(re.sub(r"(?m)^extract_max_size = .*$", "extract_max_size = 10", text))
    with TestClient(create_app(path, views=all_views()), base_url="https://testserver") as c:
        answer = _put(c, tokens["ana"], "note.txt", b"a note longer than ten bytes")
        assert answer.status_code == 201, answer.text
        record = answer.json()["record"]
    with Archive.open(path, views=all_views()) as archive:
        [failed] = [r for _, r in archive.records(record) if r.kind == "extraction.failed"]
    assert "larger than the limit of 10 bytes" in str(failed["reason"])


def _wait_until(condition: Callable[[], bool]) -> None:
    """Wait, however long the loaded machine takes, until ``condition`` holds."""
    while not condition():
        threading.Event().wait(0.05)


def _kinds_after(path: Path, record: int) -> list[str]:
    with Archive.open(path, views=all_views()) as archive:
        return [r.kind for _, r in archive.records(record)]


def _upload_while_workers_cannot_start(
    client: TestClient, token: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> int:
    """Upload a file while no extraction worker can start, and wait for the failed run.

    A worker is a new Python process; with ``PYTHONHOME`` naming no Python it exits
    while starting, and the real pool raises its IngestError. The resource tracker, a
    process the first worker would start, is started before, with a working Python.
    The file is Latin-1: a small UTF-8 text would be extracted in the server's own
    process and need no worker.
    """
    resource_tracker.ensure_running()
    monkeypatch.setenv("PYTHONHOME", str(tmp_path / "no-python-here"))
    service: Service = client.app.state.service  # type: ignore[attr-defined]
    answer = _put(
        client, token, "note.txt", "caf\u00e9 text, extracted in the end".encode("latin-1")
    )
    assert answer.status_code == 201, answer.text
    _wait_until(lambda: service.extraction.failures > 0)
    record: int = answer.json()["record"]
    return record


def test_a_failed_extraction_run_is_logged_and_tried_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "archive"
    tokens = archive_with_limit(path, LIMIT, {"ana": "archivist"})
    with TestClient(create_app(path, views=all_views()), base_url="https://testserver") as c:
        record = _upload_while_workers_cannot_start(c, tokens["ana"], monkeypatch, tmp_path)
        assert "text.extracted" not in _kinds_after(path, record)  # kept, still pending
        monkeypatch.delenv("PYTHONHOME")
        _wait_until(lambda: "text.extracted" in _kinds_after(path, record))
    assert "an extraction worker exited while starting" in caplog.text
    assert "the files stay pending" in caplog.text


def test_an_upload_still_pending_is_extracted_by_the_next_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "archive"
    tokens = archive_with_limit(path, LIMIT, {"ana": "archivist"})
    with TestClient(create_app(path, views=all_views()), base_url="https://testserver") as c:
        record = _upload_while_workers_cannot_start(c, tokens["ana"], monkeypatch, tmp_path)
    assert "text.extracted" not in _kinds_after(path, record)  # closed during the pause
    monkeypatch.delenv("PYTHONHOME")
    with TestClient(create_app(path, views=all_views()), base_url="https://testserver"):
        # Starting extracts what is pending (tried again if a worker is slow to start).
        _wait_until(lambda: "text.extracted" in _kinds_after(path, record))
