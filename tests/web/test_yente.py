"""The yente-compatible surface, driven by nomenklatura's YenteEnricher (not our own client)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from followthemoney import Dataset, StatementEntity
from nomenklatura.cache import Cache
from nomenklatura.db import make_session
from nomenklatura.enrich.yente import YenteEnricher

from erfurt.archive import Accounts, ArchivePaths

from .conftest import CHEAP, Built


def _api_key(built: Built) -> str:
    with Accounts.open(ArchivePaths(built.path), hasher=CHEAP) as accounts:
        return accounts.new_token("rita", "yente client")


def test_yente_enricher_matches_across_scripts(server: str, built: Built, tmp_path: Path) -> None:
    dataset = Dataset.make({"name": "erfurt_test", "title": "Erfurt test"})
    session = make_session(f"sqlite:///{tmp_path / 'nk.db'}")
    cache = Cache(session, dataset, create=True)
    config = {"api": f"{server}/", "dataset": "default", "api_key": _api_key(built)}
    enricher = YenteEnricher(dataset, cache, config)
    query = StatementEntity.from_data(
        dataset, {"id": "q-erfurt-1", "schema": "Person", "properties": {"name": ["林郑月娥"]}}
    )
    matches = list(enricher.match(query))
    assert [m.id for m in matches][:1] == ["erf-test-lam"]
    expanded = list(enricher.expand(query, matches[0]))
    assert "林鄭月娥" in expanded[0].get("name")
    enricher.close()


def _headers(built: Built) -> dict[str, str]:
    return {"authorization": f"ApiKey {_api_key(built)}"}


def test_match_response_shape(client: TestClient, built: Built) -> None:
    body = {"queries": {"a": {"schema": "Person", "properties": {"name": ["Wang Yi"]}}}}
    answer = client.post("/match/default", json=body, params={"limit": 3}, headers=_headers(built))
    assert answer.status_code == 200
    assert answer.headers["x-batch-size"] == "1"
    data = answer.json()
    assert data["limit"] == 3
    result = data["responses"]["a"]["results"][0]
    assert result["id"] == "erf-test-wang" and result["match"] is True
    for key in ("caption", "schema", "properties", "datasets", "referents", "target",
                "first_seen", "last_seen", "last_change", "score", "explanations"):  # fmt: skip
        assert key in result


def test_match_answers_compact_utf8_json_echoing_each_query(
    client: TestClient, built: Built
) -> None:
    """The answer is sent as built (no generic re-encoding): Chinese stays UTF-8, the
    query's properties come back as given, a string or a list."""
    given = {"name": "林郑月娥", "birthDate": ["1957-05-13"]}
    body = {"queries": {"lam": {"id": "q-1", "schema": "Person", "properties": given}}}
    answer = client.post("/match/default", json=body, headers=_headers(built))
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    assert "林鄭月娥".encode() in answer.content and b'", "' not in answer.content
    response = answer.json()["responses"]["lam"]
    assert response["query"] == {"id": "q-1", "schema": "Person", "properties": given}
    assert response["results"][0]["id"] == "erf-test-lam"
    assert response["total"] == {"value": len(response["results"]), "relation": "eq"}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"queries": {}}, 400),
        ({"queries": {"a": {"schema": "Banana", "properties": {"name": ["x"]}}}}, 400),
        ({"queries": {"a": {"properties": {"name": ["x"]}}}}, 422),
        ({"queries": {"a": {"schema": "Person"}}, "config": {"nope": 1}}, 400),
        ({"queries": {str(n): {"schema": "Person"} for n in range(101)}}, 400),
    ],
)
def test_match_errors_follow_yente(
    client: TestClient, built: Built, body: dict[str, object], status: int
) -> None:
    assert client.post("/match/default", json=body, headers=_headers(built)).status_code == status


def test_entities_catalog_algorithms(client: TestClient, built: Built) -> None:
    headers = _headers(built)
    assert client.get("/entities/erf-test-wang", headers=headers).json()["caption"] == "王毅"
    assert client.get("/entities/nope", headers=headers).status_code == 404
    assert "test-list" in client.get("/catalog", headers=headers).json()["current"]
    assert client.get("/algorithms").json()["default"]


def test_a_query_that_is_not_a_name_fails_alone(client: TestClient, built: Built) -> None:
    # Regression: one query whose name the matcher refuses made the whole batch a 400.
    body = {
        "queries": {
            "bad": {"schema": "Person", "properties": {"name": ["12345 !!!"]}},
            "good": {"schema": "Person", "properties": {"name": ["Wang Yi"]}},
        }
    }
    answer = client.post("/match/default", json=body, headers=_headers(built))
    assert answer.status_code == 200
    responses = answer.json()["responses"]
    assert responses["bad"]["status"] == 400 and responses["bad"]["error"]
    assert responses["good"]["results"][0]["id"] == "erf-test-wang"
