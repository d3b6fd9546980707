"""``erfurt search`` with names across scripts, facets, saved searches and ``erfurt alerts``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from erfurt.cli import cli

DOCUMENTS = {
    "zh.txt": "行政长官林郑月娥今天在立法会回答议员提问，拒绝撤回条例草案。",
    "en.txt": "Chief Executive Carrie Lam refused to withdraw the bill on Tuesday.",
    "other.txt": "The harbour office published its annual ledger of fees.",
    "pinyin.txt": "Xinhua quoted Lin Zheng Yue'e on Monday.",
}
# A list that gives one person's names in Latin and Han script, as OpenSanctions does.
LAM = {
    "id": "hk-lam",
    "schema": "Person",
    "properties": {"name": ["LAM CHENG, Yuet-ngor"], "alias": ["LAM, Carrie", "林鄭月娥"]},
}


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _found(archive: Path, *args: str) -> dict[str, Any]:
    result = run("search", "--archive", archive, "--json", *args)
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def _names(found: dict[str, Any]) -> set[str]:
    return {Path(hit["name"]).name for hit in found["hits"]}


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "arch"
    assert run("init", "--archive", path, "--who", "t").exit_code == 0
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in DOCUMENTS.items():
        (docs / name).write_text(text, encoding="utf-8")
    added = run("add", "--archive", path, "--who", "t", "--collection", "hk", docs)
    assert added.exit_code == 0, added.output
    return path


def _import_list(archive: Path, tmp_path: Path) -> None:
    listed = tmp_path / "people.jsonl"
    listed.write_text(json.dumps(LAM, ensure_ascii=False) + "\n", encoding="utf-8")
    assert run("lists", "import", "ftm", "--archive", archive, listed).exit_code == 0


def test_issue17_a_romanised_name_finds_the_simplified_chinese_document(
    archive: Path, tmp_path: Path
) -> None:
    _import_list(archive, tmp_path)
    found = _found(archive, "--names", "Lam Cheng Yuet-ngor")
    assert _names(found) == {"zh.txt", "en.txt", "pinyin.txt"}
    forms = {Path(hit["name"]).name: hit["names_matched"] for hit in found["hits"]}
    assert [f["text"] for f in forms["zh.txt"]] == ["林鄭月娥"]
    assert "alias on people" in forms["zh.txt"][0]["how"]
    assert [f["text"] for f in forms["en.txt"]] == ["Carrie LAM"]
    assert [f["text"] for f in forms["pinyin.txt"]] == ["Lin Zheng Yue'e"]
    assert "written from 林鄭月娥" in forms["pinyin.txt"][0]["how"]


def test_a_han_name_finds_the_english_document(archive: Path, tmp_path: Path) -> None:
    _import_list(archive, tmp_path)
    assert _names(_found(archive, "name:林鄭月娥")) == {"zh.txt", "en.txt", "pinyin.txt"}
    assert _names(_found(archive, "name:林鄭月娥", "lang:zh")) == {"zh.txt"}


def test_without_a_list_a_han_name_is_searched_in_its_own_spellings(archive: Path) -> None:
    assert _names(_found(archive, "--names", "Carrie Lam")) == {"en.txt"}
    assert _names(_found(archive, "--names", "林鄭月娥")) == {"zh.txt", "pinyin.txt"}


def test_human_output_shows_total_facets_and_pages(archive: Path) -> None:
    shown = run("search", "--archive", archive, "ledger", "OR", "bill")
    assert shown.exit_code == 0, shown.output
    assert "other.txt  (collection hk," in shown.stdout and "p.1:" in shown.stdout
    assert "2 documents match, 2 shown" in shown.stderr
    assert "collection: hk 2" in shown.stderr and "lang: en 2" in shown.stderr
    one = run("search", "--archive", archive, "ledger")
    assert "1 document matches, 1 shown" in one.stderr
    none = run("search", "--archive", archive, "nowhere")
    assert "0 documents match, 0 shown" in none.stderr


def test_a_file_added_under_two_names_is_one_hit_listing_both(
    archive: Path, tmp_path: Path
) -> None:
    again = tmp_path / "inbox"
    again.mkdir()
    (again / "fees-2019.txt").write_text(DOCUMENTS["other.txt"], encoding="utf-8")
    added = run("add", "--archive", archive, "--who", "t", "--collection", "tw", again)
    assert added.exit_code == 0, added.output
    found = _found(archive, "ledger")
    [hit] = found["hits"]
    sightings = [(s["name"], s["collection"]) for s in hit["sightings"]]
    assert sightings == [("other.txt", "hk"), ("fees-2019.txt", "tw")]
    assert found["total"] == 2 and found["facets"]["collection"] == {"hk": 1, "tw": 1}
    shown = run("search", "--archive", archive, "ledger").stdout
    assert shown.count("other.txt") == 1 and "also added as: #" in shown
    assert "fees-2019.txt (tw, " in shown


def test_a_malformed_query_is_an_error_naming_the_position(archive: Path) -> None:
    bad = run("search", "--archive", archive, "(ledger OR bill")
    assert bad.exit_code == 1
    assert "position 1: this parenthesis is never closed" in bad.stderr and "Hint:" in bad.stderr
    as_json = run("search", "--archive", archive, "--json", "name:42")
    assert as_json.exit_code == 1 and json.loads(as_json.stdout)["ok"] is False


def test_saved_search_alerts_only_on_newer_documents(archive: Path, tmp_path: Path) -> None:
    saved = run("search", "--archive", archive, "save", "fees", "ledger OR fees")
    assert saved.exit_code == 0, saved.output
    assert json.loads(run("alerts", "--archive", archive, "--json").stdout)["total"] == 0
    later = tmp_path / "later"
    later.mkdir()
    (later / "fees.txt").write_text("New fees for the harbour.", encoding="utf-8")
    assert run("add", "--archive", archive, "--who", "t", later).exit_code == 0
    kept = json.loads(run("alerts", "--archive", archive, "--json", "--keep").stdout)
    assert [hit["name"] for hit in kept["hits"]] == ["fees.txt"]
    shown = run("alerts", "--archive", archive)
    assert "fees (ledger OR fees): 1 new" in shown.stderr
    assert json.loads(run("alerts", "--archive", archive, "--json").stdout)["total"] == 0
    mode = (archive / "private" / "saved-searches.sqlite").stat().st_mode
    assert mode & 0o077 == 0  # what an investigator watches for is theirs alone


def test_an_archive_indexed_by_the_previous_search_view_is_replayed(archive: Path) -> None:
    # Version 3 had no narrow facet tables: an archive it built must not fail or miscount.
    views = sqlite3.connect(archive / "views" / "search.sqlite")
    with views:
        views.execute("DROP TABLE search_document_facets")
        views.execute("DROP TABLE search_facet_sets")
        views.execute("UPDATE view_state SET version = 3 WHERE name = 'search'")
    views.close()
    found = _found(archive, "ledger OR harbour", "--facets")
    assert _names(found) == {"other.txt"}
    assert found["facets"]["collection"] == {"hk": 1}


def test_a_name_finds_every_document_of_the_entity_reviewers_merged(archive: Path) -> None:
    """Without a list, "Carrie Lam" and 林郑月娥 are one person once a reviewer merges the
    entities extraction found: ``name:`` then finds both documents, and the pinyin one."""
    assert _names(_found(archive, "--names", "Carrie Lam")) == {"en.txt"}
    assert run("entities", "extract", "--archive", archive, "--quiet").exit_code == 0
    listed = json.loads(run("entities", "list", "--archive", archive, "--json").stdout)
    ids = {entity["name"]: entity["id"] for entity in listed["entities"]}
    merged = run("entities", "review", "merge", ids["Carrie Lam"], ids["林郑月娥"],
                 "--reason", "one person", "--archive", archive, "--who", "t")  # fmt: skip
    assert merged.exit_code == 0, merged.output
    found = _found(archive, "--names", "Carrie Lam")
    assert _names(found) == {"en.txt", "zh.txt", "pinyin.txt"}
    forms = {Path(hit["name"]).name: hit["names_matched"] for hit in found["hits"]}
    assert [f["text"] for f in forms["zh.txt"]] == ["林郑月娥"]
    assert f"entity {ids['Carrie Lam']}" in forms["zh.txt"][0]["how"]
    assert _names(_found(archive, "name:林郑月娥", "lang:en")) == {"en.txt", "pinyin.txt"}


def test_a_listed_name_finds_a_nickname_a_reviewer_merged_into_the_list_entry(
    archive: Path, tmp_path: Path
) -> None:
    _import_list(archive, tmp_path)
    nick = tmp_path / "nick"
    nick.mkdir()
    (nick / "nick.txt").write_text("林太今天没有出席会议。", encoding="utf-8")
    assert run("add", "--archive", archive, "--who", "t", "--collection", "hk", nick).exit_code == 0
    assert run("entities", "extract", "--archive", archive, "--quiet").exit_code == 0
    assert "nick.txt" not in _names(_found(archive, "--names", "Carrie Lam"))
    listed = json.loads(run("entities", "list", "--archive", archive, "--json").stdout)
    nickname = next(e["id"] for e in listed["entities"] if e["names"] == ["林太"])
    merged = run("entities", "review", "merge", "hk-lam", nickname, "--reason", "her nickname",
                 "--archive", archive, "--who", "t")  # fmt: skip
    assert merged.exit_code == 0, merged.output
    found = _found(archive, "--names", "Carrie Lam")
    assert "nick.txt" in _names(found)
    forms = {Path(hit["name"]).name: hit["names_matched"] for hit in found["hits"]}
    assert [(f["text"], f["how"]) for f in forms["nick.txt"]] == [
        ("林太", "named so in documents, entity hk-lam")
    ]
