"""`erfurt serve --key-file` (or ERFURT_KEY_FILE): a served archive whose signing key is
kept outside it, as docs/signing-key.md asks for production, still takes writes (before,
the server looked for the key in ``private/`` only and refused every write)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from erfurt.archive import Accounts, Archive, ArchivePaths
from erfurt.cli.options import all_views
from erfurt.web import create_app

from .conftest import CHEAP, PASSWORD

DECLARATION = {"alias": "Spring", "organisations": ["Party"]}


def test_a_server_given_the_key_file_writes_and_one_without_it_says_why(tmp_path: Path) -> None:
    key = tmp_path / "keys" / "log.key"
    key.parent.mkdir(mode=0o700)
    path = tmp_path / "archive"
    Archive.init(path, origin="example.org/key-file", who="t", key_file=key).close()
    with Accounts.open(ArchivePaths(path), hasher=CHEAP) as accounts:
        accounts.add_user("vic", "volunteer", PASSWORD)
        headers = {"authorization": f"Bearer {accounts.new_token('vic', 't')}"}
    assert not (path / "private" / "log.key").exists()
    without = create_app(path, views=all_views())
    with TestClient(without, base_url="https://testserver") as client:
        refused = client.post("/api/v1/declarations", json=DECLARATION, headers=headers)
        assert refused.status_code == 503 and "--key-file" in refused.json()["hint"]
    with TestClient(
        create_app(path, views=all_views(), key_file=key), base_url="https://testserver"
    ) as client:
        declared = client.post("/api/v1/declarations", json=DECLARATION, headers=headers)
        assert declared.status_code == 201, declared.text
