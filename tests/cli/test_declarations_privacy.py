"""No identity, birth date or phone number reaches any byte under the archive folder."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from erfurt.archive import Archive, load_registry_secret
from erfurt.cli import cli
from erfurt.declarations import declare
from erfurt.outreach import log_call

NAME, BIRTH = "Zhang Weiqiang 张伟强", "1987-03-14"
IDENTITY = f"{NAME}; {BIRTH}"
PHONE = "+86 139 1234 5678"

FORBIDDEN = [
    # the identity, as typed, normalised, and in parts
    "Zhang Weiqiang",
    "zhang weiqiang",
    "ZHANG WEIQIANG",
    "Weiqiang",
    "weiqiang",
    "张伟强",
    # the birth date in every common form
    "1987-03-14",
    "19870314",
    "1987/03/14",
    "1987/3/14",
    "1987-3-14",
    "14.03.1987",
    "03/14/1987",
    "1987年3月14日",
    # the phone number in every normalised form
    "+8613912345678",
    "8613912345678",
    "008613912345678",
    "13912345678",
    "139 1234 5678",
    "139-1234-5678",
    "+86 139 1234 5678",
    "+86-139-1234-5678",
    "1234 5678",
    "12345678",
]


def _leaks(folder: Path) -> list[str]:
    """Every forbidden form found in any file under ``folder`` (UTF-8 and UTF-16)."""
    found = []
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files, f"nothing to search under {folder}"
    for path in files:
        data = path.read_bytes()
        for text in FORBIDDEN:
            for encoded in (text.encode("utf-8"), text.encode("utf-16-le")):
                if encoded in data:
                    found.append(f"{text!r} in {path.relative_to(folder)}")
    return found


def run(*args: str | Path, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], input=stdin, catch_exceptions=False)


def test_nothing_identifying_reaches_the_archive_folder_through_the_cli(tmp_path: Path) -> None:
    archive, secret, receipt = tmp_path / "arch", tmp_path / "cfg" / "secret", tmp_path / "r.json"
    common = ["--archive", archive, "--secret-file", secret]
    assert run("init", "--archive", archive, "--who", "t").exit_code == 0
    steps = [
        ["declare", *common, "--alias", "Spring", "--organisation", "Party",
         "--identity", IDENTITY, "--receipt", receipt],
        ["declare", *common, "--alias", "Again", "--organisation", "Party",
         "--identity", "-", "--receipt", tmp_path / "r2.json"],
        ["outreach", "log", *common, "--number", PHONE, "--outcome", "listened"],
        ["outreach", "log", *common, "--number", "0086 139-1234-5678", "--outcome", "declared"],
        ["outreach", "log", *common, "--number", "139 1234 5678", "--region", "CN",
         "--outcome", "thanked"],
        ["outreach", "check", *common, "13912345678", "--region", "CN"],
        ["outreach", "log", *common, "--number", "+86 139 1234", "--outcome", "listened"],
        ["declarations", "tally", "--archive", archive],
        ["rebuild", "--archive", archive],
    ]  # fmt: skip
    second = "ZHANG  weiqiang 张伟强; 1987/3/14\n"  # typed on stdin, as `--identity -` reads it
    results = [run(*step, stdin=second if "-" in step else None) for step in steps]
    assert [r.exit_code for r in results] == [0, 0, 0, 0, 0, 0, 1, 0, 0], [
        r.output for r in results
    ]
    assert "Called" in results[5].output and results[5].output.count("Called") == 3
    # Two declarations by one person: the second identity normalises to the first.
    assert results[7].output.split()[-3:] == ["total", "2", "1"]
    assert _leaks(archive) == []
    # The search does find what is there: the receipt holds the identity, on purpose.
    assert any("张伟强" in leak for leak in _leaks(receipt.parent) if "r.json" in leak)


def test_nothing_identifying_on_disk_while_the_archive_is_open(
    registry: Archive, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="erfurt")
    secret = load_registry_secret(
        tmp_path / "cfg" / "secret", archive_root=registry.paths.root, create=True
    )
    declare(
        registry,
        alias="Spring",
        organisations=["Party"],
        identity=IDENTITY,
        receipt=tmp_path / "receipt.json",
        secret=secret,
    )
    log_call(registry, secret, number=PHONE, outcome="hung-up")
    # Views, their -wal/-shm, the log's state and tmp/ as they are mid-session.
    assert _leaks(registry.paths.root) == []
    assert not any(text in caplog.text for text in FORBIDDEN)
