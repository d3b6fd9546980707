"""Incidents over the API: staff record and edit, the public reads, sealed names never leak.

The incidents cite passages of the served archive's real extracted texts, one of them in
the restricted collection; every byte an anonymous client can fetch (the incidents API, the
figures, the published log) is searched for the sealed names.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from erfurt.archive import Accounts, Archive, ArchivePaths
from erfurt.incidents import GROUPINGS, Query, define_figure, mark_publishable, publish_figure

from .conftest import CHEAP, FILES, Built, log_in

SEALED = ["Hanna Versiegelt", "Otto Zeugenschutz"]  # a person harmed, a witness
PUBLISHABLE = "Peter Offengelegt"


def _token(built: Built, user: str) -> dict[str, str]:
    with Accounts.open(ArchivePaths(built.path), hasher=CHEAP) as accounts:
        return {"authorization": f"Bearer {accounts.new_token(user, 'incidents test')}"}


def _archive(client: TestClient) -> Archive:
    archive: Archive = client.app.state.service.archive  # type: ignore[attr-defined]
    archive.refresh()
    return archive


def _cite(client: TestClient, built: Built, document: str, phrase: str) -> str:
    """``RECORD:START-END`` of ``phrase`` in the extracted text of ``document``."""
    archive = _archive(client)
    blob = archive.record(built.documents[document])["blob"]
    for index, record in archive.records(kinds={"text.extracted"}):
        if record["source"] == blob:
            start = archive.read_blob(str(record["text"])).decode().index(phrase)
            return f"{index}:{start}-{start + len(phrase)}"
    raise AssertionError(f"{document} has no text")


@pytest.fixture(scope="module")
def recorded(client: TestClient, built: Built) -> str:
    """An incident recorded and edited by an archivist, citing a public and a restricted
    document, naming two sealed people and one a reviewer marked publishable."""
    order = _cite(client, built, "public/border-order.txt", "shooting order")
    witness = _cite(client, built, "witnesses/witness-statement.txt", "Witness statement")
    client.cookies.clear()
    staff = _token(built, "ana")
    body = {
        "kind": f"killing@{order}",
        "dates": [f"1973@{order}"],
        "place": f"Berlin@{order}",
        "harmed": [f"2@{order}", f"3@{witness}"],
        "responsible": [f"Border Regiment 33@{order}"],
        "harmed_names": [SEALED[0], PUBLISHABLE],
        "witness_names": [SEALED[1]],
        "entities": {"Border Regiment 33": "erf-test-wang"},
    }
    made = client.post("/api/v1/incidents", json=body, headers=staff)
    assert made.status_code == 201, made.text
    incident = str(made.json()["incident"])
    edited = client.patch(
        f"/api/v1/incidents/{incident}",
        json={"region": "DE-BE", "disputed": "the witness counts one more"},
        headers=staff,
    )
    assert edited.status_code == 200, edited.text
    archive = _archive(client)
    mark_publishable(archive, PUBLISHABLE, "family asked for the name to be known", "rita")
    define_figure(archive, "killed in 1973", Query("harmed", kind="killing"), "rita")
    publish_figure(archive, "killed in 1973", "rita")
    return incident


def test_only_staff_who_may_add_evidence_record_incidents(
    client: TestClient, built: Built, recorded: str
) -> None:
    body = {"kind": "killing@note:x", "dates": ["1973@note:x"], "place": "B@note:x"}
    body["harmed"] = ["1@note:x"]
    client.cookies.clear()
    assert client.post("/api/v1/incidents", json=body).status_code == 401
    for user in ("vic", "rita"):
        refused = client.post("/api/v1/incidents", json=body, headers=_token(built, user))
        assert refused.status_code == 403, user
        patched = client.patch(
            f"/api/v1/incidents/{recorded}", json={"region": "XX"}, headers=_token(built, user)
        )
        assert patched.status_code == 403, user
    log_in(client, "ana")  # a session needs the CSRF token, a token client does not
    assert client.post("/api/v1/incidents", json=body).status_code == 403
    csrf = {"x-csrf-token": client.cookies.get("erfurt_csrf") or ""}
    assert client.post("/api/v1/incidents", json=body, headers=csrf).status_code == 201
    client.cookies.clear()


def test_bad_incidents_are_refused_with_what_to_do(client: TestClient, built: Built) -> None:
    staff = _token(built, "ana")
    missing = client.post("/api/v1/incidents", json={"kind": "killing@note:x"}, headers=staff)
    assert missing.status_code == 400
    assert "needs date, place, harmed" in missing.json()["error"] and missing.json()["hint"]
    beyond = {"kind": "killing@0:0-5", "dates": ["1973@note:x"], "place": "B@note:x"}
    beyond["harmed"] = ["1@note:x"]
    refused = client.post("/api/v1/incidents", json=beyond, headers=staff)
    assert refused.status_code == 400 and "not a text.extracted" in refused.json()["error"]
    unknown = client.patch("/api/v1/incidents/I-none", json={}, headers=staff)
    assert unknown.status_code == 404
    extra = client.post("/api/v1/incidents", json={"colour": "red"}, headers=staff)
    assert extra.status_code == 422 and extra.json()["field"] == "colour"


def test_the_public_reads_values_cites_and_history(client: TestClient, recorded: str) -> None:
    client.cookies.clear()
    shown = client.get(f"/api/v1/incidents/{recorded}").json()
    assert (shown["kind"], shown["region"], shown["status"]) == ("killing", "DE-BE", "disputed")
    assert shown["harmed"] == {"low": 2, "high": 3} and len(shown["history"]) == 2
    assert shown["names"] == [{"role": "harmed", "name": PUBLISHABLE}]
    assert shown["entities"] == {"Border Regiment 33": "erf-test-wang"}
    assert {p["field"] for p in shown["passages"]} == {
        "kind",
        "date",
        "place",
        "harmed",
        "responsible",
    }
    # The public reads no document: neither its text nor which document it is.
    assert all(p["text"] is None and p["document"] is None for p in shown["passages"])
    listed = client.get("/api/v1/incidents", params={"query": "entity=erf-test-wang"}).json()
    assert recorded in [r["incident"] for r in listed["incidents"]]
    figure = client.get("/api/v1/figures/killed in 1973").json()
    assert figure["publications"][0]["low"] >= 2
    assert recorded in [r["incident"] for r in figure["incidents"]]
    assert client.get("/api/v1/figures/never published").status_code == 404
    assert client.get("/api/v1/incidents/I-none").status_code == 404


def test_passage_texts_only_from_documents_the_caller_may_read(
    client: TestClient, built: Built, recorded: str
) -> None:
    def texts(user: str) -> set[str | None]:
        shown = client.get(f"/api/v1/incidents/{recorded}", headers=_token(built, user))
        harmed = [p for p in shown.json()["passages"] if p["field"] == "harmed"]
        assert all((p["text"] is None) == (p["document"] is None) for p in harmed)
        return {p["text"] for p in harmed}

    client.cookies.clear()
    # The restricted collection is open to ana only: rita sees its passage by position.
    assert texts("ana") == {"shooting order", "Witness statement"}
    assert texts("rita") == {"shooting order", None}


def test_a_sealed_name_is_in_no_public_byte(
    client: TestClient, built: Built, recorded: str
) -> None:
    client.cookies.clear()
    urls = ["/api/v1/openapi.json", "/api/v1/incidents", "/api/v1/figures"]
    urls += [f"/api/v1/incidents/{recorded}", "/api/v1/figures/killed in 1973"]
    urls += [f"/api/v1/incidents/counts?by={by}" for by in GROUPINGS]
    folder = built.path / "log"
    urls += [f"/log/{p.relative_to(folder).as_posix()}" for p in folder.rglob("*") if p.is_file()]
    fetched = b""
    for url in urls:
        answer = client.get(url)
        fetched += answer.content + json.dumps(dict(answer.headers)).encode()
    assert PUBLISHABLE.encode() in fetched  # the search finds a name that is there
    assert FILES["witnesses/witness-statement.txt"].encode() not in fetched
    for name in SEALED:
        for form in (name, name.lower(), name.upper(), name.split()[1]):
            assert form.encode() not in fetched, form
            assert form.encode("utf-16-le") not in fetched, form
