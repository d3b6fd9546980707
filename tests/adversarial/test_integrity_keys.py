"""Issue 8, smaller defects: the log's signing key can live outside the archive folder.

Then no copy or backup of the archive can sign checkpoints; the archive stays readable
and verifiable without the key, and refuses a key that is not its own.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from integrity_archive import run


@pytest.fixture
def outside(tmp_path: Path) -> tuple[Path, Path]:
    arch, key = tmp_path / "arch", tmp_path / "keys" / "log.key"
    result = run("--key-file", key, "init", "--archive", arch, "--origin", "test.example/k")
    assert result.exit_code == 0, result.output
    return arch, key


def test_init_writes_the_key_outside_and_pins_its_verifier_key(
    outside: tuple[Path, Path],
) -> None:
    arch, key = outside
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert not (arch / "private" / "log.key").exists()
    vkey = run("log", "vkey", "--archive", arch).stdout.strip()
    assert f'vkey = "{vkey}"' in (arch / "erfurt.toml").read_text(encoding="utf-8")


def test_without_the_key_the_archive_is_read_and_checked_but_not_written(
    outside: tuple[Path, Path], tmp_path: Path
) -> None:
    arch, _ = outside
    note = tmp_path / "note.txt"
    note.write_text("a statement\n", encoding="utf-8")
    refused = run("add", "--archive", arch, note)
    assert refused.exit_code == 1
    assert "signing key is not here" in refused.output and "--key-file" in refused.output
    assert run("show", "--archive", arch, 0).exit_code == 0
    assert run("log", "check", "--archive", arch).exit_code == 0


def test_with_the_key_from_the_environment_records_are_appended(
    outside: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    arch, key = outside
    note = tmp_path / "note.txt"
    note.write_text("a statement\n", encoding="utf-8")
    monkeypatch.setenv("ERFURT_KEY_FILE", str(key))
    added = run("add", "--archive", arch, "--json", note)
    assert added.exit_code == 0, added.output
    index = json.loads(added.stdout.splitlines()[0])["record"]
    assert run("prove", "--archive", arch, index, "--out", tmp_path / "r").exit_code == 0


def test_another_archives_key_is_refused(outside: tuple[Path, Path], tmp_path: Path) -> None:
    arch, _ = outside
    other_key = tmp_path / "other.key"
    made = run("--key-file", other_key, "init", "--archive", tmp_path / "other")
    assert made.exit_code == 0, made.output
    note = tmp_path / "note.txt"
    note.write_text("a statement\n", encoding="utf-8")
    result = run("--key-file", other_key, "add", "--archive", arch, note)
    assert result.exit_code == 1 and "not this archive's key" in result.output


def test_a_key_file_in_the_published_log_folder_is_refused(tmp_path: Path) -> None:
    arch = tmp_path / "arch"
    result = run("--key-file", arch / "log" / "key", "init", "--archive", arch)
    assert result.exit_code == 1 and "published" in result.output
    assert not (arch / "log" / "key").exists()
