"""Issue 8 items 15 and 17: re-imports count nothing twice; declarations refuse bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from erfurt.archive import Archive, RegistrySecret, load_registry_secret
from erfurt.cli import cli
from erfurt.declarations import declare, parse_identity, prove_receipt, read_tally
from erfurt.errors import InputError

HEADER = "time,alias,organisations\n"
GOOD = [f"2019-06-{day:02d}T10:00:00Z,alias {day},Party\n" for day in range(1, 10)]


def run(*args: str | Path, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], input=stdin, catch_exceptions=False)


@pytest.fixture
def arch(tmp_path: Path) -> Path:
    path = tmp_path / "arch"
    assert run("init", "--archive", path, "--origin", "test.example/reg").exit_code == 0
    return path


def _total(arch: Path) -> int:
    tally = json.loads(run("declarations", "tally", "--archive", arch, "--json").stdout)
    assert isinstance(tally["declarations"], int)
    return tally["declarations"]


def test_a_corrected_file_imported_again_logs_only_the_corrected_rows(
    arch: Path, tmp_path: Path
) -> None:
    bad = ["2019-06-20T10:00:00Z,late,Komsomol\n", "not a time,x,Party\n"]
    first = tmp_path / "registry.csv"
    first.write_text(HEADER + "".join(GOOD[:5] + bad + GOOD[5:]), encoding="utf-8")
    assert run("declarations", "import", first, "--archive", arch).exit_code == 1
    assert _total(arch) == 9
    corrected = tmp_path / "registry-fixed.csv"
    fixed = ["2019-06-20T10:00:00Z,late,Party\n", "2019-06-21T10:00:00Z,x,Party\n"]
    corrected.write_text(HEADER + "".join(GOOD[:5] + fixed + GOOD[5:]), encoding="utf-8")
    again = run("declarations", "import", corrected, "--archive", arch)
    assert again.exit_code == 0, again.output
    assert "9 rows already in the log" in again.output
    assert _total(arch) == 11  # not 9 + 11 = 20


def test_two_identical_rows_in_one_file_are_two_declarations_once(
    arch: Path, tmp_path: Path
) -> None:
    csv_file = tmp_path / "twice.csv"
    csv_file.write_text(HEADER + GOOD[0] + GOOD[0], encoding="utf-8")
    run("declarations", "import", csv_file, "--archive", arch)
    run("declarations", "import", csv_file, "--archive", arch)
    assert _total(arch) == 2


def test_an_excel_csv_utf8_file_with_a_byte_order_mark_is_accepted(
    arch: Path, tmp_path: Path
) -> None:
    csv_file = tmp_path / "excel.csv"
    csv_file.write_bytes(("\ufeff" + HEADER + GOOD[0]).encode("utf-8"))
    result = run("declarations", "import", csv_file, "--archive", arch)
    assert result.exit_code == 0, result.output
    assert _total(arch) == 1


def test_a_file_that_is_not_utf8_is_refused_with_a_message(arch: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "gbk.csv"
    csv_file.write_bytes((HEADER + "2019-06-01T10:00:00Z,王晓明,Party\n").encode("gbk"))
    result = run("declarations", "import", csv_file, "--archive", arch)
    assert result.exit_code == 1 and "not UTF-8" in result.output
    assert "bug in Erfurt" not in result.output


def test_declaration_times_in_the_future_are_refused(arch: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "future.csv"
    csv_file.write_text(HEADER + "2099-01-01T00:00:00Z,A,Party\n" + GOOD[0], encoding="utf-8")
    result = run("declarations", "import", csv_file, "--archive", arch, "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["imported"] == 1 and "in the future" in report["problems"][0]["message"]


def test_a_receipt_without_an_identity_is_refused(arch: Path, tmp_path: Path) -> None:
    receipt = tmp_path / "receipt.json"
    result = run("declare", "--archive", arch, "--alias", "A", "--organisation", "Party",
                 "--receipt", receipt)  # fmt: skip
    assert result.exit_code == 1 and "no identity was given" in result.output
    assert "Receipt:" not in result.output
    assert _total(arch) == 0


def test_the_number_can_come_from_stdin_and_the_new_secret_is_announced(
    arch: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "config" / "secret"
    logged = run("outreach", "log", "--archive", arch, "--secret-file", secret, "--number", "-",
                 "--outcome", "listened", stdin="+86 138 0013 8000\n")  # fmt: skip
    assert logged.exit_code == 0, logged.output
    assert "Created a new registry secret (key " in logged.output
    assert str(secret) in logged.output and "Back it up" in logged.output
    checked = run("outreach", "check", "--archive", arch, "--secret-file", secret, "-",
                  stdin="+8613800138000\n")  # fmt: skip
    assert checked.exit_code == 0 and "listened" in checked.output
    assert "Created a new registry secret" not in checked.output


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("王晓明; 1990-01-02", "王曉明; 1990-01-02"),
        ("Wang Xiaoming; 1990-01-02", "Wang Xiao\u200bming; 1990-01-02"),
        ("Wang Xiaoming; 1990-01-02", "\u202eWang Xiaoming\u2060; 1990-01-02"),
    ],
)
def test_script_variants_and_invisible_characters_are_one_person(one: str, other: str) -> None:
    assert parse_identity(one).canonical() == parse_identity(other).canonical()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Wang Xiaoming; 2090-01-02", "in the future"),
        ("W" * 100_000 + "; 1990-01-02", "more than 1,000"),
        ("W" * 201 + "; 1990-01-02", "more than 200"),
    ],
)
def test_future_birth_dates_and_huge_identities_are_refused(
    registry: Archive, secret_file: Path, tmp_path: Path, text: str, message: str
) -> None:
    secret = load_registry_secret(secret_file, archive_root=registry.paths.root, create=True)
    with pytest.raises(InputError, match=message) as caught:
        declare(registry, alias="A", organisations=["Party"], identity=text,
                receipt=tmp_path / "r.json", secret=secret)  # fmt: skip
    assert "WWW" not in caught.value.message
    assert read_tally(registry).total.declarations == 0


def test_receipts_made_under_the_first_rule_still_verify(
    registry: Archive, secret_file: Path, tmp_path: Path
) -> None:
    secret: RegistrySecret = load_registry_secret(
        secret_file, archive_root=registry.paths.root, create=True
    )
    receipt = tmp_path / "r.json"
    declare(registry, alias="A", organisations=["Party"], identity="王曉明; 1990-01-02",
            receipt=receipt, secret=secret)  # fmt: skip
    proved = prove_receipt(receipt.read_bytes(), "r.json", registry.vkey)
    assert proved.name == "王晓明"
    record = registry.record(registry.size - 1)
    assert record["identity_rule"] == 2
    # A record without identity_rule was made under rule 1, which kept 曉 as it is.
    assert parse_identity("王曉明; 1990-01-02", rule=1).name == "王曉明"
