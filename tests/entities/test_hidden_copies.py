"""An entity page does not tell an uploader that a hidden collection held their file.

Mentions are stored per text, and the text is per file: when an archivist uploads a file
that only a collection hidden from them holds, what was found in it for the hidden copy
must not show on their entity pages, lists, counts or document marks, as nothing of a new
file shows before its text and then its entities are extracted. They see it once the
entities of the text extracted for their own copy are logged; whoever may see the hidden
collection sees it all along.

A served archive on each view backend, files uploaded through the API and extracted by
the server, entities found by `erfurt entities extract` as an operator runs it. The
re-extraction of the uploader's copy is held back by starting the server with no
extraction worker able to start (the file is Latin-1: a worker reads it).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing import resource_tracker
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient

from entity_pages import run_cli
from erfurt.archive import Accounts, Archive, ArchivePaths
from erfurt.cli.options import all_views
from erfurt.web import create_app

USERS = {"root": "admin", "ana": "archivist", "ada": "archivist", "rita": "reviewer"}
KNOWN = b"Commissioner of Police Chris Tang met Carrie Lam on Monday.\n"
HELD = (
    "Café minutes: Commissioner of Police Chris Tang and Secretary for Justice "
    "Velmor Quistrand signed the order.\n"
).encode("latin-1")


class Site:
    """The archive, served afresh for each step, as each user reads it."""

    def __init__(self, path: Path, database: str, tokens: dict[str, str]) -> None:
        self.path, self.database, self.tokens = path, database, tokens
        self.client: TestClient | None = None

    @contextmanager
    def served(self) -> Iterator[Site]:
        """The server running (closing it waits for its extractions)."""
        app = create_app(self.path, views=all_views(), database=self.database or None)
        with TestClient(app, base_url="https://testserver") as self.client:
            yield self
        self.client = None

    def get(self, url: str, user: str) -> Any:
        assert self.client is not None
        return self.client.get(url, headers={"authorization": self.tokens[user]})

    def put(self, user: str, name: str, body: bytes, collection: str) -> int:
        assert self.client is not None
        answer = self.client.put(
            "/api/v1/documents",
            params={"name": name, "collection": collection},
            content=body,
            headers={"authorization": self.tokens[user]},
        )
        assert answer.status_code == 201, answer.text
        assert answer.json()["outcome"] == "added"
        return int(answer.json()["record"])

    def extract_entities(self) -> None:
        """`erfurt entities extract`, run by the operator between two servings."""
        database = ["--database", self.database] if self.database else []
        run_cli(*database, "entities", "extract", "--archive", self.path, "--quiet")

    def kinds_after(self, record: int) -> list[str]:
        with Archive.open(self.path, views=[], database=self.database or None) as archive:
            return [r.kind for _, r in archive.records(record)]

    def entities(self, user: str, query: str = "") -> dict[str, Any]:
        answer = self.get(f"/api/v1/entities{query}", user)
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found

    def entity(self, user: str, name: str) -> dict[str, Any] | None:
        return next((e for e in self.entities(user)["entities"] if e["name"] == name), None)


def _wait_until(condition: Callable[[], bool]) -> None:
    """Wait, however long the loaded machine takes, until ``condition`` holds."""
    while not condition():
        threading.Event().wait(0.05)


@pytest.fixture
def site(tmp_path: Path, view_database: str) -> Site:
    path = tmp_path / "archive"
    Archive.init(path, origin="example.org/hidden-copies", who="t").close()
    with Accounts.open(
        ArchivePaths(path), hasher=PasswordHasher.from_parameters(profiles.CHEAPEST)
    ) as accounts:
        for name, role in USERS.items():
            accounts.add_user(name, role, "a long test password")
        accounts.restrict("vault", ["ada"])  # before anything is added to it
        tokens = {name: f"Bearer {accounts.new_token(name, 't')}" for name in USERS}
    return Site(path, view_database, tokens)


def _unseen(site: Site, user: str, before: dict[str, Any], quistrand: str, mine: int) -> None:
    """What ``user`` reads is what they read before the upload: no name, count, passage
    or mark from the file's hidden copy."""
    assert site.entities(user) == before
    assert site.entities(user, "?name=quistrand")["total"] == 0
    of_mine = site.entities(user, f"?document={mine}")
    assert (of_mine["total"], of_mine["entities"]) == (0, [])
    hidden = site.get(f"/api/v1/entities/{quistrand}", user)
    missing = site.get("/api/v1/entities/p-0000000000", user)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["error"].replace(quistrand, "X") == missing.json()["error"].replace(
        "p-0000000000", "X"
    )
    tang = site.entity(user, "Chris Tang")
    assert tang is not None and (tang["mentions"], tang["documents"]) == (1, 1)
    dossier = site.get(f"/api/v1/entities/{tang['id']}", user).json()
    assert [m["document"] for m in dossier["mentions"]] == ["known.txt"]
    assert site.get(f"/dossiers/{quistrand}", user).status_code == 404
    assert "Quistrand" not in site.get("/dossiers", user).text
    assert "Quistrand" not in site.get(f"/dossiers?document={mine}", user).text
    document = site.get(f"/api/v1/documents/{mine}", user).json()
    assert all(marks == [] for marks in document["mentions"]), document["mentions"]


def test_an_entity_page_does_not_tell_that_a_hidden_collection_held_the_file(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    with site.served():
        site.put("ana", "known.txt", KNOWN, "c")
        held = site.put("ada", "report.txt", HELD, "vault")
    assert "text.extracted" in site.kinds_after(held)  # closing waited for it
    site.extract_entities()
    with site.served():
        quistrand_seen = site.entity("ada", "Velmor Quistrand")
        assert quistrand_seen is not None, "the hidden copy's entities were found"
        quistrand = quistrand_seen["id"]
        before = {user: site.entities(user) for user in ("ana", "rita")}
        assert site.entity("ana", "Velmor Quistrand") is None
    resource_tracker.ensure_running()
    monkeypatch.setenv("PYTHONHOME", str(site.path.parent / "no-python-here"))  # no worker
    with site.served():
        mine = site.put("ana", "mine.txt", HELD, "c")
        for user in ("ana", "rita"):
            _unseen(site, user, before[user], quistrand, mine)
        for user in ("ada", "root"):  # who may see the vault sees it all along
            seen = site.entity(user, "Velmor Quistrand")
            assert seen is not None and seen["documents"] == 1, seen
        monkeypatch.delenv("PYTHONHOME")
        _wait_until(lambda: "text.extracted" in site.kinds_after(mine))
        # The uploader's copy has its text; its entities, as a new file's, wait for the
        # next `entities extract`.
        for user in ("ana", "rita"):
            _unseen(site, user, before[user], quistrand, mine)
    site.extract_entities()
    with site.served():
        for user in ("ana", "rita"):
            seen = site.entity(user, "Velmor Quistrand")
            assert seen is not None and (seen["id"], seen["documents"]) == (quistrand, 1)
            dossier = site.get(f"/api/v1/entities/{quistrand}", user).json()
            assert [m["document"] for m in dossier["mentions"]] == ["mine.txt"]
            tang = site.entity(user, "Chris Tang")
            assert tang is not None and tang["documents"] == 2
            marked = site.get(f"/api/v1/documents/{mine}", user).json()["mentions"]
            assert "Velmor Quistrand" in {m["surface"] for m in marked[0]}
            everything = json.dumps([site.entities(user), dossier])
            assert "report.txt" not in everything and "vault" not in everything
        for user in ("ada", "root"):
            seen = site.entity(user, "Velmor Quistrand")
            assert seen is not None and seen["documents"] == 1, seen  # one file, two copies
