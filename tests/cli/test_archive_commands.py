"""The command line on a real archive: init, add, show, prove, export, verify, tamper."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from erfurt.cli import cli
from ingest_samples import hostile_zips


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def arch(tmp_path: Path) -> Path:
    path = tmp_path / "arch"
    result = run("init", "--archive", path, "--origin", "test.example/cli", "--who", "tester")
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "report.txt").write_text("The 1973 shooting order.\n", encoding="utf-8")
    (folder / "sub" / "名单.txt").write_text("国家卫生健康委员会\n", encoding="utf-8")
    return folder


def _lines(result: Result) -> list[dict[str, object]]:
    """The per-file rows (`erfurt add` then prints one row per text extraction)."""
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return [row for row in rows if "path" in row]


def test_add_then_show_then_prove_then_verify(arch: Path, docs: Path, tmp_path: Path) -> None:
    added = run("add", "--archive", arch, "--who", "ana", "--json", docs)
    assert added.exit_code == 0, added.output
    rows = _lines(added)
    assert sorted(r["outcome"] for r in rows) == ["added", "added"]
    index = next(r["record"] for r in rows if str(r["path"]).endswith("report.txt"))

    shown = run("show", "--archive", arch, "--json", index)
    body = json.loads(shown.stdout)
    assert body["record"]["name"] == "report.txt" and body["record"]["who"] == "ana"
    assert body["custody"][0]["index"] == index
    assert [c["record"]["kind"] for c in body["custody"][1:]] == ["text.extracted"]
    assert body["text"]["status"] == "extracted"
    assert "shooting order" in body["text"]["pages"][0]

    receipt = tmp_path / "r.tlog-proof"
    assert run("prove", "--archive", arch, index, "--out", receipt).exit_code == 0
    vkey = run("log", "vkey", "--archive", arch).stdout.strip()
    ok = run("verify", receipt, "--vkey", vkey, "--archive", tmp_path / "nowhere")
    assert ok.exit_code == 0, ok.output
    assert "OK:" in ok.output

    tampered = tmp_path / "t.tlog-proof"
    data = bytearray(receipt.read_bytes())
    data[-3] ^= 1
    tampered.write_bytes(bytes(data))
    bad = run("verify", tampered, "--vkey", vkey)
    assert bad.exit_code == 1 and "FAIL" in bad.output


def test_readding_is_idempotent_but_a_new_name_is_a_sighting(arch: Path, docs: Path) -> None:
    run("add", "--archive", arch, docs)
    again = run("add", "--archive", arch, "--json", docs)
    assert {r["outcome"] for r in _lines(again)} == {"present"}
    shutil.copy(docs / "report.txt", docs / "copy.txt")
    third = run("add", "--archive", arch, "--json", docs / "copy.txt")
    [row] = _lines(third)
    assert row["outcome"] == "sighted"
    chain = json.loads(run("show", "--archive", arch, "--json", row["record"]).stdout)["custody"]
    kinds = [c["record"]["kind"] for c in chain]
    assert kinds == ["document.added", "text.extracted", "document.added"]
    blobs = list((arch / "blobs").rglob("*"))
    # Two originals; the text extracted from a UTF-8 file is its own bytes, the same blob.
    assert len([b for b in blobs if b.is_file()]) == 2


def test_a_file_added_to_a_second_collection_is_extracted_again(arch: Path, docs: Path) -> None:
    """Its text was made for the first collection's copies: search holds it back from a
    reader who may see only the second until it is extracted for that copy too."""
    run("add", "--archive", arch, "--collection", "first", docs / "report.txt")
    second = run("add", "--archive", arch, "--collection", "second", "--json", docs)
    row = next(r for r in _lines(second) if str(r["path"]).endswith("report.txt"))
    assert row["outcome"] == "sighted"
    chain = json.loads(run("show", "--archive", arch, "--json", row["record"]).stdout)["custody"]
    kinds = [c["record"]["kind"] for c in chain]
    assert kinds == ["document.added", "text.extracted", "document.added", "text.extracted"]
    again = run("add", "--archive", arch, "--collection", "second", "--json", docs)
    assert {r["outcome"] for r in _lines(again)} == {"present"}
    chain = json.loads(run("show", "--archive", arch, "--json", row["record"]).stdout)["custody"]
    assert len(chain) == 4  # nothing new to extract for


def test_bad_inputs_are_named_and_the_batch_goes_on(arch: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text("fine")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "loop").symlink_to(folder)
    (folder / "dangling").symlink_to(tmp_path / "gone")
    (arch / "erfurt.toml").write_text(
        (arch / "erfurt.toml").read_text().replace("2147483648", "10")
    )
    (folder / "big.txt").write_text("more than ten bytes")
    before = run("log", "checkpoint", "--archive", arch, "--json")
    result = run(
        "add", "--archive", arch, "--json", "--follow-symlinks", folder, tmp_path / "missing.pdf"
    )
    assert result.exit_code == 1
    rows = {Path(str(r["path"])).name: r for r in _lines(result)}
    assert rows["good.txt"]["outcome"] == "added"
    assert rows["empty.txt"]["outcome"] == "added" and "empty" in str(rows["empty.txt"]["warning"])
    assert "loop" in str(rows["loop"]["reason"])
    assert "leads nowhere" in str(rows["dangling"]["reason"])
    assert "limit" in str(rows["big.txt"]["reason"])
    assert "no such file" in str(rows["missing.pdf"]["reason"])
    after = json.loads(run("log", "checkpoint", "--archive", arch, "--json").stdout)
    assert after["tree_size"] > json.loads(before.stdout)["tree_size"]
    assert run("log", "check", "--archive", arch).exit_code == 0


def test_zips_that_break_the_standard_library_fail_alone(arch: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text("fine")
    for kind, data in hostile_zips().items():
        (folder / f"{kind}.zip").write_bytes(data)
    result = run("add", "--archive", arch, "--json", folder)
    assert result.exit_code == 0, result.output  # every file preserved; the texts say the rest
    added = {Path(str(r["path"])).name: r["outcome"] for r in _lines(result)}
    assert added == dict.fromkeys(["good.txt", *(f"{k}.zip" for k in hostile_zips())], "added")
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    texts = {str(r["name"]): r for r in rows if "extraction" in r}
    assert texts["good.txt"]["extraction"] == "extracted"
    for kind in hostile_zips():
        assert texts[f"{kind}.zip"]["extraction"] == "failed", texts
        assert "zip" in str(texts[f"{kind}.zip"]["reason"])
    assert run("log", "check", "--archive", arch).exit_code == 0


def _without_root_file_access() -> list[str]:
    """A command prefix under which even root obeys file permissions (CI runs as root).

    Dropping the two capabilities that let root read anything from the bounding set makes
    an executed program lose them; the process stays uid 0, so it can still run this
    Python and write the root-owned archive.
    """
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]


def test_an_unreadable_file_is_named_and_the_batch_goes_on(arch: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text("fine")
    unreadable = folder / "secret.txt"
    unreadable.write_text("x")
    unreadable.chmod(0)
    erfurt = str(Path(sys.executable).with_name("erfurt"))
    done = subprocess.run(
        [
            *_without_root_file_access(),
            erfurt,
            "add",
            "--archive",
            str(arch),
            "--json",
            str(folder),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stderr
    rows = {
        Path(str(r["path"])).name: r
        for r in map(json.loads, done.stdout.splitlines())
        if "path" in r
    }
    assert "cannot be read" in str(rows["secret.txt"]["reason"])
    assert rows["good.txt"]["outcome"] == "added"


def test_export_package_verifies_and_any_change_is_caught(
    arch: Path, docs: Path, tmp_path: Path
) -> None:
    rows = _lines(run("add", "--archive", arch, "--json", docs / "report.txt"))
    index = rows[0]["record"]
    package = tmp_path / "package"
    assert run("export", "--archive", arch, index, "--out", package).exit_code == 0
    vkey = run("log", "vkey", "--archive", arch).stdout.strip()
    ok = run("verify", package, "--vkey", vkey, "--json")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["ok"] is True

    for victim in sorted(p for p in package.rglob("*") if p.is_file()):
        copy = tmp_path / f"copy-{victim.name}"
        shutil.copytree(package, copy)
        target = copy / victim.relative_to(package)
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 0x01
        target.write_bytes(bytes(data))
        bad = run("verify", copy, "--vkey", vkey)
        assert bad.exit_code == 1, f"changing {victim.name} went unnoticed"
        shutil.rmtree(copy)


def test_a_package_signed_by_another_key_fails(arch: Path, docs: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    run("init", "--archive", other, "--origin", "test.example/cli")
    index = _lines(run("add", "--archive", other, "--json", docs / "report.txt"))[0]["record"]
    run("export", "--archive", other, index, "--out", tmp_path / "p")
    vkey = run("log", "vkey", "--archive", arch).stdout.strip()
    result = run("verify", tmp_path / "p", "--vkey", vkey)
    assert result.exit_code == 1 and "another log" in result.output


def test_log_check_names_a_missing_or_altered_tile(arch: Path, docs: Path) -> None:
    run("add", "--archive", arch, docs)
    size = json.loads(run("log", "checkpoint", "--archive", arch, "--json").stdout)["tree_size"]
    victim = arch / "log" / "tile" / "0" / "000.p" / str(size)
    original = victim.read_bytes()
    victim.chmod(0o644)
    victim.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    result = run("log", "check", "--archive", arch)
    assert result.exit_code == 1
    assert f"tile/0/000.p/{size}" in result.output
    victim.unlink()
    missing = run("log", "check", "--archive", arch)
    assert missing.exit_code == 1 and f"tile/0/000.p/{size}: missing" in missing.output


def test_consistency_with_a_kept_checkpoint(arch: Path, docs: Path, tmp_path: Path) -> None:
    kept = tmp_path / "kept-checkpoint"
    kept.write_text(run("log", "checkpoint", "--archive", arch).stdout)
    run("add", "--archive", arch, docs)
    result = run("log", "consistency", "--archive", arch, kept, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["new_size"] > json.loads(result.stdout)["old_size"]


def test_errors_are_one_line_with_a_hint(tmp_path: Path) -> None:
    result = run("show", "--archive", tmp_path / "none", "0")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "Hint: " in result.output
    assert "Traceback" not in result.output
    as_json = run("show", "--archive", tmp_path / "none", "0", "--json")
    body = json.loads(as_json.stdout)
    assert body["ok"] is False and body["error"] and body["hint"]


def test_usage_errors_exit_2() -> None:
    assert run("show", "not-a-number").exit_code == 2


def test_environment_variable_names_the_archive(
    arch: Path, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ERFURT_ARCHIVE", str(arch))
    assert run("add", docs).exit_code == 0
    assert run("log", "check").exit_code == 0


def test_a_relative_archive_path_works(
    tmp_path: Path, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("init").exit_code == 0
    result = run("add", docs)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "erfurt-archive" / "log" / "checkpoint").is_file()


def test_a_forged_original_with_rewritten_manifests_still_fails(
    arch: Path, docs: Path, tmp_path: Path
) -> None:
    import hashlib

    index = _lines(run("add", "--archive", arch, "--json", docs / "report.txt"))[0]["record"]
    package = tmp_path / "package"
    run("export", "--archive", arch, index, "--out", package)
    original = next((package / "data" / "original").iterdir())
    original.write_text("The 1974 shooting order.\n")
    lines = []
    for line in (package / "manifest-sha256.txt").read_text().splitlines():
        _, rel = line.split("  ", 1)
        lines.append(f"{hashlib.sha256((package / rel).read_bytes()).hexdigest()}  {rel}")
    (package / "manifest-sha256.txt").write_text("\n".join(lines) + "\n")
    tags = []
    for line in (package / "tagmanifest-sha256.txt").read_text().splitlines():
        _, rel = line.split("  ", 1)
        tags.append(f"{hashlib.sha256((package / rel).read_bytes()).hexdigest()}  {rel}")
    (package / "tagmanifest-sha256.txt").write_text("\n".join(tags) + "\n")
    vkey = run("log", "vkey", "--archive", arch).stdout.strip()
    result = run("verify", package, "--vkey", vkey)
    assert result.exit_code == 1 and "the SHA-256 the record gives" in result.output
