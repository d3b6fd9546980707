"""Volunteers log calls on a page: the number never reaches disk or a page in clear."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from erfurt.archive import Accounts, ArchivePaths, load_registry_secret
from erfurt.cli.options import all_views
from erfurt.web import create_app

from .conftest import Built, csrf_of, log_in

NUMBER = "0086 138 0013 8000"
SAME_NUMBER = "+86 138-0013-8000"
DIGITS = [b"13800138000", b"138 0013 8000", b"138-0013-8000"]


@pytest.fixture(scope="module")
def calls(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    secret = tmp_path_factory.mktemp("secret") / "registry-secret"
    load_registry_secret(secret, archive_root=built.path, create=True)
    app = create_app(built.path, views=all_views(), login_burst=10_000, secret_file=secret)
    with TestClient(app, base_url="https://testserver") as client:
        yield client


def _everything_on_disk(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def test_a_volunteer_logs_calls_and_sees_the_weeks(calls: TestClient, built: Built) -> None:
    log_in(calls, "vic")
    pages = []
    for number, outcome in ((NUMBER, "listened"), (SAME_NUMBER, "declared")):
        form = calls.get("/calls")
        assert form.status_code == 200, form.text
        data = {"number": number, "outcome": outcome, "csrf": csrf_of(form.text)}
        pages.append(calls.post("/calls", data=data))
    first, second = pages
    assert first.status_code == second.status_code == 200
    assert 'id="call-logged"' in second.text
    assert "Earlier calls to this number: 1 (" in second.text  # the same number, written apart
    assert "listened" in second.text
    week = calls.get("/api/v1/calls/weeks", headers={"x-csrf-token": ""}).json()["weeks"][-1]
    assert week["calls"] >= 2
    assert week["outcomes"]["declared"] >= 1
    for answer in pages:
        assert not any(digits in answer.content for digits in DIGITS)
    stored = _everything_on_disk(built.path)
    assert not any(digits in stored for digits in DIGITS), "a number reached disk in clear"
    calls.cookies.clear()


def test_the_calls_api_and_its_refusals(calls: TestClient, built: Built) -> None:
    with Accounts.open(ArchivePaths(built.path)) as accounts:
        vic = {"authorization": f"Bearer {accounts.new_token('vic', 'calls')}"}
        rita = {"authorization": f"Bearer {accounts.new_token('rita', 'calls')}"}
    logged = calls.post("/api/v1/calls", json={"number": "+49 30 1234567", "outcome": "thanked"},
                        headers=vic)  # fmt: skip
    assert logged.status_code == 201, logged.text
    assert logged.json()["outcome"] == "thanked"
    assert b"1234567" not in logged.content
    bad = calls.post("/api/v1/calls", json={"number": "not a number", "outcome": "thanked"},
                     headers=vic)  # fmt: skip
    assert bad.status_code == 400
    assert bad.json()["hint"]
    unknown = calls.post("/api/v1/calls", json={"number": NUMBER, "outcome": "bribed"},
                         headers=vic)  # fmt: skip
    assert unknown.status_code == 400
    identity = {"number": NUMBER, "outcome": "thanked", "name": "Wang Wei"}
    assert calls.post("/api/v1/calls", json=identity, headers=vic).status_code == 422
    valid = {"number": NUMBER, "outcome": "thanked"}
    assert calls.post("/api/v1/calls", json=valid, headers=rita).status_code == 403
    assert calls.post("/api/v1/calls", json=valid).status_code == 401


def test_without_a_registry_secret_the_calls_page_says_so(client: TestClient) -> None:
    log_in(client, "vic")
    answer = client.get("/calls")
    assert answer.status_code == 503
    assert "--secret-file" in answer.text
    client.cookies.clear()


def test_the_weeks_are_charted_and_redrawn_as_calls_are_logged(
    calls: TestClient, built: Built
) -> None:
    with Accounts.open(ArchivePaths(built.path)) as accounts:
        vic = {"authorization": f"Bearer {accounts.new_token('vic', 'chart')}"}
        rita = {"authorization": f"Bearer {accounts.new_token('rita', 'chart')}"}
    call = {"number": NUMBER, "outcome": "thanked"}
    assert calls.post("/api/v1/calls", json=call, headers=vic).status_code == 201
    before = calls.get("/calls/chart.svg", headers=vic)
    assert before.status_code == 200 and before.headers["content-type"] == "image/svg+xml"
    assert b"<svg" in before.content and b"thanked" in before.content
    assert calls.post("/api/v1/calls", json=call, headers=vic).status_code == 201
    after = calls.get("/calls/chart.svg", headers=vic).content
    assert after != before.content  # the log grew: drawn again
    assert not any(digits in after for digits in DIGITS)
    log_in(calls, "vic")
    for language, caption, alt, title in (
        ("en", "Each week's calls by outcome", "Outreach call outcomes by week:", "by week ("),
        ("zh-Hans", "每周通话按结果所占比例", "外展通话结果（按周）：", "外展通话结果（按周，共"),
        ("zh-Hant", "每週通話按結果所佔比例", "外展通話結果（按週）：", "外展通話結果（按週，共"),
    ):
        page = html.unescape(calls.get("/calls", params={"lang": language}).text)
        assert f'<img src="/calls/chart.svg?lang={language}" alt="{alt}' in page, language
        assert caption in page, language
        svg = calls.get("/calls/chart.svg", params={"lang": language}).content.decode()
        assert title in svg, "the drawing is titled in the page's language"
    calls.cookies.clear()
    assert calls.get("/calls/chart.svg", headers=rita).status_code == 403
    assert calls.get("/calls/chart.svg").status_code in (401, 200)
    assert b"<svg" not in calls.get("/calls/chart.svg").content  # nobody logged in: no chart


def test_the_outcomes_are_named_in_the_pages_language(calls: TestClient, built: Built) -> None:
    with Accounts.open(ArchivePaths(built.path)) as accounts:
        vic = {"authorization": f"Bearer {accounts.new_token('vic', 'words')}"}
    call = {"number": NUMBER, "outcome": "hung-up"}
    assert calls.post("/api/v1/calls", json=call, headers=vic).status_code == 201
    log_in(calls, "vic")
    for language, hung_up, thanked in (
        ("en", "hung-up", "thanked"),
        ("zh-Hans", "挂断", "致谢"),
        ("zh-Hant", "掛斷", "致謝"),
    ):
        page = html.unescape(calls.get("/calls", params={"lang": language}).text)
        assert f'<option value="hung-up">{hung_up}</option>' in page, language
        assert f'<th scope="col">{thanked}</th>' in page, language
        svg = calls.get("/calls/chart.svg", params={"lang": language}).content.decode()
        assert hung_up in svg and thanked in svg, "the legend names the outcomes"
        assert f"{hung_up} " in html.unescape(page.split('alt="')[1].split('"')[0])
        if language != "en":
            assert "hung-up" not in svg and ">hung-up<" not in page
    form = calls.get("/calls", params={"lang": "zh-Hant"})
    logged = calls.post("/calls", data={**call, "csrf": csrf_of(form.text)})
    said = logged.text.split('id="call-logged"')[1].split("</p>")[0]
    assert "掛斷)" in said and "hung-up" not in said, "the call logged, and those before it"
    calls.cookies.clear()
