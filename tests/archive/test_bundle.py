"""Evidence bundles (a dossier and the packages of the documents it cites) on a real
archive: verified as written, refused once any byte is changed, added or removed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from erfurt.archive import Archive, Record, export_bundle, verify_bundle
from erfurt.errors import InputError, VerificationError


def _document(archive: Archive, name: str) -> Record:
    blob = archive.put_bytes(f"the text of {name}".encode())
    fields = {"blob": blob.sha256, "size": blob.size, "name": name, "media_type": "text/plain"}
    fields |= {"collection": "", "time": archive.now(), "who": "ana"}
    return Record("document.added", fields)


@pytest.fixture
def bundle(tmp_path: Path) -> tuple[Archive, list[int], Path]:
    archive = Archive.init(tmp_path / "a", who="t")
    indexes = archive.append([_document(archive, "one.txt"), _document(archive, "二.txt")])
    out = export_bundle(archive, indexes, {"dossier.json": b'{"id": "x"}\n'}, tmp_path / "b")
    return archive, indexes, out


def test_a_bundle_verifies_with_the_pinned_key(bundle: tuple[Archive, list[int], Path]) -> None:
    archive, indexes, out = bundle
    check = verify_bundle(out, vkey=archive.vkey)
    assert [c.receipt.index for c in check.packages] == indexes
    assert check.key_pinned and any("dossier.json" in line for line in check.proved)
    assert (out / "data" / "dossier.json").read_bytes() == b'{"id": "x"}\n'


@pytest.mark.parametrize(
    "changed",
    ["data/dossier.json", "data/checkpoint", "data/records/*/data/original/one.txt",
     "data/records/*/data/receipt.tlog-proof", "bag-info.txt"],
)  # fmt: skip
def test_one_changed_byte_fails_verification(
    bundle: tuple[Archive, list[int], Path], tmp_path: Path, changed: str
) -> None:
    archive, _, out = bundle
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    target = sorted(copy.glob(changed))[0]
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    with pytest.raises(VerificationError):
        verify_bundle(copy, vkey=archive.vkey)


def test_a_removed_package_or_an_added_file_fails_verification(
    bundle: tuple[Archive, list[int], Path], tmp_path: Path
) -> None:
    archive, indexes, out = bundle
    removed = tmp_path / "removed"
    shutil.copytree(out, removed)
    shutil.rmtree(removed / "data" / "records" / str(indexes[0]))
    with pytest.raises(VerificationError):
        verify_bundle(removed, vkey=archive.vkey)
    added = tmp_path / "added"
    shutil.copytree(out, added)
    (added / "data" / "notes.txt").write_text("planted\n", encoding="utf-8")
    with pytest.raises(VerificationError, match=r"notes\.txt"):
        verify_bundle(added, vkey=archive.vkey)


def test_another_logs_key_is_refused(
    bundle: tuple[Archive, list[int], Path], tmp_path: Path
) -> None:
    _, _, out = bundle
    other = Archive.init(tmp_path / "other", who="t")
    with pytest.raises(VerificationError, match="pinned key"):
        verify_bundle(out, vkey=other.vkey)


def test_nothing_is_written_for_an_existing_folder_or_no_record(
    bundle: tuple[Archive, list[int], Path], tmp_path: Path
) -> None:
    archive, indexes, out = bundle
    with pytest.raises(InputError, match="already exists"):
        export_bundle(archive, indexes, {}, out)
    with pytest.raises(InputError, match="nothing to package"):
        export_bundle(archive, [], {}, tmp_path / "empty")
    assert not (tmp_path / "empty").exists()
