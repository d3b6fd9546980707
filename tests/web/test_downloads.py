"""Originals are sent in chunks from the checked file, never read whole into memory."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fastapi.testclient import TestClient

from erfurt.archive import Accounts, Archive, ArchivePaths
from erfurt.cli.options import all_views
from erfurt.ingest import add_paths
from erfurt.web import create_app

from .conftest import CHEAP


def _archive(tmp_path: Path, content: bytes) -> tuple[Path, int, str]:
    path = tmp_path / "archive"
    source = tmp_path / "video.mp4"
    source.write_bytes(content)
    with Archive.init(path, origin="example.org/downloads", who="t", views=all_views()) as a:
        [added] = add_paths(a, [source], collection="c", who="t").files
    assert added.record is not None
    with Accounts.open(ArchivePaths(path), hasher=CHEAP) as accounts:
        accounts.add_user("rita", "reviewer", "a long test password")
        token = f"Bearer {accounts.new_token('rita', 't')}"
    return path, added.record, token


def test_a_large_original_is_streamed_byte_for_byte(tmp_path: Path) -> None:
    content = bytes(range(256)) * (3 * 4096 + 7)  # three chunks and a bit
    path, index, token = _archive(tmp_path, content)
    with TestClient(create_app(path, views=all_views()), base_url="https://testserver") as c:
        answer = c.get(f"/documents/{index}/original", headers={"authorization": token})
    assert answer.status_code == 200
    assert answer.headers["content-length"] == str(len(content))
    assert hashlib.sha256(answer.content).digest() == hashlib.sha256(content).digest()


def test_an_altered_original_is_not_sent(tmp_path: Path) -> None:
    content = b"the order was given in 1973\n" * 1000
    path, index, token = _archive(tmp_path, content)
    blob = ArchivePaths(path).blob(hashlib.sha256(content).hexdigest())
    blob.chmod(0o600)
    blob.write_bytes(content.replace(b"1973", b"1974"))
    with TestClient(create_app(path, views=all_views()), base_url="https://testserver") as c:
        answer = c.get(f"/documents/{index}/original", headers={"authorization": token})
    assert answer.status_code != 200
    assert b"1974" not in answer.content and "altered" in answer.text
