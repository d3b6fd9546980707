"""Issue 8 items 1 and 5: a record altered in log/ is never read, shown, replayed or proved.

Every path that reads records verifies their entry bundle against the tiles and the
signed checkpoint, and stops with an error naming the altered file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from integrity_archive import made_archive, run, vkey_of

from erfurt.archive import PublishedLog
from erfurt.errors import IntegrityError, VerificationError
from erfurt.log import leaf_hash

SIZE = 5  # records in the made archive: archive.created, then two documents and their texts
BUNDLE = f"tile/entries/000.p/{SIZE}"


def _alter_record(arch: Path, index: int, old: bytes, new: bytes) -> Path:
    """Change ``old`` to ``new`` in record ``index`` of the current entry bundle."""
    bundle = arch / "log" / BUNDLE
    data = bundle.read_bytes()
    pos = 0
    for _ in range(index):
        pos += 2 + int.from_bytes(data[pos : pos + 2], "big")
    end = pos + 2 + int.from_bytes(data[pos : pos + 2], "big")
    record = data[pos:end]
    assert old in record and len(old) == len(new)
    bundle.write_bytes(data[:pos] + record.replace(old, new) + data[end:])
    return bundle


@pytest.fixture
def altered(tmp_path: Path) -> tuple[Path, int]:
    arch, index = made_archive(tmp_path)
    _alter_record(arch, index, b'"who":"ana"', b'"who":"zed"')
    return arch, index


def test_show_refuses_an_altered_record_and_names_the_bundle(altered: tuple[Path, int]) -> None:
    arch, index = altered
    result = run("show", "--archive", arch, index)
    assert result.exit_code == 1
    assert BUNDLE in result.output and "zed" not in result.output


def test_a_neighbour_in_the_same_bundle_is_refused_too(altered: tuple[Path, int]) -> None:
    arch, _ = altered
    result = run("show", "--archive", arch, 0)
    assert result.exit_code == 1 and BUNDLE in result.output


def test_prove_and_export_write_nothing_for_an_altered_record(
    altered: tuple[Path, int], tmp_path: Path
) -> None:
    arch, index = altered
    receipt = tmp_path / "r.tlog-proof"
    proved = run("prove", "--archive", arch, index, "--out", receipt)
    assert proved.exit_code == 1 and BUNDLE in proved.output
    assert not receipt.exists()
    package = tmp_path / "pkg"
    exported = run("export", "--archive", arch, index, "--out", package)
    assert exported.exit_code == 1 and BUNDLE in exported.output
    assert not package.exists() and not list(tmp_path.glob("pkg*"))


def test_rebuild_does_not_replay_an_altered_record(altered: tuple[Path, int]) -> None:
    arch, _ = altered
    result = run("rebuild", "--archive", arch)
    assert result.exit_code == 1 and BUNDLE in result.output
    assert "Traceback" not in result.output


def test_log_check_blames_the_bundle_not_an_older_partial_or_the_tile(
    altered: tuple[Path, int],
) -> None:
    arch, index = altered
    result = run("log", "check", "--archive", arch, "--no-views")
    assert result.exit_code == 1
    assert f"{BUNDLE}: entry {index}" in result.output
    assert "000.p/3" not in result.output


def test_an_old_partial_bundle_altered_is_named_itself(tmp_path: Path) -> None:
    arch, _ = made_archive(tmp_path)
    old = arch / "log" / "tile/entries/000.p/3"
    data = bytearray(old.read_bytes())
    data[-2] ^= 1
    old.write_bytes(bytes(data))
    result = run("log", "check", "--archive", arch, "--no-views")
    assert result.exit_code == 1 and "tile/entries/000.p/3:" in result.output


def test_a_record_rewritten_with_its_tile_fails_on_the_signed_root(tmp_path: Path) -> None:
    arch, index = made_archive(tmp_path)
    bundle = _alter_record(arch, index, b'"who":"ana"', b'"who":"zed"')
    tile = arch / "log" / f"tile/0/000.p/{SIZE}"
    hashes = bytearray(tile.read_bytes())
    data, pos = bundle.read_bytes(), 0
    for i in range(SIZE):
        length = int.from_bytes(data[pos : pos + 2], "big")
        hashes[32 * i : 32 * i + 32] = leaf_hash(data[pos + 2 : pos + 2 + length])
        pos += 2 + length
    tile.write_bytes(bytes(hashes))
    result = run("show", "--archive", arch, index)
    assert result.exit_code == 1
    assert f"tile/0/000.p/{SIZE} or a tile above it" in result.output


def test_a_published_log_altered_after_it_was_checked_is_not_read(tmp_path: Path) -> None:
    arch, index = made_archive(tmp_path)
    published = tmp_path / "published"
    shutil.copytree(arch / "log", published)
    log = PublishedLog.open(published, vkey_of(arch))
    _alter_record(published.parent / "arch", index, b'"who":"ana"', b'"who":"zed"')
    (published / BUNDLE).write_bytes((arch / "log" / BUNDLE).read_bytes())
    with pytest.raises(VerificationError, match=BUNDLE):
        list(log.records())


def test_the_library_read_path_raises_integrity_error(altered: tuple[Path, int]) -> None:
    from erfurt.archive import Archive

    arch, index = altered
    with Archive.open(arch, catch_up=False) as archive:
        with pytest.raises(IntegrityError, match=BUNDLE):
            archive.record(index)
        with pytest.raises(IntegrityError, match=BUNDLE):
            list(archive.records())


def test_a_checkpoint_rolled_back_to_an_older_signed_one_is_noticed(tmp_path: Path) -> None:
    arch, index = made_archive(tmp_path)
    older = run("log", "checkpoint", "--archive", arch).stdout
    note = tmp_path / "note.txt"
    note.write_text("a later statement\n", encoding="utf-8")
    assert run("add", "--archive", arch, note).exit_code == 0
    (arch / "log" / "checkpoint").write_text(older, encoding="utf-8")
    result = run("show", "--archive", arch, index)
    assert result.exit_code == 1 and "rolled back" in result.output


def test_declarations_audit_does_not_count_an_edited_declaration(tmp_path: Path) -> None:
    arch = tmp_path / "arch"
    assert run("init", "--archive", arch, "--origin", "test.example/registry").exit_code == 0
    secret = tmp_path / "secret"
    declared = run(
        "declare", "--archive", arch, "--secret-file", secret, "--alias", "A",
        "--organisation", "Party",
    )  # fmt: skip
    assert declared.exit_code == 0, declared.output
    assert run("declarations", "audit", "--archive", arch).exit_code == 0
    bundle = arch / "log" / "tile/entries/000.p/2"
    data = bundle.read_bytes()
    channel = data[data.index(b'"channel":"') :].split(b",", 1)[0]
    forged = channel[:-2] + (b"X" if channel[-2:-1] != b"X" else b"Y") + b'"'
    bundle.write_bytes(data.replace(channel, forged))
    result = run("declarations", "audit", "--archive", arch)
    assert result.exit_code == 1 and "tile/entries/000.p/2" in result.output
