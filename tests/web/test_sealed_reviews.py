"""Merges and links of entities only a restricted collection names reach nobody it is hidden from.

A reviewer merged and linked persons named only in a restricted statement (see
``tests/sealed_entities.py``). The anonymous public and a reviewer the collection is hidden
from fetch every page and API answer they can reach, every file of the published log, and
every record number guessed; none of their bytes may carry those persons' ids (hashes of
their names, so a guessed name could be confirmed), names, the reviewers' reasons, or the
list entry one was linked to.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from erfurt.archive import Accounts, Archive, ArchivePaths
from erfurt.cli.options import all_views
from erfurt.web import create_app
from sealed_entities import FANG, LU, QIAO, SPLIT, Reviewed

from .conftest import CHEAP, PASSWORD, crawl, log_in, log_urls


@pytest.fixture(scope="module")
def client(reviewed: Reviewed) -> Iterator[TestClient]:
    with Accounts.open(ArchivePaths(reviewed.path), hasher=CHEAP) as accounts:
        accounts.add_user("rita", "reviewer", PASSWORD)
    app = create_app(reviewed.path, views=all_views(), login_burst=10_000)
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client


def _secrets(reviewed: Reviewed) -> list[bytes]:
    named = [FANG, LU, SPLIT, "Fang Delun", "Lu Kanghai", "erf-made-up-entry"]
    return [s.encode() for s in named + reviewed.private_reasons]


def _seeds(reviewed: Reviewed) -> list[str]:
    with Archive.open(reviewed.path) as archive:
        size = archive.size
    seeds = ["/", "/login", "/verify", "/api/v1/openapi.json", "/catalog", "/algorithms"]
    seeds += ["/tally", "/api/v1/tally?by=day", *log_urls(reviewed.path)]
    for index in range(size):  # guessed record numbers, the reviews' among them
        seeds += [f"/documents/{index}", f"/documents/{index}/receipt"]
        seeds += [f"/api/v1/documents/{index}", f"/api/v1/documents/{index}/receipt"]
    for entity in (FANG, LU, SPLIT, QIAO, "erf-made-up-entry"):
        seeds += [f"/entities/{entity}"]
    # the pages repeat a query: none is a whole name or id sought in what comes back
    for query in ("Fang", "Delun", "Kanghai", "Qiao Wenlan", "night", "witness"):
        seeds += [f"/search?q={quote(query)}", f"/api/v1/search?q={quote(query)}"]
        seeds += [f"/names?name={quote(query)}"]
    return seeds


def _assert_nothing_sealed_in(fetched: dict[str, bytes], secrets: list[bytes]) -> None:
    assert sum(url.startswith("/log/tile/entries/") for url in fetched) >= 1
    for url, body in fetched.items():
        for secret in secrets:
            assert secret.lower() not in body.lower(), f"{secret!r} is readable at {url}"


def test_the_public_reads_no_sealed_review(client: TestClient, reviewed: Reviewed) -> None:
    client.cookies.clear()
    fetched = crawl(client, _seeds(reviewed))
    assert any("/static/" in url for url in fetched), "the crawl followed no links"
    _assert_nothing_sealed_in(fetched, _secrets(reviewed))
    # the merges of public entities are readable: sealing took only what it had to
    assert any(QIAO.encode() in body for url, body in fetched.items() if url.startswith("/log/"))


def test_a_reviewer_it_is_hidden_from_reads_no_sealed_review(
    client: TestClient, reviewed: Reviewed
) -> None:
    log_in(client, "rita")
    fetched = crawl(client, _seeds(reviewed))
    assert b"Qiao Wenlan" in fetched["/search?q=Qiao%20Wenlan"]  # the public notice
    assert b"rita" in fetched["/"]  # still logged in when the crawl ended
    _assert_nothing_sealed_in(fetched, _secrets(reviewed))
    client.cookies.clear()
