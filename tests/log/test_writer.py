"""The writer: one at a time, strict input, reopen and recovery."""

from __future__ import annotations

from pathlib import Path

import pytest

from erfurt.log import (
    LogError,
    LogLockedError,
    LogReader,
    LogWriter,
    SignatureError,
    Signer,
    check_log,
)
from erfurt.log.tiles import bundle_path, tile_path
from erfurt.log.writer import _pending_list

from .conftest import ORIGIN


def test_a_second_writer_is_locked_out(tmp_path: Path, signer: Signer) -> None:
    with (
        LogWriter.open(tmp_path / "log", signer, ORIGIN),
        pytest.raises(LogLockedError, match=r"\.state/lock: another writer"),
    ):
        LogWriter.open(tmp_path / "log", signer)
    with LogWriter.open(tmp_path / "log", signer) as writer:
        assert writer.tree_size == 0


def test_create_needs_an_origin_matching_the_key(tmp_path: Path, signer: Signer) -> None:
    with pytest.raises(LogError, match="give an origin"):
        LogWriter.open(tmp_path / "a", signer)
    with pytest.raises(LogError, match="must equal the signing key's name"):
        LogWriter.open(tmp_path / "b", signer, origin="other.example")


def test_reopen_continues_and_checks_key_and_origin(tmp_path: Path, signer: Signer) -> None:
    directory = tmp_path / "log"
    with LogWriter.open(directory, signer, ORIGIN) as writer:
        assert writer.append([b"a", b"b"]) == 0
        assert writer.append([]) == 2
    with LogWriter.open(directory, signer, ORIGIN) as writer:
        assert writer.append([b"c"] * 300) == 2
        assert writer.tree_size == 302
        note = writer.checkpoint
    assert LogReader(directory).checkpoint_note() == note
    assert list(LogReader(directory).entries(0, 4, 302)) == [b"a", b"b", b"c", b"c"]
    with pytest.raises(LogError, match=r"expected 'other\.example'"):
        LogWriter.open(directory, signer, "other.example")
    with pytest.raises(SignatureError, match="checkpoint: note: not signed by any trusted key"):
        LogWriter.open(directory, Signer.generate(ORIGIN))
    assert check_log(directory, signer.verifier).tree_size == 302


def test_bad_entries_are_refused_before_anything_is_written(tmp_path: Path, signer: Signer):
    directory = tmp_path / "log"
    with LogWriter.open(directory, signer, ORIGIN) as writer:
        writer.append([b"ok"])
        before = sorted(directory.rglob("*"))
        with pytest.raises(LogError, match="entry 1 of the batch is 65536 bytes"):
            writer.append([b"x", b"y" * 65536])
        with pytest.raises(LogError, match="entry 0 of the batch is str"):
            writer.append(["text"])  # type: ignore[list-item]
        assert sorted(directory.rglob("*")) == before
        assert writer.append([b"z" * 65535]) == 1
    writer.close()
    with pytest.raises(LogError, match="closed"):
        writer.append([b"late"])


def test_recovery_removes_what_an_unfinished_append_wrote(tmp_path: Path, signer: Signer):
    directory = tmp_path / "log"
    with LogWriter.open(directory, signer, ORIGIN) as writer:
        writer.append([b"e%d" % i for i in range(250)])
    # What a writer killed between renaming its files and signing leaves behind:
    stray = [tile_path(0, 0), bundle_path(0), tile_path(0, 1, 4), tile_path(1, 0, 1)]
    for rel in stray:
        (directory / rel).parent.mkdir(parents=True, exist_ok=True)
        (directory / rel).write_bytes(b"junk")
    (directory / ".state/pending").write_bytes(_pending_list(260, stray))
    (directory / ".state/tmp/7.tmp").write_bytes(b"half a tile")
    with LogWriter.open(directory, signer) as writer:
        assert writer.tree_size == 250
        assert not any((directory / rel).exists() for rel in stray)
        assert not any((directory / ".state/tmp").iterdir())
        writer.append([b"e%d" % i for i in range(250, 600)])
    assert check_log(directory, signer.verifier).tree_size == 600
    assert LogReader(directory).entry(255, 600) == b"e255"


def test_a_pending_file_of_a_finished_append_is_ignored(tmp_path: Path, signer: Signer):
    directory = tmp_path / "log"
    with LogWriter.open(directory, signer, ORIGIN) as writer:
        writer.append([b"e"] * 10)
    (directory / ".state/pending").write_bytes(_pending_list(10, [tile_path(0, 0, 10)]))
    with LogWriter.open(directory, signer) as writer:
        assert writer.tree_size == 10
    assert check_log(directory, signer.verifier).tree_size == 10


def test_a_torn_pending_list_is_ignored(tmp_path: Path, signer: Signer) -> None:
    directory = tmp_path / "log"
    with LogWriter.open(directory, signer, ORIGIN) as writer:
        writer.append([b"e"] * 10)
    # Cut inside a path: without the checksum this would name the checkpoint's own tile.
    torn = _pending_list(20, [tile_path(0, 0, 10) + "0"])
    (directory / ".state/pending").write_bytes(torn[: torn.index(b".p/10") + 5] + b"\n")
    with LogWriter.open(directory, signer) as writer:
        assert writer.tree_size == 10
    assert (directory / tile_path(0, 0, 10)).exists()
    assert check_log(directory, signer.verifier).tree_size == 10


def test_damage_at_the_right_edge_is_refused_on_open(tmp_path: Path, signer: Signer) -> None:
    directory = tmp_path / "log"
    with LogWriter.open(directory, signer, ORIGIN) as writer:
        writer.append([b"e%d" % i for i in range(10)])
    (directory / bundle_path(0, 10)).write_bytes((directory / bundle_path(0, 10)).read_bytes()[:-1])
    with pytest.raises(LogError, match=r"tile/entries/000\.p/10"):
        LogWriter.open(directory, signer)
    # The failed open released the lock.
    (directory / bundle_path(0, 10)).unlink()
    with pytest.raises(LogError, match=r"tile/entries/000\.p/10: missing"):
        LogWriter.open(directory, signer)


def test_state_outside_the_directory_leaves_a_publishable_log(tmp_path: Path) -> None:
    signer = Signer.generate("example.org/published")
    log_dir, state = tmp_path / "log", tmp_path / "private" / "state"
    with LogWriter.open(log_dir, signer, "example.org/published", state=state) as writer:
        writer.append([b"one", b"two"])
    assert {p.name for p in log_dir.iterdir()} == {"checkpoint", "tile"}
    assert (state / "lock").exists()
    with LogWriter.open(log_dir, signer, state=state) as writer:
        assert writer.tree_size == 2
