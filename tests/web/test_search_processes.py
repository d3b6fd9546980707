"""``serve --search-processes``: searches answered by other processes, exactly as in the server.

The server decides what each caller may see and the search process only reads: the pages
and the API must answer every query the same way as a server that searches itself, for a
caller a collection is hidden from, one it is not, and a query that cannot run.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from erfurt.archive import Accounts, ArchivePaths
from erfurt.cli.options import all_views
from erfurt.web import create_app

from .conftest import CHEAP, Built

QUERIES = ["witness", "國家安全部", "国家安全部", "order", '"shooting order"', "zzyzxnothing"]


@pytest.fixture(scope="module")
def searching_client(built: Built) -> Iterator[TestClient]:
    app = create_app(built.path, views=all_views(), login_burst=10_000, search_processes=1)
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client


def _tokens(built: Built) -> dict[str, dict[str, str]]:
    with Accounts.open(ArchivePaths(built.path), hasher=CHEAP) as accounts:
        return {
            user: {"authorization": f"Bearer {accounts.new_token(user, 'search processes')}"}
            for user in ("rita", "ana")
        }


def test_searches_in_a_process_of_their_own_answer_the_same(
    client: TestClient, searching_client: TestClient, built: Built
) -> None:
    for user, headers in _tokens(built).items():
        for query in QUERIES:
            params = {"q": query}
            here = client.get("/api/v1/search", params=params, headers=headers)
            there = searching_client.get("/api/v1/search", params=params, headers=headers)
            assert here.status_code == there.status_code == 200, (user, query, there.text)
            assert there.json() == here.json(), (user, query)
            page = searching_client.get("/search", params=params, headers=headers)
            assert page.status_code == 200
    rita, ana = (_tokens(built)[user] for user in ("rita", "ana"))
    hidden = searching_client.get("/api/v1/search", params={"q": "witness"}, headers=rita)
    assert hidden.json()["hits"] == []  # only the restricted collection holds it
    assert searching_client.get("/api/v1/search", params={"q": "witness"}, headers=ana).json()[
        "hits"
    ]


def test_a_query_that_cannot_run_is_refused_the_same_way(
    client: TestClient, searching_client: TestClient, built: Built
) -> None:
    headers = _tokens(built)["rita"]
    for query in ['"unclosed', "NEAR(a b)", "a OR", "*", "^"]:
        here = client.get("/api/v1/search", params={"q": query}, headers=headers)
        there = searching_client.get("/api/v1/search", params={"q": query}, headers=headers)
        assert there.status_code == here.status_code, query
        assert there.json() == here.json(), query
