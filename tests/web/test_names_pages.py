"""Names for reviewers: the match form, batch screening of a CSV, the lists, and their API."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import threading

import pytest
from fastapi.testclient import TestClient

from .conftest import csrf_of, log_in

CSV = (
    "id,name,birth_date,country,schema\n"
    "a1,Jane Doe,,,\n"
    "a2,王毅,1953-10-08,,Person\n"
    "a3,,,,\n"
    'a4,=HYPERLINK("http://evil"),,,\n'
    "a5,林郑月娥,,Narnia,\n"
    "a6,Carrie Lam Cheng Yuet-ngor,,,Person\n"
)


def _screen(client: TestClient, body: bytes, filename: str = "names.csv") -> str:
    """Submit a CSV through the form and wait for its page to say it is finished."""
    form = client.get("/names/screen")
    answer = client.post(
        "/names/screen",
        data={"csrf": csrf_of(form.text)},
        files={"file": (filename, body, "text/csv")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    job = location.rsplit("/", 1)[-1]
    for _ in range(600):
        if client.get(f"/api/v1/names/screen/{job}").json()["finished"]:
            return location
        threading.Event().wait(0.1)
    raise AssertionError("the screening did not finish")


def test_a_reviewer_matches_a_name_and_sees_why(client: TestClient) -> None:
    log_in(client, "rita")
    page = client.get("/names", params={"name": "Wang Yi", "birth_date": "1953-10-08"})
    assert page.status_code == 200
    main = page.text
    assert "王毅" in main and "test-list" in main and "erf-test-wang" in main
    assert "<caption>" in main and main.count("<tr>") >= 2  # the explanation table
    other = client.get("/names", params={"name": "Wang Yi", "birth_date": "1990-01-01"})
    assert other.status_code == 200  # a birth date that disagrees is explained too
    api = client.post("/api/v1/names/match", json={"name": "林鄭月娥"}).json()
    assert api["matches"][0]["entity_id"] == "erf-test-lam"
    assert api["matches"][0]["explanation"], "every match says why"


def test_bad_input_on_the_match_form_is_explained(client: TestClient) -> None:
    log_in(client, "rita")
    narnia = client.get("/names", params={"name": "Wang Yi", "country": "Narnia"})
    assert narnia.status_code == 400 and "Narnia" in narnia.text
    assert 'value="Wang Yi"' in narnia.text  # the form keeps what was typed
    date = client.get("/names", params={"name": "Wang Yi", "birth_date": "1953-13-45"})
    assert date.status_code == 400 and "YYYY-MM-DD" in date.text
    api = client.post("/api/v1/names/match", json={"name": "x", "identity": "123"})
    assert api.status_code == 422 and api.json()["field"] == "identity"
    xss = client.get("/names", params={"name": "<script>alert(1)</script>"})
    assert "<script>alert(1)" not in xss.text


def test_the_lists_page_shows_what_is_loaded(client: TestClient) -> None:
    log_in(client, "rita")
    page = client.get("/names/lists", params={"lang": "zh-Hant"})
    assert "test-list" in page.text and "已載入的名單" in page.text
    [listed] = client.get("/api/v1/lists").json()["lists"]
    assert listed["list"] == "test-list" and listed["entities"] == 2 and listed["who"] == "rita"


def test_a_reviewer_screens_a_csv_alerts_first(client: TestClient) -> None:
    log_in(client, "rita")
    location = _screen(client, CSV.encode())
    page = client.get(location).text
    job = location.rsplit("/", 1)[-1]
    summary = client.get(f"/api/v1/names/screen/{job}").json()
    ids = [r["id"] for r in summary["rows"]]
    assert summary["total"] == 6 and summary["done"] == 6
    assert set(ids[:2]) == {"a2", "a6"}, "alerts come first"
    assert ids[2:] == ["a1", "a3", "a4", "a5"], "then the rest in input order"
    errors = {r["id"]: r["error"] for r in summary["rows"] if r["error"]}
    assert "name is empty" in errors["a3"] and "Narnia" in errors["a5"]
    assert page.index("王毅") < page.index("Jane Doe")
    table = client.get(f"{location}/results.csv")
    assert table.headers["content-disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["row", "id", "name"]
    formula = next(r for r in rows if r[1] == "a4")
    assert formula[2].startswith("'="), "a spreadsheet must not run a formula from the input"
    lines = client.get(f"{location}/results.jsonl").text.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ids


def test_screenings_are_private_to_who_started_them(client: TestClient) -> None:
    log_in(client, "rita")
    location = _screen(client, CSV.encode())
    log_in(client, "ana")  # another reviewer (archivists screen too)
    assert client.get(location).status_code == 404
    assert client.get(f"{location}/results.csv").status_code == 404
    log_in(client, "vic")
    assert client.get("/names").status_code == 403
    client.cookies.clear()
    assert client.get("/names", follow_redirects=False).headers["location"] == "/login"
    assert client.post("/api/v1/names/match", json={"name": "x"}).status_code == 401


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("名字\n王毅\n".encode("gbk"), "not UTF-8"),
        (b"who,when\nx,y\n", "no 'name' column"),
        (b"name\n", "has no rows"),
    ],
)
def test_a_csv_that_cannot_be_screened_says_why(
    client: TestClient, body: bytes, message: str
) -> None:
    log_in(client, "rita")
    form = client.get("/names/screen")
    answer = client.post(
        "/names/screen",
        data={"csrf": csrf_of(form.text)},
        files={"file": ("bad.csv", body, "text/csv")},
    )
    assert answer.status_code == 400 and message in html.unescape(answer.text)
    token = client.cookies.get("erfurt_csrf") or ""
    api = client.post("/api/v1/names/screen", content=body, headers={"x-csrf-token": token})
    assert api.status_code == 400 and message in api.json()["error"]


def test_screening_forms_need_csrf(client: TestClient) -> None:
    log_in(client, "rita")
    answer = client.post("/names/screen", files={"file": ("a.csv", b"name\nx\n", "text/csv")})
    assert answer.status_code == 403
    assert re.search(r"CSRF", answer.text)
    plain = client.post("/names/screen", data={"csrf": csrf_of(client.get("/names/screen").text)})
    assert plain.status_code == 400 and "form" in plain.text


def test_a_csv_over_the_limit_is_refused_and_not_kept(client: TestClient) -> None:
    log_in(client, "rita")
    form = client.get("/names/screen")
    huge = b"name\n" + b"Jane Doe\n" * 700_000  # over 5 MB
    answer = client.post(
        "/names/screen",
        data={"csrf": csrf_of(form.text)},
        files={"file": ("huge.csv", huge, "text/csv")},
    )
    assert answer.status_code == 413 and "5,242,880" in answer.text
    token = client.cookies.get("erfurt_csrf") or ""
    api = client.post("/api/v1/names/screen", content=huge, headers={"x-csrf-token": token})
    assert api.status_code == 413
