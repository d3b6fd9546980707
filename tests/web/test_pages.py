"""Pages: login, search across scripts, documents, declarations, tally, the log, and guards."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from erfurt.archive import Accounts, Archive, ArchivePaths
from erfurt.cli.options import all_views
from erfurt.ingest import ExtractOptions, add_paths, extract_pending
from erfurt.web import create_app

from .conftest import CHEAP, PASSWORD, XSS, XSS_NAME, Built, csrf_of, log_in


def test_archivist_finds_a_chinese_document_by_a_simplified_query(client: TestClient) -> None:
    log_in(client, "ana")
    page = client.get("/search", params={"q": "国家安全部"})
    assert page.status_code == 200
    assert '<meta charset="utf-8">' in page.text
    assert "國安部報告.txt" in page.text
    assert "<mark>" in page.text


def test_every_answer_carries_a_strict_csp(client: TestClient, built: Built) -> None:
    with Accounts.open(ArchivePaths(built.path), hasher=CHEAP) as accounts:
        headers = {"authorization": f"Bearer {accounts.new_token('rita', 'headers')}"}
    answers = {
        "page": client.get("/login"),
        "error page": client.get("/documents/999999", headers=headers),
        "API answer (searched)": client.get(
            "/api/v1/search", params={"q": "order"}, headers=headers
        ),
        "API error": client.get("/api/v1/search", params={"q": ""}, headers=headers),
        "published log": client.get("/log/checkpoint"),
        "static file": client.get("/static/site.css"),
    }
    for what, answer in answers.items():
        assert answer.status_code in (200, 404, 422), what
        csp = answer.headers.get_list("content-security-policy")
        assert len(csp) == 1, what
        assert "default-src 'none'" in csp[0] and "script-src 'self'" in csp[0], what
        assert "unsafe-inline" not in csp[0], what
        assert answer.headers["x-content-type-options"] == "nosniff", what


def test_names_and_texts_are_escaped(client: TestClient, built: Built) -> None:
    log_in(client, "ana")
    page = client.get("/search", params={"q": "quisling"})
    assert "xss.html" in page.text
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text
    doc = client.get(f"/documents/{built.documents[XSS_NAME]}")
    assert doc.status_code == 200
    assert "<img src=x" not in doc.text and "&lt;img src=x" in doc.text


def test_restricted_documents_look_missing_to_others(client: TestClient, built: Built) -> None:
    witness = built.documents["witnesses/witness-statement.txt"]
    log_in(client, "ana")  # allowed
    assert "witness-statement.txt" in client.get("/search", params={"q": "shooting"}).text
    assert client.get(f"/documents/{witness}").status_code == 200
    log_in(client, "rita")  # a reviewer not named for the collection
    results = client.get("/search", params={"q": "shooting"}).text
    assert "witness-statement.txt" not in results and "border-order.txt" in results
    assert "Witness statement" not in client.get("/search", params={"q": "witness"}).text
    hidden = client.get(f"/documents/{witness}")
    missing = client.get("/documents/999999")
    assert hidden.status_code == missing.status_code == 404
    assert client.get(f"/documents/{witness}/original").status_code == 404
    assert client.get(f"/documents/{witness}/receipt").status_code == 404
    scoped = client.get("/search", params={"q": "shooting", "collection": "witnesses"})
    assert "witness-statement.txt" not in scoped.text


def test_custody_hides_sightings_in_restricted_collections(
    client: TestClient, built: Built
) -> None:
    index = built.documents["public/border-order.txt"]
    log_in(client, "ana")
    names = [row["name"] for row in client.get(f"/api/v1/documents/{index}").json()["custody"]]
    assert "secret-copy-of-order.txt" in names  # the same bytes, seen again
    log_in(client, "rita")
    doc = client.get(f"/api/v1/documents/{index}").json()
    assert [row["name"] for row in doc["custody"]] == ["border-order.txt", "text"]
    assert doc["pages"][0].startswith("The 1973 border shooting order")
    page = client.get(f"/documents/{index}").text
    assert "secret-copy" not in page


def test_downloads(client: TestClient, built: Built) -> None:
    log_in(client, "ana")
    index = built.documents["public/國安部報告.txt"]
    original = client.get(f"/documents/{index}/original")
    assert original.content.decode() == "國家安全部的內部報告：邊境射擊命令於一九七三年下達。\n"
    assert original.headers["content-type"] == "application/octet-stream"
    assert "filename*=UTF-8''%E5%9C%8B" in original.headers["content-disposition"]
    receipt = client.get(f"/documents/{index}/receipt")
    assert receipt.text.startswith("c2sp.org/tlog-proof@v1\n")
    xss = client.get(f"/documents/{built.documents[XSS_NAME]}/original")
    disposition = xss.headers["content-disposition"]
    assert "<" not in disposition.split("filename*")[0] and "\n" not in disposition


def test_volunteer_declares_and_gets_a_receipt(client: TestClient) -> None:
    log_in(client, "vic")
    form = client.get("/declare")
    assert form.status_code == 200
    before = client.get("/api/v1/tally").json()["total"]["declarations"]
    done = client.post(
        "/declare",
        data={
            "alias": XSS,
            "organisations": ["Party", "Youth League"],
            "place": "Taipei",
            "statement": "I leave.",
            "channel": "phone",
            "csrf": csrf_of(form.text),
        },
    )
    assert done.status_code == 200, done.text
    assert client.get("/api/v1/tally").json()["total"]["declarations"] == before + 1
    receipt_link = done.text.split('id="receipt" href="')[1].split('"')[0]
    receipt = client.get(receipt_link)
    assert receipt.status_code == 200
    assert receipt.text.startswith("c2sp.org/tlog-proof@v1\n")


def test_volunteers_cannot_search_or_read(client: TestClient, built: Built) -> None:
    log_in(client, "vic")
    assert client.get("/search", params={"q": "order"}).status_code == 403
    assert (
        client.get(f"/documents/{built.documents['witnesses/witness-statement.txt']}").status_code
        == 403
    )
    assert client.get("/api/v1/search", params={"q": "order"}).status_code == 403


def test_forms_without_csrf_are_refused(client: TestClient) -> None:
    log_in(client, "vic")
    before = client.get("/api/v1/tally").json()["total"]["declarations"]
    refused = client.post("/declare", data={"alias": "a", "organisations": ["Party"]})
    assert refused.status_code == 403
    wrong = client.post(
        "/declare", data={"alias": "a", "organisations": ["Party"], "csrf": "forged"}
    )
    assert wrong.status_code == 403
    assert client.get("/api/v1/tally").json()["total"]["declarations"] == before


def test_anonymous_visitors_see_the_tally_and_the_log_only(client: TestClient) -> None:
    client.cookies.clear()
    assert client.get("/tally").status_code == 200
    assert client.get("/tally", params={"lang": "zh-Hant"}).text.count("統計") >= 1
    assert client.get("/search", follow_redirects=False).headers["location"] == "/login"
    assert client.get("/api/v1/search", params={"q": "x"}).status_code == 401
    assert client.get("/api/v1/documents/1").status_code == 401


def test_log_is_served_as_the_static_layout(client: TestClient, built: Built) -> None:
    checkpoint = client.get("/log/checkpoint")
    assert checkpoint.content == (built.path / "log" / "checkpoint").read_bytes()
    assert checkpoint.headers["cache-control"] == "no-cache"
    tile = client.get("/log/tile/0/000.p/1")
    assert tile.status_code in {200, 404}
    for bad in ("../private/log.key", "tile/../../private/log.key", "checkpoint.bak", "tile/x"):
        assert client.get(f"/log/{bad}").status_code == 404


def test_login_is_rate_limited(built: Built) -> None:
    frozen = 2_000_000_000.0  # no refill while the test runs, however slow the machine
    app = create_app(built.path, views=all_views(), clock=lambda: frozen, login_burst=5)
    with TestClient(app, base_url="https://testserver") as client:
        form = client.get("/login")
        codes = [
            client.post(
                "/login",
                data={"username": "root", "password": "wrong!", "csrf": csrf_of(form.text)},
            ).status_code
            for _ in range(40)
        ]
    assert codes == [401] * 5 + [429] * 35


def test_a_name_that_reverses_itself_is_shown_as_it_is_stored(tmp_path: Path) -> None:
    # U+202E (right-to-left override) shows "report\u202etxt.exe" as "reportexe.txt":
    # pages write the bidi controls out, so a reader sees what the name really holds.
    spoof = "report\u202etxt.exe"
    source = tmp_path / "source"
    source.mkdir()
    (source / spoof).write_text("The order was signed on the 3rd.\n", encoding="utf-8")
    path = tmp_path / "archive"
    with Archive.init(path, origin="example.org/bidi", who="t", views=all_views()) as archive:
        with Accounts.open(archive.paths, hasher=CHEAP) as accounts:
            accounts.add_user("ana", "archivist", PASSWORD)
        add_paths(archive, [source], collection="public", who="ana")
        extract_pending(archive, ExtractOptions(), who="t", workers=1)
        [(index, _)] = list(archive.records(kinds={"document.added"}))
    with TestClient(create_app(path, views=all_views()), base_url="https://testserver") as client:
        log_in(client, "ana")
        for page in (
            client.get(f"/documents/{index}"),
            client.get("/search", params={"q": "order"}),
        ):
            assert page.status_code == 200
            assert "report[U+202E]txt.exe" in page.text
            assert "\u202e" not in page.text
