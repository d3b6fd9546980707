"""Screening from the command line on a real archive with the 2021 OFAC list loaded."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from erfurt.cli import cli

OFAC = next(
    p / "shared" / "data" / "names" / "ofac-sdn-2021"
    for p in Path(__file__).resolve().parents
    if (p / "shared" / "data").is_dir() or p == Path("/")
)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert (OFAC / "sdn.csv").is_file(), f"shared test data missing: {OFAC}"
    path = tmp_path_factory.mktemp("names") / "arch"
    assert run("init", "--archive", path, "--who", "tester").exit_code == 0
    result = run(
        "lists", "import", "ofac-sdn", OFAC, "--archive", path, "--who", "tester", "--json"
    )
    assert result.exit_code == 0, result.output
    imported = json.loads(result.stdout)
    assert imported["entities"] == 8976 and set(imported["files"]) == {
        "sdn.csv",
        "alt.csv",
        "add.csv",
    }
    return path


def _first(result: Result) -> dict[str, object]:
    assert result.exit_code == 0, result.output
    matches = json.loads(result.stdout)["matches"]
    assert matches, result.stdout
    return matches[0]  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", ["林鄭月娥", "Lam Cheng Yuet-ngor"])
def test_issue_4_carrie_lam_comes_first(loaded: Path, name: str) -> None:
    first = _first(run("match", name, "--archive", loaded, "--json"))
    assert first["entity_id"] == "ofac-29249"
    assert first["list"] == "ofac-sdn"
    assert first["explanation"]


def test_lists_shows_what_is_loaded_and_the_import_record(loaded: Path) -> None:
    result = run("lists", "--archive", loaded, "--json")
    assert result.exit_code == 0, result.output
    [ofac] = json.loads(result.stdout)
    assert ofac["list"] == "ofac-sdn" and ofac["entities"] == 8976
    shown = json.loads(run("show", str(ofac["record"]), "--archive", loaded, "--json").stdout)
    assert shown["record"]["kind"] == "list.imported"
    assert shown["record"]["blob"] == ofac["files"]["sdn.csv"]
    table = run("lists", "--archive", loaded).stdout.splitlines()
    assert table[0].split()[-1] == "files" and table[1].split()[-3:] == [
        "add.csv,",
        "alt.csv,",
        "sdn.csv",
    ]
    assert ofac["files"]["sdn.csv"] not in "".join(table)  # hashes only under --json


def test_issue_4_homophone_when_the_list_carries_the_han_name(loaded: Path, tmp_path: Path) -> None:
    archive = tmp_path / "arch"
    shutil.copytree(loaded, archive)
    zhang = {
        "id": "ofac-29259",
        "schema": "Person",
        "properties": {"name": ["ZHANG, Xiaoming", "张晓明"]},
    }
    ftm = tmp_path / "han-names.json"
    ftm.write_text(json.dumps(zhang, ensure_ascii=False) + "\n", encoding="utf-8")
    assert run("lists", "import", "ftm", ftm, "--archive", archive, "--who", "t").exit_code == 0
    result = run("match", "张小明", "--archive", archive, "--json")
    assert result.exit_code == 0, result.output
    assert all(m["entity_id"] != "ofac-29259" for m in json.loads(result.stdout)["matches"])
    assert (
        _first(run("match", "張曉明", "--archive", archive, "--json"))["entity_id"] == "ofac-29259"
    )


def test_a_truncated_list_is_refused_and_nothing_changes(loaded: Path, tmp_path: Path) -> None:
    archive = tmp_path / "arch"
    shutil.copytree(loaded, archive)
    broken = tmp_path / "ofac"
    shutil.copytree(OFAC, broken)
    data = (broken / "sdn.csv").read_bytes()
    (broken / "sdn.csv").write_bytes(data[:100_000])
    result = run("lists", "import", "ofac-sdn", broken, "--archive", archive, "--json")
    assert result.exit_code == 1
    error = json.loads(result.stdout)
    assert error["ok"] is False and "sdn.csv line" in error["error"]
    lists = json.loads(run("lists", "--archive", archive, "--json").stdout)
    assert [item["entities"] for item in lists] == [8976]


def test_match_refuses_bad_input_with_one_line(loaded: Path) -> None:
    result = run("match", "!!!", "--archive", loaded)
    assert result.exit_code == 1 and "has no letters" in result.output
    result = run("match", "Carrie Lam", "--birth-date", "1957-02-30", "--archive", loaded, "--json")
    assert result.exit_code == 1 and json.loads(result.stdout)["ok"] is False


def test_screen_writes_one_line_per_row_and_summarises(loaded: Path, tmp_path: Path) -> None:
    rows = tmp_path / "people.csv"
    rows.write_text(
        "id,name,birth_date,country\n1,林鄭月娥,1957-05-13,HK\n2,,,\n"
        "3,Tang Ping-keung,,\n4,Nobody Atall,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = run("screen", rows, "--out", out, "--jobs", "2", "--archive", loaded)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["1", "2", "3", "4"]
    assert lines[0]["matches"][0]["entity_id"] == "ofac-29249"
    assert "name is empty" in lines[1]["error"]
    assert lines[2]["matches"][0]["entity_id"] == "ofac-29242"
    assert lines[3]["matches"] == []
    assert "4 rows: 2 with matches" in result.stderr


def test_match_without_a_list_says_how_to_load_one(tmp_path: Path) -> None:
    path = tmp_path / "empty"
    run("init", "--archive", path, "--who", "t")
    result = run("match", "Carrie Lam", "--archive", path)
    assert result.exit_code == 1 and "erfurt lists import" in result.output


def test_the_names_view_is_rebuilt_from_the_log(loaded: Path, tmp_path: Path) -> None:
    archive = tmp_path / "arch"
    shutil.copytree(loaded, archive)
    before = run("match", "Tang Ping-keung", "--archive", archive, "--json").stdout
    (archive / "views" / "views.sqlite").unlink()
    result = run("rebuild", "--archive", archive)
    assert result.exit_code == 0, result.output
    assert run("match", "Tang Ping-keung", "--archive", archive, "--json").stdout == before


def test_lists_archive_option_before_import_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression: `erfurt lists --archive A import ...` imported into the default archive.
    archive = tmp_path / "arch"
    created = run("init", "--archive", archive, "--who", "t")
    assert created.exit_code == 0, created.output
    ftm = tmp_path / "one.json"
    one = {"id": "x-1", "schema": "Person", "properties": {"name": ["Jane Roe"]}}
    ftm.write_text(json.dumps(one) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # where the default archive would be
    result = run("lists", "--archive", archive, "import", "ftm", ftm, "--who", "t")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "erfurt-archive").exists()
    shown = json.loads(run("lists", "--archive", archive, "--json").stdout)
    assert [item["list"] for item in shown] == ["one"]


def test_screen_summary_counts_alerts_per_list_and_explains(loaded: Path, tmp_path: Path) -> None:
    rows = tmp_path / "people.csv"
    rows.write_text(
        "id,name,country\n1,林鄭月娥,HK\n2,Tang Ping-keung,\n3,Nobody Atall,\n"
        "4,Carrie Lam,Narnia\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = run("screen", rows, "--out", out, "--jobs", "1", "--explain", "--archive", loaded)
    assert result.exit_code == 0, result.output
    assert "ofac-sdn: 2 alerts (66.7% of rows screened)" in result.stderr
    assert "country 'Narnia' is unknown" in result.stderr  # that row alone is refused
    assert "name" in result.stderr and "country" in result.stderr  # the feature table
    assert "linked to hk" in result.stderr


def test_a_names_view_of_the_previous_version_is_rebuilt_not_refused(
    loaded: Path, tmp_path: Path
) -> None:
    # An archive screened by the previous release: its names view (version 3) holds an
    # index of format 4, which this engine cannot read.
    archive = tmp_path / "arch"
    shutil.copytree(loaded, archive)
    before = run("match", "Tang Ping-keung", "--archive", archive, "--json").stdout
    with sqlite3.connect(archive / "views" / "views.sqlite") as db:
        (blob,) = db.execute("SELECT data FROM names_index WHERE id = 1").fetchone()
        old = json.loads(zlib.decompress(blob))
        old["format"] = "erfurt-names-index/4"
        blob = zlib.compress(json.dumps(old).encode("utf-8"))
        db.execute("UPDATE names_index SET data = ? WHERE id = 1", (blob,))
        db.execute("UPDATE view_state SET version = 3 WHERE name = 'names'")
    db.close()
    result = run("match", "Tang Ping-keung", "--archive", archive, "--json")
    assert result.exit_code == 0, result.output
    assert result.stdout == before
