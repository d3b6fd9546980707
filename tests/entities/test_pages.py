"""Mentions on scanned pages carry their place on the page image, and the entity pages and
API show what the caller may see: a restricted collection's mentions are hidden from a
reader it is not open to, and nothing at all is shown to anyone who may not read.

One archive through the real pipeline (add with OCR, lists import, `entities extract`),
served in-process over https with API tokens for each role.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient

from entity_pages import Served, run_cli
from erfurt.archive import Accounts, Archive
from erfurt.cli.options import all_views
from erfurt.entities import Found, Mention
from erfurt.entities.boxes import with_boxes
from erfurt.ingest import ExtractOptions, add_paths, extract_pending
from erfurt.web import create_app
from ingest_samples import image_bytes, scan_image

SCAN = ["Secretary for Security John Lee", "met Carrie Lam at noon"]
RELEASE = "Commissioner of Police Chris Tang met Carrie Lam on Monday.\n"
STATEMENT = (
    "Commissioner of Police Chris Tang and Secretary for Justice Velmor Quistrand "
    "signed the order.\n"
)
LIST = [{"id": "hk-lam", "schema": "Person",
         "properties": {"name": ["LAM, Carrie"], "alias": ["LAM CHENG, Yuet-ngor"]}}]  # fmt: skip
USERS = {"ana": "archivist", "rita": "reviewer", "vic": "volunteer"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("entity-pages")
    public, restricted = root / "public", root / "witnesses"
    public.mkdir()
    restricted.mkdir()
    (public / "scan.png").write_bytes(image_bytes(scan_image(SCAN, degrade=False)))
    (public / "release.txt").write_text(RELEASE, encoding="utf-8")
    (restricted / "statement.txt").write_text(STATEMENT, encoding="utf-8")
    listed = root / "list.jsonl"
    listed.write_text("".join(json.dumps(e) + "\n" for e in LIST), encoding="utf-8")
    path = root / "archive"
    with Archive.init(path, origin="example.org/entity-pages", who="t", views=all_views()) as a:
        with Accounts.open(
            a.paths, hasher=PasswordHasher.from_parameters(profiles.CHEAPEST)
        ) as accounts:
            for name, role in USERS.items():
                accounts.add_user(name, role, "a long test password")
            accounts.restrict("witnesses", ["ana"])
            tokens = {name: f"Bearer {accounts.new_token(name, 't')}" for name in USERS}
        add_paths(a, [public], collection="public", who="ana")
        add_paths(a, [restricted], collection="witnesses", who="ana")
        extract_pending(a, ExtractOptions(), who="t", workers=1)
        documents = {str(r["name"]): i for i, r in a.records(kinds={"document.added"})}
    run_cli("lists", "import", "ftm", listed, "--archive", path, "--who", "t")
    run_cli("entities", "extract", "--archive", path, "--quiet")
    app = create_app(path, views=all_views(), login_burst=10_000)
    with TestClient(app, base_url="https://testserver") as client:
        yield Served(path, client, tokens, documents)


def _named(mentions: list[dict[str, Any]], document: str) -> list[dict[str, Any]]:
    return [m for m in mentions if m["document"].endswith(document)]


def test_a_name_read_from_a_scan_carries_the_box_of_its_line_on_the_page(served: Served) -> None:
    lam = json.loads(run_cli("entities", "show", "hk-lam", "--archive", served.path, "--json"))
    [scanned] = _named(lam["mentions"], "scan.png")
    [typed] = _named(lam["mentions"], "release.txt")
    assert typed["boxes"] == []  # a text file has no page image
    assert scanned["page"] == 1 and scanned["boxes"], scanned
    # The scan is 440 pixels high; its second line is drawn from y=200 (454 thousandths).
    for left, top, right, bottom in scanned["boxes"]:
        assert 0 <= left < right <= 1000 and 400 <= top < bottom <= 650
    shown = run_cli("entities", "show", "hk-lam", "--archive", served.path)
    assert re.search(r"on the page image \(left,top,right,bottom in 1/1000\): \d+,4\d\d,", shown)


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_boxes_of_a_page_ocr_turned_are_placed_on_the_page_as_stored(rotation: int) -> None:
    """A word drawn at a known place on the stored page; OCR turned the page clockwise by
    ``rotation`` and boxed the word there: the mention's box is back where it was drawn."""
    stored = np.zeros((400, 1000), dtype=np.uint8)
    stored[40:80, 100:300] = 1  # the word, in thousandths: 100,100,300,200
    turned = np.rot90(stored, k=-(rotation // 90))
    rows, cols = np.nonzero(turned)
    box = [int(cols.min()), int(rows.min()), int(cols.max() + 1 - cols.min()),
           int(rows.max() + 1 - rows.min())]  # fmt: skip
    words = [["Velmor Quistrand", *box, 0.9]]
    layout = {"pages": [{"width": turned.shape[1], "height": turned.shape[0],
                         "rotation": rotation, "words": words}]}  # fmt: skip
    text = "Velmor Quistrand"
    mention = Mention(0, 6, 1, "ner", "person", "Velmor", "velmor")
    placed = with_boxes(Found((mention,), ()), text, json.loads(json.dumps(layout)))
    assert placed.mentions[0].boxes == ((100, 100, 300, 200),)


def test_mentions_written_before_boxes_still_read() -> None:
    row = [3, 13, 2, "known", "person", "Carrie Lam", "carrie lam", "hk-lam"]
    mention = Mention.from_json(row)
    assert mention.boxes == () and mention.to_json() == row
    boxed = Mention.from_json([*row, [[1, 2, 3, 4]]])
    assert boxed.boxes == ((1, 2, 3, 4),) and Mention.from_json(boxed.to_json()) == boxed


def test_the_list_filters_counts_and_pages(served: Served) -> None:
    everything = served.get("/api/v1/entities", "ana").json()
    assert everything["total"] == len(everything["entities"]) >= 4
    lam = next(e for e in everything["entities"] if e["id"] == "hk-lam")
    assert lam["listed"] == ["hk-lam"] and lam["mentions"] == lam["documents"] == 2
    persons = served.get("/api/v1/entities?type=person", "ana").json()["entities"]
    assert persons and {e["type"] for e in persons} == {"person"}
    assert [
        e["id"] for e in served.get("/api/v1/entities?name=CARRIE", "ana").json()["entities"]
    ] == ["hk-lam"]
    listed = served.get("/api/v1/entities?listed=true", "ana").json()["entities"]
    assert [e["id"] for e in listed] == ["hk-lam"]
    first = served.get("/api/v1/entities?per_page=2&page=1", "ana").json()
    second = served.get("/api/v1/entities?per_page=2&page=2", "ana").json()
    assert first["pages"] == second["pages"] == -(-everything["total"] // 2)
    ids = [e["id"] for e in first["entities"] + second["entities"]]
    assert ids == [e["id"] for e in everything["entities"]][:4]
    release = served.documents["release.txt"]
    named = served.get(f"/api/v1/entities?document={release}", "ana").json()["entities"]
    assert {e["name"] for e in named} >= {"Chris Tang", "Carrie Lam"}
    assert "Velmor Quistrand" not in {e["name"] for e in named}


def test_a_restricted_collections_mentions_are_hidden_from_a_reader_it_is_closed_to(
    served: Served,
) -> None:
    names = {e["name"] for e in served.get("/api/v1/entities", "ana").json()["entities"]}
    assert "Velmor Quistrand" in names
    seen = served.get("/api/v1/entities", "rita").json()
    assert "Velmor Quistrand" not in {e["name"] for e in seen["entities"]}
    tang_all = next(e for e in served.get("/api/v1/entities?name=tang", "ana").json()["entities"])
    tang = next(e for e in seen["entities"] if e["name"] == "Chris Tang")
    assert (tang_all["documents"], tang["documents"]) == (2, 1)
    dossier = served.get(f"/api/v1/entities/{tang['id']}", "rita").json()
    assert {m["document"] for m in dossier["mentions"]} == {"release.txt"}
    quistrand = next(e for e in served.get("/api/v1/entities", "ana").json()["entities"]
                     if e["name"] == "Velmor Quistrand")  # fmt: skip
    assert served.get(f"/api/v1/entities/{quistrand['id']}", "ana").status_code == 200
    hidden = served.get(f"/api/v1/entities/{quistrand['id']}", "rita")
    missing = served.get("/api/v1/entities/p-0000000000", "rita")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["error"].replace(quistrand["id"], "X") == missing.json()["error"].replace(
        "p-0000000000", "X"
    )
    statement = served.documents["statement.txt"]
    assert served.get(f"/api/v1/entities?document={statement}", "rita").status_code == 404
    assert served.get(f"/dossiers/{quistrand['id']}", "rita").status_code == 404
    assert "Quistrand" not in served.get("/dossiers", "rita").text


@pytest.mark.parametrize(
    ("user", "api", "page"), [(None, 401, 303), ("vic", 403, 403)], ids=["anonymous", "volunteer"]
)
def test_no_entity_is_shown_to_whoever_may_not_read(
    served: Served, user: str | None, api: int, page: int
) -> None:
    """The API refuses; a page sends the anonymous to log in and refuses a volunteer."""
    for url in ("/api/v1/entities", "/api/v1/entities/hk-lam", "/dossiers", "/dossiers/hk-lam"):
        response = served.get(url, user)
        assert response.status_code == (api if url.startswith("/api/") else page), url
        assert "Carrie" not in response.text
        if response.status_code == 303:
            assert response.headers["location"] == "/login"


def test_entity_pages_link_passages_to_their_documents_and_back(served: Served) -> None:
    release = served.documents["release.txt"]
    document = served.get(f"/documents/{release}", "rita").text
    assert f'href="/dossiers?document={release}"' in document and 'id="page-1"' in document
    listed = served.get(f"/dossiers?document={release}", "rita").text
    assert 'href="/dossiers/hk-lam"' in listed and "Chris Tang" in listed
    page = served.get("/dossiers/hk-lam", "rita").text
    assert f'href="/documents/{release}#page-1"' in page and "«Carrie Lam»" in page
    assert 'data-box="' in page  # the scanned mention's place on the page image
