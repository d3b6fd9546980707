"""The output layer: tables aligned by terminal cells, readable records, named encodings."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from erfurt.cli import cli
from erfurt.cli.output import cell_width, describe, render_table


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_cell_width_counts_wide_characters_twice_and_marks_not_at_all() -> None:
    assert cell_width("Harbin") == 6
    assert cell_width("沈阳") == 4
    assert cell_width("ｅ") == 2  # a fullwidth letter
    assert cell_width("e\u0301") == 1  # e + combining acute accent
    assert cell_width("Nguye\u0302\u0303n") == 6


def test_a_table_with_chinese_and_accented_keys_lines_up_in_terminal_cells() -> None:
    text = render_table(
        ["place", "declarations", "new persons"],
        [["沈阳", 1, 1], ["Harbin", 1_234, 12], ["Đà Nẵng", 7, 7], ["Nguye\u0302\u0303n", 2, 0]],
        total=["total", 1_244, 20],
    )
    lines = text.splitlines()
    assert lines[0].startswith("place ") and lines[-1].startswith("total ")
    assert "1,234" in text and "1,244" in text
    # Numbers are right-aligned, so every line ends in the same terminal column.
    assert len({cell_width(line) for line in lines}) == 1, text


def test_none_reads_none_and_values_read_as_words() -> None:
    assert render_table(["place", "n"], [[None, 3]]).splitlines()[1].startswith("(none)")
    assert describe(["Party", "Youth League"]) == "Party, Youth League"
    assert describe({"sdn.csv": "ab12", "alt.csv": "cd34"}) == "sdn.csv ab12; alt.csv cd34"
    assert describe(None) == "(none)" and describe([]) == "(none)" and describe(True) == "yes"


@pytest.fixture
def arch(tmp_path: Path) -> Path:
    path = tmp_path / "arch"
    assert (
        run("init", "--archive", path, "--who", "t", "--origin", "test.example/out").exit_code == 0
    )
    return path


def _declare(arch: Path, alias: str, *extra: str) -> None:
    done = run("declare", "--archive", arch, "--alias", alias, "--organisation", "Party", *extra)
    assert done.exit_code == 0, done.output


def test_tally_by_place_shows_unplaced_declarations_so_rows_add_up(arch: Path) -> None:
    _declare(arch, "a", "--place", "沈阳")
    _declare(arch, "b", "--place", "Harbin")
    _declare(arch, "c")
    shown = run("declarations", "tally", "--archive", arch, "--by", "place")
    lines = shown.stdout.splitlines()
    assert lines[0].split() == ["place", "declarations", "new", "persons"]
    rows = {line.split()[0]: int(line.split()[1]) for line in lines[1:]}
    assert rows == {"Harbin": 1, "沈阳": 1, "(none)": 1, "total": 3}
    assert len({cell_width(line) for line in lines}) == 1, shown.stdout
    as_json = json.loads(
        run("declarations", "tally", "--archive", arch, "--by", "place", "--json").stdout
    )
    assert sum(r["declarations"] for r in as_json["rows"]) == as_json["declarations"] == 3
    assert {r["key"] for r in as_json["rows"]} == {"Harbin", "沈阳", None}


def _note(tmp_path: Path) -> Path:
    note = tmp_path / "note.txt"
    note.write_text("A note.\n", encoding="utf-8")
    return note


def test_show_prints_fields_as_words_not_python_reprs(arch: Path, tmp_path: Path) -> None:
    _declare(arch, "Spring Rain", "--organisation", "Youth League")
    declared = json.loads(
        run(
            "declare", "--archive", arch, "--alias", "x", "--organisation", "Party", "--json"
        ).stdout
    )
    shown = run("show", "--archive", arch, declared["record"] - 1).stdout
    assert "organisations: Party, Youth League" in shown
    assert "[" not in shown and "{" not in shown and "'" not in shown
    assert "root hash (base64)" in shown
    document = run("add", "--archive", arch, "--json", _note(tmp_path)).stdout.splitlines()[0]
    added = run("show", "--archive", arch, json.loads(document)["record"]).stdout
    assert re.search(r"^  blob: +[0-9a-f]{64} \(SHA-256, hex\)$", added, re.M), added


def test_log_check_and_consistency_name_their_hash_encodings(arch: Path, tmp_path: Path) -> None:
    old = tmp_path / "old-checkpoint"
    old.write_text(run("log", "checkpoint", "--archive", arch).stdout, encoding="utf-8")
    _declare(arch, "a")
    _declare(arch, "b")
    checkpoint = json.loads(run("log", "checkpoint", "--archive", arch, "--json").stdout)
    checked = run("log", "check", "--archive", arch)
    assert f"root hash (base64, as in checkpoints) {checkpoint['root_hash_b64']}" in checked.stderr
    as_json = json.loads(run("log", "check", "--archive", arch, "--json").stdout)
    assert as_json["root_hash_b64"] == checkpoint["root_hash_b64"]
    assert checkpoint["root_hash_b64"] in checkpoint["note"]  # the same encoding as the note
    proof = run("log", "consistency", "--archive", arch, old)
    lines = proof.stdout.splitlines()
    assert lines and all(
        line.startswith(f"consistency_proof hash {n} of {len(lines)} (base64): ")
        for n, line in enumerate(lines, 1)
    )
    assert all(len(base64.b64decode(line.rsplit(" ", 1)[1])) == 32 for line in lines)


def test_outreach_stats_show_counts_behind_shares_and_a_total(arch: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    for number, outcome in (("+86 139 1234 5678", "hung-up"), ("+86 186 0000 1111", "listened")):
        logged = run(
            "outreach", "log", "--archive", arch, "--secret-file", secret,
            "--number", number, "--outcome", outcome,
        )  # fmt: skip
        assert logged.exit_code == 0, logged.output
    lines = run("outreach", "stats", "--archive", arch).stdout.splitlines()
    assert lines[0].split()[:3] == ["week", "calls", "hung-up"]
    assert "1 (50.0%)" in lines[1] and "0 (0.0%)" in lines[1]
    assert lines[-1].split()[:4] == ["total", "2", "1", "0"]
