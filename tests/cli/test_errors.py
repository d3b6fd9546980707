"""Errors say what was expected: unknown names come with the list of known ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from erfurt.cli import cli
from ingest_samples import encrypted_pdf


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def arch(tmp_path: Path) -> Path:
    path = tmp_path / "arch"
    assert run("init", "--archive", path).exit_code == 0
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "note.txt").write_text("The order was signed on 4 June.\n", encoding="utf-8")
    assert run("add", "--archive", path, "--collection", "notes", folder).exit_code == 0
    return path


def test_issue_18_reextract_with_an_unknown_extractor_names_the_known_ones(arch: Path) -> None:
    bogus = run("reextract", "--archive", arch, "--extractor", "bogus")
    assert bogus.exit_code == 1
    assert "no text in this archive was made by an extractor named 'bogus'" in bogus.stderr
    assert "Hint: the extractors whose texts can be re-extracted are: text" in bogus.stderr
    as_json = run("reextract", "--archive", arch, "--extractor", "bogus", "--json")
    assert json.loads(as_json.stdout)["ok"] is False
    known = run("reextract", "--archive", arch, "--extractor", "text")
    assert known.exit_code == 0 and "re-extracted 1, failed 0" in known.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["search", "signed"],
        ["failures"],
        ["reextract", "--extractor", "text"],
    ],
)
def test_issue_18_a_collection_that_holds_nothing_is_an_error(
    arch: Path, command: list[str]
) -> None:
    result = run(*command, "--archive", arch, "--collection", "note")
    assert result.exit_code == 1, result.output
    assert "no document is in a collection named 'note'" in result.stderr
    assert "the collections in this archive are: notes" in result.stderr


def test_issue_18_retry_failed_with_a_file_retries_that_file_only(tmp_path: Path) -> None:
    arch = tmp_path / "arch"
    assert run("init", "--archive", arch).exit_code == 0
    folder = tmp_path / "locked"
    folder.mkdir()
    first = encrypted_pdf(folder / "first.pdf", "s3cret")
    encrypted_pdf(folder / "second.pdf", "s3cret")
    for plain in folder.glob("*.plain.pdf"):
        plain.unlink()
    added = run("add", "--archive", arch, folder)
    assert "2 failed" in added.stderr, added.output
    passwords = tmp_path / "passwords.txt"
    passwords.write_text("s3cret\n", encoding="utf-8")
    retried = run("add", "--archive", arch, "--retry-failed", "--pdf-passwords", passwords, first)
    assert retried.exit_code == 0, retried.output
    assert "text: 1 extracted, 0 failed" in retried.stderr
    [still] = [
        json.loads(x) for x in run("failures", "--archive", arch, "--json").stdout.split("\n") if x
    ]
    assert still["name"].endswith("second.pdf")


@pytest.mark.parametrize("command", [["declarations", "chart"], ["outreach", "chart"]])
def test_issue_18_a_chart_of_the_wrong_file_type_says_which_types(
    arch: Path, tmp_path: Path, command: list[str]
) -> None:
    result = run(*command, "--archive", arch, "--out", tmp_path / "chart.jpg")
    assert result.exit_code == 1
    assert "charts are written as SVG or PNG, not .jpg" in result.stderr
    assert "Hint: name the output file .svg or .png" in result.stderr


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["declarations", "import"], "after row 0: the file is not UTF-8 text"),
        (["add", "--pdf-passwords"], "not a text file with one password per line: byte 0xff"),
    ],
)
def test_issue_18_a_binary_file_where_text_is_expected_says_what_was_expected(
    arch: Path, tmp_path: Path, command: list[str], expected: str
) -> None:
    binary = tmp_path / "scan.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)))
    extra = [tmp_path / "notes"] if command[0] == "add" else []
    before = run("log", "checkpoint", "--archive", arch).stdout
    result = run(*command, binary, "--archive", arch, *extra)
    assert result.exit_code == 1, result.output
    assert expected in result.stderr and "Hint: " in result.stderr
    assert "Traceback" not in result.output
    assert run("log", "checkpoint", "--archive", arch).stdout == before  # nothing logged
