"""The document viewer marks each person and organisation named in a document's text and
links it to its dossier: after review (a rejected mention is not marked, a merged one links
to the entity it was merged into), escaped, in either UI language, and only what the
reader may see.

One archive through the real pipeline (add, lists import, `entities extract`, `entities
review`), served in-process over https with API tokens for a reviewer and an archivist.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient

from entity_pages import Served, run_cli
from erfurt.archive import Accounts, Archive
from erfurt.cli.options import all_views
from erfurt.entities import marked_mentions
from erfurt.ingest import document_text
from erfurt.web import create_app

RELEASE = (
    "Commissioner of Police Chris Tang met Carrie Lam <b>&amp;</b> the press on Monday.\n"
    "\fPage two: Secretary for Justice Velmor Quistrand and Orvald Pekkanen signed.\n"
)
STATEMENT = "Secretary for Justice Velmor Quistrand signed the order on Tuesday.\n"
LAM = "hk/lam?x#1"  # an id a list may give, holding each character a URL treats apart
LAM_LINK = "hk%2Flam%3Fx%231"  # as a link's path quotes it
LIST = [{"id": LAM, "schema": "Person",
         "properties": {"name": ["LAM, Carrie"], "alias": ["LAM CHENG, Yuet-ngor"]}}]  # fmt: skip
USERS = {"ana": "archivist", "rita": "reviewer"}
_MARK = re.compile(
    r'<a class="mention (\w+) (\w+)" href="/dossiers/([^"]+)" title="([^"]+)">([^<]*)</a>'
)


def _entity(path: Path, name: str) -> str:
    listed = json.loads(run_cli("entities", "list", "--archive", path, "--name", name, "--json"))
    [entity] = listed["entities"]
    return str(entity["id"])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("entity-marks")
    public, restricted = root / "public", root / "witnesses"
    public.mkdir()
    restricted.mkdir()
    (public / "release.txt").write_text(RELEASE, encoding="utf-8")
    (restricted / "statement.txt").write_text(STATEMENT, encoding="utf-8")
    listed = root / "list.jsonl"
    listed.write_text("".join(json.dumps(e) + "\n" for e in LIST), encoding="utf-8")
    path = root / "archive"
    hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
    with (
        Archive.init(path, origin="example.org/entity-marks", who="t", views=all_views()) as a,
        Accounts.open(a.paths, hasher=hasher) as accounts,
    ):
        for name, role in USERS.items():
            accounts.add_user(name, role, "a long test password")
        accounts.restrict("witnesses", ["ana"])
        tokens = {name: f"Bearer {accounts.new_token(name, 't')}" for name in USERS}
    run_cli("add", public, "--archive", path, "--collection", "public", "--who", "ana", "--quiet")
    run_cli("add", restricted, "--archive", path, "--collection", "witnesses", "--who", "ana",
         "--quiet")  # fmt: skip
    run_cli("lists", "import", "ftm", listed, "--archive", path, "--who", "t")
    run_cli("entities", "extract", "--archive", path, "--quiet")
    with Archive.open(path) as a:
        documents = {str(r["name"]): i for i, r in a.records(kinds={"document.added"})}
    app = create_app(path, views=all_views(), login_burst=10_000)
    with TestClient(app, base_url="https://testserver") as client:
        yield Served(path, client, tokens, documents)


def _marks(page: str) -> list[tuple[str, str, str, str, str]]:
    """(type, status, entity, title, text) of each mark on a document page's HTML."""
    return _MARK.findall(page)


def test_each_name_is_marked_where_it_stands_and_linked_to_its_dossier(served: Served) -> None:
    release = served.documents["release.txt"]
    data = served.get(f"/api/v1/documents/{release}", "rita").json()
    assert len(data["mentions"]) == len(data["pages"]) == 2
    for page, marks in zip(data["pages"], data["mentions"], strict=True):
        for mark in marks:
            assert page[mark["start"] : mark["end"]] == mark["surface"], mark
    named = {m["surface"]: m for marks in data["mentions"] for m in marks}
    assert named["Carrie Lam"]["entity"] == LAM and named["Carrie Lam"]["page"] == 1
    assert named["Velmor Quistrand"]["page"] == 2 and named["Velmor Quistrand"]["type"] == "person"
    assert {m["status"] for m in named.values()} == {"unreviewed"}
    shown = served.get(f"/documents/{release}", "rita").text
    marks = {text: (kind, entity) for kind, _, entity, _, text in _marks(shown)}
    assert marks["Carrie Lam"] == ("person", LAM_LINK)
    assert set(marks) == set(named)
    for entity in {entity for _, entity in marks.values()}:  # every link leads to a dossier
        assert served.get(f"/dossiers/{entity}", "rita").status_code == 200, entity


def test_an_id_holding_a_slash_a_question_mark_and_a_hash_links_to_its_dossier(
    served: Served,
) -> None:
    """Regression: Jinja's ``urlencode`` kept the "/", so the link led nowhere."""
    release = served.documents["release.txt"]
    assert quote(LAM, safe="") == LAM_LINK
    assert (
        f'href="/dossiers/{LAM_LINK}"' in served.get(f"/dossiers?document={release}", "rita").text
    )
    dossier = served.get(f"/dossiers/{LAM_LINK}", "rita")
    assert dossier.status_code == 200 and "Carrie Lam" in dossier.text
    assert served.get(f"/api/v1/entities/{LAM_LINK}", "rita").json()["id"] == LAM
    assert served.get(f"/entities/{LAM_LINK}", "ana").json()["id"] == LAM  # yente's route


def test_the_text_around_the_marks_is_escaped_and_kept_whole(served: Served) -> None:
    release = served.documents["release.txt"]
    shown = served.get(f"/documents/{release}", "rita").text
    assert "<b>" not in shown and "&lt;b&gt;&amp;amp;&lt;/b&gt;" in shown
    pages = re.findall(r"<pre>(.*?)</pre>", shown, re.S)
    plain = [html.unescape(re.sub(r"<[^>]+>", "", p)) for p in pages]
    assert plain == RELEASE.split("\f")


@pytest.mark.parametrize(
    ("language", "legend", "title"),
    [("en", "each links to its dossier", "Person: open the dossier"),
     ("zh-Hans", "链接到其档案", "人物：打开档案"), ("zh-Hant", "連結到其檔案", "人物：開啟檔案")],
)  # fmt: skip
def test_the_marks_are_explained_in_the_readers_language(
    served: Served, language: str, legend: str, title: str
) -> None:
    release = served.documents["release.txt"]
    shown = served.get(f"/documents/{release}?lang={language}", "rita").text
    assert legend in shown
    assert title in {t for kind, _, _, t, _ in _marks(shown) if kind == "person"}


def test_a_restricted_documents_names_are_marked_only_for_whom_it_is_open(served: Served) -> None:
    statement = served.documents["statement.txt"]
    refused = served.get(f"/documents/{statement}", "rita")
    assert refused.status_code == 404 and "Quistrand" not in refused.text
    marks = _marks(served.get(f"/documents/{statement}", "ana").text)
    assert "Velmor Quistrand" in {text for *_, text in marks}
    with Archive.open(served.path) as archive:
        record = archive.record(statement)
        text = document_text(archive, statement)
        assert text.record is not None
        read = str(archive.record(text.record)["text"])
        source = str(record["blob"])
        assert marked_mentions(archive, source, read, text.pages)
        assert marked_mentions(archive, source, read, text.pages, hidden=frozenset({"public"}))
        assert not marked_mentions(
            archive, source, read, text.pages, hidden=frozenset({"witnesses", "public"})
        )
        # Offsets of a run over another text would point at the wrong characters.
        assert not marked_mentions(archive, source, "0" * 64, text.pages)


def test_reviews_decide_what_is_marked_and_where_it_links(served: Served) -> None:
    release = served.documents["release.txt"]
    data = served.get(f"/api/v1/documents/{release}", "ana").json()
    named = {m["surface"]: m for marks in data["mentions"] for m in marks}
    tang, lam = named["Chris Tang"], named["Carrie Lam"]
    pekkanen = _entity(served.path, "Pekkanen")
    quistrand = _entity(served.path, "Quistrand")
    review = ("entities", "review", "--archive", served.path, "--who", "rita")
    run_cli(*review[:2], "reject", tang["key"], *review[2:], "--reason", "not a person here")
    run_cli(*review[:2], "accept", lam["key"], *review[2:], "--reason", "named in the release")
    run_cli(*review[:2], "merge", quistrand, pekkanen, *review[2:], "--reason", "one person")
    after = served.get(f"/api/v1/documents/{release}", "ana").json()
    now = {m["surface"]: m for marks in after["mentions"] for m in marks}
    assert "Chris Tang" not in now and now["Carrie Lam"]["status"] == "accepted"
    assert now["Orvald Pekkanen"]["entity"] == quistrand
    marks = {text: (status, entity) for _, status, entity, _, text in
             _marks(served.get(f"/documents/{release}", "ana").text)}  # fmt: skip
    assert "Chris Tang" not in marks and marks["Carrie Lam"] == ("accepted", LAM_LINK)
    assert marks["Orvald Pekkanen"] == ("unreviewed", quistrand)


def test_search_terms_and_names_are_marked_together_without_losing_a_character() -> None:
    """The page text may come cut where a search matched (``match`` parts): a name across
    such a cut is linked on both sides, each term still marked, nothing dropped or doubled."""
    from erfurt.web.render import _env

    text = "Met <Chris Tang> & Carrie Lam."
    parts = [{"text": text[:5], "match": False}, {"text": text[5:10], "match": True},
             {"text": text[10:], "match": False}]  # fmt: skip
    marks = [{"start": 5, "end": 15, "type": "person", "status": "accepted", "entity": "p-1"},
             {"start": 19, "end": 29, "type": "person", "status": "unreviewed",
              "entity": "hk/lam"}]  # fmt: skip
    macro = _env.from_string('{% from "marked_text.html" import marked_text %}'
                             "{{ marked_text(parts, marks, t) }}")  # fmt: skip
    shown = macro.render(parts=parts, marks=marks, t=lambda key: key)
    assert (
        '<a class="mention person accepted" href="/dossiers/p-1" title="ent_mark_person">'
        "<mark>Chris</mark></a>" in shown
    )
    assert shown.count('href="/dossiers/p-1"') == 2 and "&lt;" in shown and "<Chris" not in shown
    assert 'href="/dossiers/hk%2Flam"' in shown  # an id's "/" quoted: one path segment
    assert html.unescape(re.sub(r"<[^>]+>", "", shown)).strip() == text
