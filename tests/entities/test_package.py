"""`erfurt dossier export --package`: the dossier, every document it cites with its
receipt, one checkpoint; `erfurt verify` accepts it and refuses it once any byte changes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from erfurt.archive import Archive

from .test_flow import ENGLISH, LIST, ok, run

SECOND = "Carrie Lam, Chief Executive, spoke again on Friday.\n"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dossier-package")
    path, docs = root / "arch", root / "docs"
    docs.mkdir()
    (docs / "release.txt").write_text(ENGLISH, encoding="utf-8")
    (docs / "again.txt").write_text(SECOND, encoding="utf-8")
    (docs / "unrelated.txt").write_text("Nothing about anyone here.\n", encoding="utf-8")
    listed = root / "officials.json"
    listed.write_text("".join(json.dumps(e) + "\n" for e in LIST), encoding="utf-8")
    ok("init", "--archive", path, "--who", "tester")
    ok("add", docs, "--archive", path, "--who", "tester", "--quiet")
    ok("lists", "import", "ftm", listed, "--archive", path, "--who", "tester")
    ok("entities", "extract", "--archive", path, "--quiet")
    return path


@pytest.fixture(scope="module")
def package(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("exported") / "lam"
    ok("dossier", "export", "hk-lam", "--unreviewed", "--package", "--out", out,
       "--archive", archive)  # fmt: skip
    return out


def test_the_package_holds_the_dossier_and_each_cited_document_once(
    archive: Path, package: Path
) -> None:
    dossier = json.loads((package / "data" / "dossier.json").read_text(encoding="utf-8"))
    assert dossier["id"] == "hk-lam" and "Carrie Lam" in dossier["names"]
    records = sorted(int(p.name) for p in (package / "data" / "records").iterdir())
    assert sorted(dossier["documents"].values()) == records and len(records) == 2
    with Archive.open(archive) as opened:
        names = {str(opened.record(n)["name"]) for n in records}
    assert names == {"release.txt", "again.txt"}
    originals = {
        p.name for n in records for p in (package / f"data/records/{n}/data/original").iterdir()
    }
    assert originals == names
    ftm = (package / "data" / "dossier.ftm.json").read_text(encoding="utf-8").splitlines()
    assert {json.loads(line)["schema"] for line in ftm} >= {"Person", "Document"}


def test_verify_accepts_the_package_with_the_pinned_key(archive: Path, package: Path) -> None:
    checked = json.loads(ok("verify", package, "--archive", archive, "--json").stdout)
    assert checked["ok"] is True
    assert any("included in" in line for line in checked["proved"])


@pytest.mark.parametrize(
    "changed",
    ["data/dossier.json", "data/checkpoint", "data/records/*/data/original/release.txt",
     "data/records/*/data/record.json", "manifest-sha256.txt"],
)  # fmt: skip
def test_one_changed_byte_anywhere_fails_verification(
    archive: Path, package: Path, tmp_path: Path, changed: str
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(package, copy)
    target = sorted(copy.glob(changed))[0]
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    refused = run("verify", copy, "--archive", archive)
    assert refused.exit_code == 1, refused.output
    assert "Traceback" not in refused.output


def test_an_added_or_removed_document_fails_verification(
    archive: Path, package: Path, tmp_path: Path
) -> None:
    removed = tmp_path / "removed"
    shutil.copytree(package, removed)
    shutil.rmtree(next((removed / "data" / "records").iterdir()))
    assert run("verify", removed, "--archive", archive).exit_code == 1
    added = tmp_path / "added"
    shutil.copytree(package, added)
    (added / "data" / "notes.txt").write_text("planted\n", encoding="utf-8")
    assert run("verify", added, "--archive", archive).exit_code == 1


def test_a_package_needs_a_new_folder(archive: Path, package: Path) -> None:
    again = run("dossier", "export", "hk-lam", "--unreviewed", "--package",
                "--out", package, "--archive", archive)  # fmt: skip
    assert again.exit_code == 1 and "already exists" in again.output
    nowhere = run("dossier", "export", "hk-lam", "--package", "--archive", archive)
    assert nowhere.exit_code == 1 and "--out" in nowhere.output
