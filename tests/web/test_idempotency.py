"""The API's writes with an ``Idempotency-Key``: a retry is answered with the first answer."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from erfurt.archive import Accounts, Archive, ArchivePaths, load_registry_secret, verify_receipt
from erfurt.cli.options import all_views
from erfurt.declarations import Receipt, open_commitment
from erfurt.web import create_app

from .conftest import Built, csrf_of, log_in

KEY = "3f0c0d4e-idempotency-test-key"
IDENTITY = "Zhou Wen; 1979-06-04"


@pytest.fixture(scope="module")
def secret(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    found = tmp_path_factory.mktemp("idempotency") / "registry-secret"
    load_registry_secret(found, archive_root=built.path, create=True)
    return found


@pytest.fixture(scope="module")
def served(built: Built, secret: Path) -> Iterator[TestClient]:
    app = create_app(built.path, views=all_views(), secret_file=secret)
    with TestClient(app, base_url="https://testserver") as client:
        yield client


def _token(built: Built, user: str) -> dict[str, str]:
    with Accounts.open(ArchivePaths(built.path)) as accounts:
        return {"authorization": f"Bearer {accounts.new_token(user, 'idempotency')}"}


def _size(built: Built) -> int:
    with Archive.open(built.path) as archive:
        return archive.size


def _total(client: TestClient) -> int:
    return int(client.get("/api/v1/tally", params={"by": "total"}).json()["total"]["declarations"])


def test_a_declaration_sent_again_is_counted_once_and_gets_the_same_receipt(
    served: TestClient, built: Built, secret: Path
) -> None:
    headers = {**_token(built, "vic"), "idempotency-key": f'"{KEY}"'}
    body = {"alias": "Lantern", "organisations": ["Party"], "identity": IDENTITY}
    before, size = _total(served), _size(built)
    first = served.post("/api/v1/declarations", json=body, headers=headers)
    assert first.status_code == 201, first.text
    again = served.post("/api/v1/declarations", json=body, headers=headers)
    assert again.status_code == 201, again.text
    assert again.json() == first.json()  # receipt, number, index and time
    assert _total(served) == before + 1 and _size(built) == size + 1
    # The server restarted (a crash after the append, before the answer reached the client):
    # the log remembers the request.
    restarted = create_app(built.path, views=all_views(), secret_file=secret)
    with TestClient(restarted, base_url="https://testserver") as client:
        third = client.post("/api/v1/declarations", json=body, headers=headers)
    assert third.status_code == 201 and third.json() == first.json()
    assert _size(built) == size + 1
    receipt = Receipt.from_bytes(base64.b64decode(third.json()["private_receipt"]), "answer")
    with Archive.open(built.path) as archive:
        proved = verify_receipt(receipt.proof, archive.verifier)
        logged = archive.record(proved.index)
    assert open_commitment(receipt, proved.record.fields, "answer").alias == "Lantern"
    # Neither the key nor the identity reaches the log or any file in clear.
    assert {"request", "request_body"} <= set(logged.fields)
    for file in (f for f in built.path.rglob("*") if f.is_file()):
        held = file.read_bytes()
        assert KEY.encode() not in held and b"Zhou Wen" not in held, file


def test_the_same_key_with_another_body_gets_422_and_logs_nothing(
    served: TestClient, built: Built
) -> None:
    headers = {**_token(built, "vic"), "idempotency-key": "conflict-key"}
    first = {"alias": "One", "organisations": ["Party"]}
    assert served.post("/api/v1/declarations", json=first, headers=headers).status_code == 201
    size = _size(built)
    other = {"alias": "Two", "organisations": ["Party"]}
    refused = served.post("/api/v1/declarations", json=other, headers=headers)
    assert refused.status_code == 422
    assert "another body" in refused.json()["error"] and refused.json()["hint"]
    assert _size(built) == size
    # A key belongs to one account and one route: for anyone else it is a new request.
    root = {**_token(built, "root"), "idempotency-key": "conflict-key"}
    assert served.post("/api/v1/declarations", json=other, headers=root).status_code == 201
    assert _size(built) == size + 1


@pytest.mark.parametrize(
    "key",
    ["", '""', "x" * 256, "with space", "schlüssel", "tab\tinside"],
    ids=["empty", "empty-string", "too-long", "space", "non-ascii", "control"],
)
def test_a_malformed_key_is_refused_before_anything_is_logged(
    served: TestClient, built: Built, key: str
) -> None:
    size = _size(built)
    headers = {**_token(built, "vic"), "idempotency-key": key}
    body = {"alias": "Bad key", "organisations": ["Party"]}
    refused = served.post(
        "/api/v1/declarations", json=body, headers={k: v.encode() for k, v in headers.items()}
    )
    assert refused.status_code == 400, refused.text
    assert "Idempotency-Key" in refused.json()["error"]
    assert _size(built) == size


def test_two_keys_in_one_request_are_refused(served: TestClient, built: Built) -> None:
    headers = [*_token(built, "vic").items(), ("idempotency-key", "a"), ("idempotency-key", "b")]
    body = {"alias": "Two keys", "organisations": ["Party"]}
    refused = served.post("/api/v1/declarations", json=body, headers=headers)
    assert refused.status_code == 400 and "one Idempotency-Key" in refused.json()["error"]


def test_a_key_needs_a_server_with_a_registry_secret(client: TestClient, built: Built) -> None:
    size = _size(built)
    headers = {**_token(built, "vic"), "idempotency-key": "no-secret-here"}
    body = {"alias": "No secret", "organisations": ["Party"]}
    answer = client.post("/api/v1/declarations", json=body, headers=headers)
    assert answer.status_code == 503 and "--secret-file" in answer.json()["error"]
    assert _size(built) == size


def test_an_incident_and_a_call_sent_again_are_logged_once(
    served: TestClient, built: Built
) -> None:
    staff = {**_token(built, "ana"), "idempotency-key": "incident-1"}
    incident = {"kind": "killing@note:x", "dates": ["1973@note:x"], "place": "B@note:x",
                "harmed": ["1@note:x"]}  # fmt: skip
    size = _size(built)
    made = served.post("/api/v1/incidents", json=incident, headers=staff)
    assert made.status_code == 201, made.text
    again = served.post("/api/v1/incidents", json=incident, headers=staff)
    assert again.status_code == 201 and again.json() == made.json()
    assert _size(built) == size + 1
    edit = f"/api/v1/incidents/{made.json()['incident']}"
    edits = [served.patch(edit, json={"region": "DE-BE"}, headers=staff | {
        "idempotency-key": "edit-1"}) for _ in range(2)]  # fmt: skip
    assert edits[0].status_code == 200, edits[0].text
    assert edits[1].json() == edits[0].json() and _size(built) == size + 2
    # The same key and body sent to edit another incident is another request.
    other = served.post("/api/v1/incidents", json=incident, headers=_token(built, "ana"))
    another = f"/api/v1/incidents/{other.json()['incident']}"
    keyed = staff | {"idempotency-key": "edit-1"}
    edited = served.patch(another, json={"region": "DE-BE"}, headers=keyed)
    assert edited.status_code == 200 and edited.json()["incident"] == other.json()["incident"]
    assert _size(built) == size + 4
    size += 3
    volunteer = {**_token(built, "vic"), "idempotency-key": "call-1"}
    call = {"number": "+49 30 7654321", "outcome": "thanked"}
    logged = served.post("/api/v1/calls", json=call, headers=volunteer)
    assert logged.status_code == 201, logged.text
    repeated = served.post("/api/v1/calls", json=call, headers=volunteer)
    assert repeated.status_code == 201 and repeated.json() == logged.json()
    assert _size(built) == size + 2
    # The same key on another route is another request.
    other_route = served.post("/api/v1/declarations", json={"alias": "c", "organisations": [
        "Party"]}, headers={**volunteer})  # fmt: skip
    assert other_route.status_code == 201 and _size(built) == size + 3


def _form_key(page: str) -> str:
    found = re.search(r'name="request_key" value="([^"]+)"', page)
    assert found, "the form has no request key"
    return found.group(1)


def test_a_declaration_form_sent_twice_logs_once(served: TestClient, built: Built) -> None:
    """A double click, or a reload of the answer page, sends the same form again."""
    log_in(served, "vic")
    form = served.get("/declare").text
    assert _form_key(served.get("/declare").text) != _form_key(form)  # one per drawing
    data = {"alias": "Twice clicked", "organisations": ["Party"], "channel": "phone",
            "identity": "Qian Li; 1981-02-03", "csrf": csrf_of(form),
            "request_key": _form_key(form)}  # fmt: skip
    size = _size(built)
    pages = [served.post("/declare", data=data) for _ in range(2)]
    assert [page.status_code for page in pages] == [200, 200], pages[0].text
    assert _size(built) == size + 1
    # The same number, record and private receipt on both pages.
    assert pages[0].text == pages[1].text
    refused = served.post("/declare", data=data | {"alias": "Changed"})
    assert refused.status_code == 422 and _size(built) == size + 1
    served.cookies.clear()


def test_a_call_form_sent_twice_logs_once(served: TestClient, built: Built) -> None:
    log_in(served, "vic")
    form = served.get("/calls").text
    data = {"number": "+49 30 1112223", "outcome": "thanked", "csrf": csrf_of(form),
            "request_key": _form_key(form)}  # fmt: skip
    size = _size(built)
    first = served.post("/calls", data=data)
    again = served.post("/calls", data=data)
    assert first.status_code == again.status_code == 200, first.text
    assert _size(built) == size + 1
    logged = re.compile(r'<p id="call-logged".*?</p>', re.S)
    assert logged.findall(first.text) == logged.findall(again.text) != []
    # The answer page's form is a new one: the next call is logged.
    data |= {"request_key": _form_key(again.text), "csrf": csrf_of(again.text)}
    assert served.post("/calls", data=data).status_code == 200 and _size(built) == size + 2
    served.cookies.clear()


def test_the_openapi_description_names_the_header_on_each_write_that_takes_it(
    served: TestClient,
) -> None:
    paths = served.get("/api/v1/openapi.json").json()["paths"]
    takes = {
        (path, method)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", []))
    }
    assert takes == {
        ("/api/v1/declarations", "post"),
        ("/api/v1/incidents", "post"),
        ("/api/v1/incidents/{incident}", "patch"),
        ("/api/v1/calls", "post"),
    }
