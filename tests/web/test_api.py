"""The JSON API: tokens, errors in one shape (422 naming the field), search input, OpenAPI."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from fastapi.testclient import TestClient

from erfurt.archive import Accounts, Archive, ArchivePaths, load_registry_secret, verify_receipt
from erfurt.cli.options import all_views
from erfurt.declarations import Receipt, open_commitment
from erfurt.web import create_app

from .conftest import CHEAP, Built, log_in


def _token(built: Built, user: str) -> dict[str, str]:
    with Accounts.open(ArchivePaths(built.path), hasher=CHEAP) as accounts:
        return {"authorization": f"Bearer {accounts.new_token(user, 'test')}"}


def test_openapi_is_served(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/search" in spec["paths"] and "/match/{dataset}" in spec["paths"]


def test_token_clients_declare_without_csrf(client: TestClient, built: Built) -> None:
    client.cookies.clear()
    headers = _token(built, "vic")
    made = client.post(
        "/api/v1/declarations",
        json={"alias": "Spring", "organisations": ["Party"], "channel": "online"},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["number"] >= 1
    assert client.get(body["receipt"], headers=headers).text.startswith("c2sp.org/tlog-proof@v1")


def test_bad_requests_get_422_naming_the_field(client: TestClient, built: Built) -> None:
    headers = _token(built, "vic")
    wrong_type = client.post(
        "/api/v1/declarations", json={"alias": "a", "organisations": "Party"}, headers=headers
    )
    assert wrong_type.status_code == 422
    assert wrong_type.json()["field"] == "organisations"
    assert wrong_type.json()["code"] == "invalid"
    malformed = client.post(
        "/api/v1/declarations",
        content=b'{"alias": ',
        headers={**headers, "content-type": "application/json"},
    )
    assert malformed.status_code == 422
    extra = client.post(
        "/api/v1/declarations",
        json={"alias": "a", "organisations": ["Party"], "name": "Real Name"},
        headers=headers,
    )
    assert extra.status_code == 422 and extra.json()["field"] == "name"
    unknown_org = client.post(
        "/api/v1/declarations", json={"alias": "a", "organisations": ["Nope"]}, headers=headers
    )
    assert unknown_org.status_code == 400 and unknown_org.json()["hint"]


def test_session_writes_need_the_csrf_header(client: TestClient) -> None:
    log_in(client, "vic")
    body = {"alias": "a", "organisations": ["Party"]}
    assert client.post("/api/v1/declarations", json=body).status_code == 403
    token = client.cookies.get("erfurt_csrf")
    assert token
    sent = client.post("/api/v1/declarations", json=body, headers={"x-csrf-token": token})
    assert sent.status_code == 201


def test_unknown_tokens_and_roles(client: TestClient, built: Built) -> None:
    client.cookies.clear()
    forged = {"authorization": "Bearer erfurt_forged"}
    assert client.get("/api/v1/search", params={"q": "x"}, headers=forged).status_code == 401
    volunteer = _token(built, "vic")
    assert client.get("/api/v1/search", params={"q": "x"}, headers=volunteer).status_code == 403
    assert client.post("/match/default", json={"queries": {}}, headers=volunteer).status_code == 403


def test_search_syntax_is_an_input_error_never_a_crash(client: TestClient, built: Built) -> None:
    headers = _token(built, "rita")
    for query in ['"unclosed', "NEAR(a b)", "a OR", "*", "col:x", "); DROP TABLE x; --", "^"]:
        answer = client.get("/api/v1/search", params={"q": query}, headers=headers)
        assert answer.status_code in {200, 400}, (query, answer.text)
        if answer.status_code == 400:
            assert answer.json()["error"]
    assert client.get("/api/v1/search", params={"q": ""}, headers=headers).status_code == 422
    assert (
        client.get("/api/v1/search", params={"q": "a", "page": 0}, headers=headers).json()["field"]
        == "query.page"
    )


def test_an_identity_sent_to_the_api_comes_back_in_the_private_receipt_only(
    built: Built, tmp_path: Path
) -> None:
    identity = "李四; 1985-03-04"
    body = {"alias": "冬天", "organisations": ["Party"], "identity": identity}
    headers = _token(built, "vic")
    secret = tmp_path / "registry-secret"
    load_registry_secret(secret, archive_root=built.path, create=True)
    app = create_app(built.path, views=all_views(), secret_file=secret)
    with TestClient(app, base_url="https://testserver") as client:
        made = client.post("/api/v1/declarations", json=body, headers=headers)
        assert made.status_code == 201, made.text
        assert made.headers["cache-control"] == "no-store"
        schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    answer = made.json()
    private = base64.b64decode(answer["private_receipt"])
    assert answer["receipt_sha256"] == hashlib.sha256(private).hexdigest()
    receipt = Receipt.from_bytes(private, "the answer")
    assert receipt.identity == identity
    with Archive.open(built.path) as archive:
        proved = verify_receipt(receipt.proof, archive.verifier)
    assert proved.index == answer["log_index"]
    assert open_commitment(receipt, proved.record.fields, "the answer").alias == "冬天"
    secrets = [identity.encode(), "李四".encode()]
    secrets += [receipt.salt, receipt.salt.hex().encode(), private]
    for file in (f for f in built.path.rglob("*") if f.is_file()):
        held = file.read_bytes()
        assert not any(s in held for s in secrets), file
    assert "identity" in schema["DeclarationIn"]["properties"]
    assert "private_receipt" in schema["DeclarationOut"]["properties"]


def test_an_identity_needs_a_server_with_a_registry_secret(
    client: TestClient, built: Built
) -> None:
    client.cookies.clear()
    body = {"alias": "a", "organisations": ["Party"], "identity": "Real Name"}
    answer = client.post("/api/v1/declarations", json=body, headers=_token(built, "vic"))
    assert answer.status_code == 503 and "--secret-file" in answer.json()["error"]
