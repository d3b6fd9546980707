"""The declarations and outreach commands on a real archive, bad input included."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from erfurt.cli import cli


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def arch(tmp_path: Path) -> Path:
    path = tmp_path / "arch"
    assert run("init", "--archive", path, "--origin", "test.example/reg").exit_code == 0
    return path


def _json(result: Result) -> dict[str, object]:
    value = json.loads(result.stdout)
    assert isinstance(value, dict)
    return value


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--alias", "A", "--organisation", "Komsomol"], "unknown organisation 'Komsomol'"),
        (["--alias", " ", "--organisation", "Party"], "alias is empty"),
        (["--alias", "A", "--organisation", "Party", "--statement", "x" * 1_048_576],
         "statement is 1,048,576 bytes"),
        (["--alias", "A", "--organisation", "Party", "--identity", "Li Hua 1985-07-21",
          "--receipt", "{tmp}/r.json"], "separated by ';'"),
        (["--alias", "A", "--organisation", "Party", "--identity", "Li Hua; 1985-07-21"],
         "needs a receipt"),
    ],
)  # fmt: skip
def test_bad_declarations_are_refused_and_nothing_is_logged(
    arch: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    secret = ["--secret-file", tmp_path / "secret"]
    result = run("declare", "--archive", arch, *secret, "--json", *args)
    assert result.exit_code == 1
    error = _json(result)
    assert error["ok"] is False and message in str(error["error"]) and error["hint"]
    assert not (tmp_path / "r.json").exists()
    tally = _json(run("declarations", "tally", "--archive", arch, "--json"))
    assert tally["declarations"] == 0


def test_declare_prove_tally_chart_publish(arch: Path, tmp_path: Path) -> None:
    receipt = tmp_path / "receipt.json"
    result = run(
        "declare", "--archive", arch, "--secret-file", tmp_path / "s", "--alias", "Spring",
        "--organisation", "party", "--place", "Chengdu", "--statement", "我退出少先队",
        "--channel", "phone", "--volunteer", "V1", "--identity", "Li Hua; 1985-07-21",
        "--receipt", receipt, "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    declared = _json(result)
    assert declared["number"] == 1 and declared["receipt"] == str(receipt)

    vkey = run("log", "vkey", "--archive", arch).stdout.strip()
    proved = run("declarations", "prove", receipt, "--vkey", vkey, "--json")
    assert proved.exit_code == 0, proved.output
    assert _json(proved)["name"] == "li hua" and _json(proved)["vkey_from_receipt"] is False
    # It says what it does not prove: without a timestamp or witnesses, the date and a
    # single view of the log rest on the registry.
    when, view = _json(proved)["assurance"]["trusted"][:2]
    assert "operator's own clock" in when and "no witness cosignature was checked" in view
    words = run("declarations", "prove", receipt, "--vkey", vkey)
    assert "trusted, not proved: when it was logged" in words.output
    text = run("declarations", "prove", receipt, "--archive", tmp_path / "nowhere")
    assert text.exit_code == 3 and "which you have not pinned" in text.output

    altered = tmp_path / "altered.json"
    altered.write_text(receipt.read_text().replace("1985-07-21", "1985-07-22"))
    failed = run("declarations", "prove", altered, "--vkey", vkey)
    assert failed.exit_code == 1 and "do not open the record's commitment" in failed.output

    by_org = _json(
        run("declarations", "tally", "--archive", arch, "--by", "organisation", "--json")
    )
    assert by_org["rows"] == [{"key": "Party", "declarations": 1, "persons": 1}]
    chart = run("declarations", "chart", "--archive", arch, "--out", tmp_path / "c.svg")
    assert (
        chart.exit_code == 0
        and "Declarations in test.example/reg" in (tmp_path / "c.svg").read_text()
    )
    bad_chart = run("declarations", "chart", "--archive", arch, "--out", tmp_path / "c.gif")
    assert bad_chart.exit_code == 1 and "SVG or PNG" in bad_chart.output
    published = run("declarations", "publish", "--archive", arch, "--out", tmp_path / "pub")
    assert published.exit_code == 0
    assert "V1" not in (tmp_path / "pub" / "declarations.jsonl").read_text()


def test_import_reports_each_bad_row_and_imports_the_rest(arch: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "old.csv"
    csv_file.write_text(
        "number,time,alias,organisations,place\n"
        "1,2018-03-01 09:00:00,A,Party,Harbin\n"
        "2,2018-03-01 10:00:00,B,Komsomol,Harbin\n"
        "3,yesterday,C,Party,\n"
        "4,2018-03-02 10:00:00,D,Young Pioneers;Party,\n",
        encoding="utf-8",
    )
    result = run("declarations", "import", csv_file, "--archive", arch, "--json")
    assert result.exit_code == 1
    report = _json(result)
    assert (report["imported"], report["first_number"], report["last_number"]) == (2, 1, 2)
    assert [p["row"] for p in report["problems"]] == [3, 4]  # type: ignore[union-attr]
    again = run("declarations", "import", csv_file, "--archive", arch)  # nothing twice
    assert "2 rows already in the log, skipped" in again.output
    assert "Imported 0 declarations" in again.output
    days = _json(run("declarations", "tally", "--archive", arch, "--by", "day", "--json"))
    assert days["declarations"] == 2
    fresh = run("init", "--archive", tmp_path / "fresh")
    assert fresh.exit_code == 0
    human = run("declarations", "import", csv_file, "--archive", tmp_path / "fresh")
    assert f"{csv_file} row 3: unknown organisation 'Komsomol'" in human.output


def test_audit_passes_then_catches_a_tampered_view(arch: Path) -> None:
    for alias in ["A", "B"]:
        run("declare", "--archive", arch, "--alias", alias, "--organisation", "Party")
    ok = run("declarations", "audit", "--archive", arch)
    assert ok.exit_code == 0 and ok.output.startswith("OK: 2 declarations")
    with sqlite3.connect(arch / "views" / "views.sqlite") as db:
        db.execute("UPDATE declarations_count SET declarations = 5 WHERE grouping = 'total'")
    failed = run("declarations", "audit", "--archive", arch, "--json")
    assert failed.exit_code == 1
    assert "differs from the log" in str(_json(failed)["error"])
    assert run("rebuild", "--archive", arch).exit_code == 0
    assert run("declarations", "audit", "--archive", arch).exit_code == 0


def test_outreach_log_check_stats_chart(arch: Path, tmp_path: Path) -> None:
    secret = ["--secret-file", tmp_path / "s"]
    for number, outcome in [("+86 138 0013 8000", "hung-up"), ("0086 13800138000", "thanked")]:
        result = run("outreach", "log", "--archive", arch, *secret, "--number", number,
                     "--outcome", outcome, "--volunteer", "V2")  # fmt: skip
        assert result.exit_code == 0, result.output
    check = _json(run("outreach", "check", "--archive", arch, *secret, "138 0013 8000",
                      "--region", "CN", "--json"))  # fmt: skip
    assert check["called_before"] is True
    assert [c["outcome"] for c in check["calls"]] == ["hung-up", "thanked"]  # type: ignore[union-attr]
    fresh = _json(
        run("outreach", "check", "--archive", arch, *secret, "+86 138 0013 8001", "--json")
    )
    assert fresh["called_before"] is False
    invalid = run("outreach", "log", "--archive", arch, *secret, "--number", "12",
                  "--outcome", "listened")  # fmt: skip
    assert invalid.exit_code == 1 and "country code" in invalid.output
    bad_outcome = run("outreach", "log", "--archive", arch, *secret, "--number", "+8613800138000",
                      "--outcome", "rude")  # fmt: skip
    assert bad_outcome.exit_code == 2
    rows = [json.loads(line) for line in run("outreach", "stats", "--archive", arch, "--json",
                                              "--by", "month").stdout.splitlines()]  # fmt: skip
    assert len(rows) == 1 and rows[0]["calls"] == 2
    assert rows[0]["share_permille"]["thanked"] == 500
    chart = run("outreach", "chart", "--archive", arch, "--out", tmp_path / "o.png")
    assert chart.exit_code == 0 and (tmp_path / "o.png").read_bytes()[:4] == b"\x89PNG"


def test_a_lost_secret_exposes_nothing_and_says_what_cannot_be_matched(
    arch: Path, tmp_path: Path
) -> None:
    run("outreach", "log", "--archive", arch, "--secret-file", tmp_path / "old", "--number",
        "+8613800138000", "--outcome", "listened")  # fmt: skip
    missing = run("outreach", "check", "--archive", arch, "--secret-file", tmp_path / "gone",
                  "+8613800138000")  # fmt: skip
    assert missing.exit_code == 1 and "no registry secret there" in missing.output
    run("outreach", "log", "--archive", arch, "--secret-file", tmp_path / "new", "--number",
        "+8613800138001", "--outcome", "listened")  # fmt: skip
    check = _json(run("outreach", "check", "--archive", arch, "--secret-file", tmp_path / "new",
                      "+8613800138000", "--json"))  # fmt: skip
    assert check == {"called_before": False, "calls": [], "other_secret_calls": 1}


def test_the_secret_is_refused_inside_the_archive(arch: Path) -> None:
    result = run("outreach", "log", "--archive", arch, "--secret-file", arch / "private" / "s",
                 "--number", "+8613800138000", "--outcome", "listened")  # fmt: skip
    assert result.exit_code == 1 and "inside the archive folder" in result.output


def test_the_public_audits_the_published_tally_from_the_published_log(
    arch: Path, tmp_path: Path
) -> None:
    for alias, org in [("A", "Party"), ("B", "Youth League"), ("C", "Party")]:
        run("declare", "--archive", arch, "--alias", alias, "--organisation", org)
    run("outreach", "log", "--archive", arch, "--secret-file", tmp_path / "s", "--number",
        "+8613800138000", "--outcome", "listened")  # fmt: skip
    assert (
        run("declarations", "publish", "--archive", arch, "--out", tmp_path / "pub").exit_code == 0
    )
    run("declare", "--archive", arch, "--alias", "after", "--organisation", "Party")
    vkey = run("log", "vkey", "--archive", arch).stdout.strip()
    public = shutil.copytree(arch / "log", tmp_path / "mirror")  # what a web server would serve
    tally = tmp_path / "pub" / "tally.json"

    def audit(*extra: str | Path) -> Result:
        return run("declarations", "audit", "--published", public, "--vkey", vkey, *extra)

    ok = audit("--tally", tally)
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("OK: 3 declarations by 3 persons recounted from the published log")
    assert audit().exit_code == 2  # --tally is needed

    inflated = tmp_path / "inflated.json"
    inflated.write_text(tally.read_text().replace('"declarations": 3', '"declarations": 30'))
    failed = audit("--tally", inflated, "--json")
    assert failed.exit_code == 1 and "differs from the published log" in str(_json(failed)["error"])

    other = run("init", "--archive", tmp_path / "other", "--origin", "other.example/reg")
    assert other.exit_code == 0
    wrong_key = run("log", "vkey", "--archive", tmp_path / "other").stdout.strip()
    assert run("declarations", "audit", "--published", public, "--vkey", wrong_key,
               "--tally", tally).exit_code == 1  # fmt: skip

    bundle = next(p for p in sorted((public / "tile" / "entries").rglob("*")) if p.is_file())
    data = bytearray(bundle.read_bytes())
    data[-3] ^= 0x01
    bundle.write_bytes(bytes(data))
    forged = audit("--tally", tally)
    assert forged.exit_code == 1 and "published log" in forged.output
