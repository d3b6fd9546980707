"""Issue 8 items 2, 3, 13, 14 and issue 18: what `erfurt verify` accepts, and what export writes.

A package holds exactly the files its signed record implies; a key nobody pinned never
verifies; malformed inputs get a message, not a traceback.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from integrity_archive import made_archive, run, vkey_of


def _rebag(package: Path) -> None:
    """Regenerate both manifests, as a forger who knows BagIt would."""
    for manifest, files in (
        ("manifest-sha256.txt", sorted(p for p in (package / "data").rglob("*") if p.is_file())),
        ("tagmanifest-sha256.txt", [package / n for n in ("bagit.txt", "bag-info.txt")]),
    ):
        if manifest == "tagmanifest-sha256.txt":
            files.append(package / "manifest-sha256.txt")
        lines = [
            f"{hashlib.sha256(f.read_bytes()).hexdigest()}  {f.relative_to(package).as_posix()}"
            for f in files
            if f.is_file()
        ]
        (package / manifest).write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def exported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.chdir(tmp_path)  # no ./erfurt-archive whose key would be pinned
    arch, index = made_archive(tmp_path)
    package = tmp_path / "package"
    result = run("export", "--archive", arch, index, "--out", package)
    assert result.exit_code == 0, result.output
    assert run("verify", package, "--vkey", vkey_of(arch)).exit_code == 0
    return arch, package


def _fails(arch: Path, package: Path, words: str) -> None:
    result = run("verify", package, "--vkey", vkey_of(arch))
    assert result.exit_code == 1, result.output
    assert words in result.output and "bug in Erfurt" not in result.output


@pytest.mark.parametrize("extra", ["data/notes.txt", "data/original/second.pdf", "extra.txt"])
def test_an_added_file_with_regenerated_manifests_fails(
    exported: tuple[Path, Path], extra: str
) -> None:
    arch, package = exported
    (package / extra).write_text("planted\n", encoding="utf-8")
    _rebag(package)
    _fails(arch, package, extra.rsplit("/", 1)[-1])


def test_a_symlink_inside_data_fails(exported: tuple[Path, Path]) -> None:
    arch, package = exported
    original = next((package / "data" / "original").iterdir())
    kept = package.parent / "kept"
    shutil.move(original, kept)
    os.symlink(kept, original)
    _fails(arch, package, "symbolic link")


def test_a_rewritten_how_to_verify_fails(exported: tuple[Path, Path]) -> None:
    arch, package = exported
    how = package / "data" / "HOW-TO-VERIFY.txt"
    how.write_text(how.read_text(encoding="utf-8").replace("--vkey", "--trust-me"), "utf-8")
    _rebag(package)
    _fails(arch, package, "HOW-TO-VERIFY.txt")


@pytest.mark.parametrize("missing", ["bagit.txt", "data/verifier-key.txt", "data/checkpoint"])
def test_a_missing_file_is_named_without_a_traceback(
    exported: tuple[Path, Path], missing: str
) -> None:
    arch, package = exported
    (package / missing).unlink()
    _rebag(package)
    _fails(arch, package, missing.rsplit("/", 1)[-1])


def test_an_empty_folder_is_not_a_package(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run("verify", tmp_path / "empty", "--vkey", "x+00000000+AAAA")
    assert result.exit_code == 1 and "not an evidence package" in result.output


def test_without_a_pinned_key_a_package_does_not_verify(exported: tuple[Path, Path]) -> None:
    arch, package = exported
    result = run("verify", package)
    assert result.exit_code == 3
    assert f"signature valid for key {vkey_of(arch)}, which you have not pinned" in result.output
    assert "OK:" not in result.output
    as_json = json.loads(run("verify", package, "--json").stdout)
    assert as_json["ok"] is False and as_json["pinned"] is False


def test_verify_with_archive_pins_its_key(exported: tuple[Path, Path], tmp_path: Path) -> None:
    arch, package = exported
    assert run("verify", package, "--archive", arch).exit_code == 0
    other = tmp_path / "other"
    assert run("init", "--archive", other, "--origin", "test.example/integrity").exit_code == 0
    result = run("verify", package, "--archive", other)
    assert result.exit_code == 1 and "not the pinned key" in result.output


def test_a_receipt_without_a_key_is_not_verified(exported: tuple[Path, Path]) -> None:
    _, package = exported
    result = run("verify", package / "data" / "receipt.tlog-proof")
    assert result.exit_code == 3 and "carries no key" in result.output


def test_a_file_that_is_no_receipt_says_what_was_expected(tmp_path: Path) -> None:
    pdf = tmp_path / "good.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    result = run("verify", pdf, "--vkey", "x+00000000+AAAA")
    assert result.exit_code == 1
    assert "neither a receipt nor an evidence package" in result.output
    assert "%PDF-1.7" in result.output and "holds no key" not in result.output


def test_export_cuts_a_long_chinese_name_by_bytes(tmp_path: Path) -> None:
    arch, _ = made_archive(tmp_path)
    folder = tmp_path / "long" / ("国家安全委员会文件" * 7)[:60]
    folder.mkdir(parents=True)
    document = folder / (("关于处理示威者的命令" * 7)[:60] + ".txt")
    document.write_text("命令\n", encoding="utf-8")
    added = run("add", "--archive", arch, "--json", tmp_path / "long")  # named by its path
    index = next(json.loads(line)["record"] for line in added.stdout.splitlines())
    package = tmp_path / "package"
    result = run("export", "--archive", arch, index, "--out", package)
    assert result.exit_code == 0, result.output
    [original] = (package / "data" / "original").iterdir()
    assert len(original.name.encode("utf-8")) <= 200 and original.name.endswith(".txt")
    assert original.read_text(encoding="utf-8") == "命令\n"
    assert run("verify", package, "--vkey", vkey_of(arch)).exit_code == 0


def test_a_pipe_in_a_package_fails_without_blocking(exported: tuple[Path, Path]) -> None:
    arch, package = exported
    (package / "bagit.txt").unlink()
    os.mkfifo(package / "bagit.txt")  # reading it would wait for a writer forever
    _fails(arch, package, "bagit.txt is not a regular file")


def test_a_huge_record_in_a_package_is_not_read_whole(exported: tuple[Path, Path]) -> None:
    arch, package = exported
    (package / "data" / "record.json").write_bytes(b"{" + b" " * (2 << 20) + b"}")
    _rebag(package)
    _fails(arch, package, "larger than")


def test_verify_refuses_pipes_and_huge_files_as_receipts(
    exported: tuple[Path, Path], tmp_path: Path
) -> None:
    arch, _ = exported
    pipe = tmp_path / "receipt.tlog-proof"
    os.mkfifo(pipe)
    huge = tmp_path / "video.mp4"
    huge.write_bytes(b"c2sp.org/tlog-proof@v1\n" + b"x" * (2 << 20))
    for path, words in ((pipe, "not a regular file"), (huge, "larger than a receipt")):
        for command in (["verify", path], ["declarations", "prove", path]):
            result = run(*command, "--vkey", vkey_of(arch))
            assert result.exit_code == 1, result.output
            assert words in result.output and "bug in Erfurt" not in result.output
