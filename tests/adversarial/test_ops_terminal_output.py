"""Issue 8 item 18: outside text (file names, aliases, list names) cannot fake output lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from erfurt.cli import cli
from erfurt.cli.escape import printable

FORGED_LINE = "OK: forged.pdf verified"
NAMES = [
    f"minutes\n{FORGED_LINE}.txt",
    f"minutes\r{FORGED_LINE}.txt",
    "report\u202etxt.exe",  # right-to-left override: shows as "reportexe.txt"
    "notes\x1b[2Jcleared.txt",  # an ANSI sequence that clears the screen
]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain 名字 text", "plain 名字 text"),
        ("a\nb\rc\td", "a\\nb\\rc\\td"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("\u202eevil\u2066", "\\u202eevil\\u2066"),
        ("zero\u200bwidth\u2028line", "zero\\u200bwidth\\u2028line"),
        ("undecodable \udcff byte", "undecodable \\udcff byte"),
        ("\u3000ideographic space stays", "\u3000ideographic space stays"),
    ],
)
def test_printable_escapes_what_could_fake_or_reorder_a_line(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_printable_keeps_newlines_of_a_documents_text_when_asked() -> None:
    assert printable("line one\n\tline two\x1b", multiline=True) == "line one\n\tline two\\x1b"


def _lines(result: Result) -> list[str]:
    return result.output.splitlines()


def test_hostile_file_names_stay_on_their_line(tmp_path: Path) -> None:
    arch, docs = tmp_path / "arch", tmp_path / "docs"
    docs.mkdir()
    for name in NAMES:
        (docs / name).write_text("the minutes of the meeting\n")
    assert run("init", "--archive", arch).exit_code == 0
    assert run("add", "--archive", arch, docs).exit_code == 0
    found = run("search", "--archive", arch, "minutes")
    assert found.exit_code == 0
    for line in _lines(found):
        assert not line.startswith("OK:") and "\x1b" not in line and "\u202e" not in line
    assert any("\\nOK: forged.pdf" in line for line in _lines(found))
    assert any("report\\u202etxt.exe" in line for line in _lines(found))
    shown = run("show", "--archive", arch, "1")
    assert shown.exit_code == 0 and not any(line.startswith("OK:") for line in _lines(shown)), (
        shown.output
    )


def test_import_problems_quoting_a_hostile_file_name_stay_on_their_line(tmp_path: Path) -> None:
    arch = tmp_path / "arch"
    assert run("init", "--archive", arch).exit_code == 0
    registry = tmp_path / f"registry\n{FORGED_LINE}.csv"
    registry.write_text("time,alias,organisations\nnot a time,A,Party\n", encoding="utf-8")
    result = run("declarations", "import", registry, "--archive", arch)
    assert result.exit_code == 1
    assert "row 2" in result.output
    assert not any(line.startswith("OK:") for line in _lines(result)), result.output


def test_a_hostile_alias_and_list_name_stay_on_their_line(tmp_path: Path) -> None:
    arch = tmp_path / "arch"
    assert run("init", "--archive", arch).exit_code == 0
    secret = tmp_path / "secret"
    receipt = tmp_path / "receipt.json"
    declared = run("declare", "--archive", arch, "--secret-file", secret, "--alias",
                   "A\u202eB", "--organisation", "Party", "--identity", "Li Hua; 1985-07-21",
                   "--receipt", receipt)  # fmt: skip
    assert declared.exit_code == 0, declared.output
    proved = run("declarations", "prove", receipt, "--archive", arch)
    assert proved.exit_code == 0 and "A\\u202eB" in proved.output and "\u202e" not in proved.output
