from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from erfurt.archive import Archive, Record, verify_receipt
from erfurt.errors import ConfigError, InputError, IntegrityError, VerificationError
from erfurt.ingest import DocumentsView
from erfurt.log import EMPTY_ROOT, Checkpoint, LogWriter, Signer, sign_note
from view_snapshot import views_snapshot


def _added(archive: Archive, data: bytes, name: str) -> Record:
    blob = archive.put_bytes(data)
    return Record(
        "document.added",
        {
            "blob": blob.sha256,
            "size": blob.size,
            "name": name,
            "media_type": "text/plain",
            "collection": "c",
            "time": archive.now(),
            "who": "tester",
        },
    )


def test_init_logs_its_creation_and_keeps_the_key_private(archive: Archive) -> None:
    assert archive.size == 1
    assert archive.record(0).kind == "archive.created"
    assert archive.paths.signing_key.stat().st_mode & 0o777 == 0o600
    assert archive.paths.private.stat().st_mode & 0o777 == 0o700
    published = {p.relative_to(archive.paths.log).parts[0] for p in archive.paths.log.rglob("*")}
    assert published == {"checkpoint", "tile"}, "log/ must be publishable exactly as it is"


def test_init_refuses_an_existing_archive(archive: Archive, archive_path: Path) -> None:
    with pytest.raises(ConfigError, match="already an Erfurt archive"):
        Archive.init(archive_path, who="x")


def test_init_refuses_a_bad_origin(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="origin"):
        Archive.init(tmp_path / "a", origin="has space", who="x")


def test_open_refuses_a_folder_that_is_not_an_archive(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not an Erfurt archive"):
        Archive.open(tmp_path)


def test_append_returns_indexes_and_records_read_back(archive: Archive) -> None:
    records = [_added(archive, b"one", "1.txt"), _added(archive, b"two", "2.txt")]
    assert archive.append(records) == [1, 2]
    assert [r.to_bytes() for _, r in archive.records(1)] == [r.to_bytes() for r in records]
    assert [i for i, _ in archive.records(kinds={"archive.created"})] == [0]


def test_record_out_of_range_is_a_clear_error(archive: Archive) -> None:
    with pytest.raises(InputError, match="no record 5"):
        archive.record(5)


def test_receipt_verifies_and_binds_the_record(archive: Archive) -> None:
    [index] = archive.append([_added(archive, b"evidence", "e.txt")])
    receipt = archive.prove(index)
    check = verify_receipt(receipt, archive.verifier)
    assert check.index == index and check.record["name"] == "e.txt"
    forged = receipt.replace(b"index 1", b"index 0")
    with pytest.raises(VerificationError):
        verify_receipt(forged, archive.verifier)


def test_a_stray_file_among_the_kept_checkpoints_does_not_stop_a_receipt(
    archive: Archive, archive_path: Path
) -> None:
    # "²" is a digit to str.isdigit, and int() refused it: every receipt failed.
    [index] = archive.append([_added(archive, b"evidence", "e.txt")])
    kept = archive_path / "log" / "checkpoints"
    kept.mkdir(exist_ok=True)
    for name in ("\u00b2", "\u0663", "notes.txt"):
        (kept / name).write_bytes(b"not a checkpoint")
    assert verify_receipt(archive.prove(index), archive.verifier).index == index


def test_views_catch_up_after_a_crash_between_append_and_apply(
    archive: Archive, archive_path: Path
) -> None:
    archive.append([_added(archive, b"kept", "k.txt")])
    before = views_snapshot(archive.paths.views_db)
    # Simulate a crash after the log append but before the views applied it.
    with sqlite3.connect(archive.paths.views_db) as db:
        db.execute("DELETE FROM documents")
        db.execute("UPDATE view_state SET next_index = 1")
    archive.close()
    with Archive.open(archive_path, views=[DocumentsView()]) as reopened:
        assert views_snapshot(reopened.paths.views_db) == before


def test_rebuild_reproduces_every_view(archive: Archive) -> None:
    archive.append([_added(archive, b"a", "a.txt"), _added(archive, b"b", "b.txt")])
    archive.append([_added(archive, b"a", "again.txt")])
    before = views_snapshot(archive.paths.views_db)
    assert len(before["documents"]) == 3
    archive.rebuild()
    assert views_snapshot(archive.paths.views_db) == before


def test_custody_chain_lists_every_record_citing_the_blob(archive: Archive) -> None:
    first, _, third = archive.append(
        [
            _added(archive, b"same", "a.txt"),
            _added(archive, b"other", "b.txt"),
            _added(archive, b"same", "c.txt"),
        ]
    )
    assert [i for i, _ in archive.custody(third)] == [first, third]


def test_a_changed_blob_is_caught(archive: Archive) -> None:
    record = _added(archive, b"original bytes", "o.txt")
    archive.append([record])
    path = archive.blob_path(record["blob"])
    path.chmod(0o644)
    path.write_bytes(b"forged bytes!!")
    with pytest.raises(IntegrityError, match="altered"):
        archive.read_blob(record["blob"])


@pytest.mark.parametrize("replacement", ["deleted", "a folder"])
def test_a_blob_gone_from_its_place_is_missing_not_a_crash(
    archive: Archive, replacement: str
) -> None:
    record = _added(archive, b"original bytes", "o.txt")
    archive.append([record])
    path = archive.blob_path(record["blob"])
    path.unlink()
    if replacement == "a folder":
        path.mkdir()
    with pytest.raises(IntegrityError, match="missing"):
        archive.read_blob(record["blob"])


def test_consistency_with_an_older_checkpoint(archive: Archive) -> None:
    old = archive.checkpoint_note()
    archive.append([_added(archive, b"later", "l.txt")])
    result = archive.prove_consistency(old)
    assert (result.old.tree_size, result.new.tree_size) == (1, 2)


def test_consistency_refuses_a_checkpoint_of_another_log(archive: Archive, tmp_path: Path) -> None:
    with Archive.init(tmp_path / "other", origin="test.example/archive", who="x") as other:
        foreign = other.checkpoint_note()
    with pytest.raises(VerificationError):
        archive.prove_consistency(foreign)


def test_two_open_archives_take_turns_and_each_views_every_record(
    archive: Archive, archive_path: Path
) -> None:
    archive.append([_added(archive, b"first", "f.txt")])
    with Archive.open(archive_path, views=[DocumentsView()]) as second:
        [index] = second.append([_added(second, b"second", "s.txt")])
    [last] = archive.append([_added(archive, b"third", "t.txt")])
    with archive.read_views() as db:  # the first caught up with the second's record
        names = [row[0] for row in db.execute("SELECT name FROM documents ORDER BY record")]
    assert names == ["f.txt", "s.txt", "t.txt"] and last == index + 1


def test_a_writer_that_waits_too_long_is_told_to_try_later(
    archive: Archive, archive_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = archive.paths.config
    config.write_text(config.read_text().replace("lock_wait = 120", "lock_wait = 0"))
    signer = Signer.from_skey(archive.paths.signing_key.read_text().strip())
    holder = LogWriter.open(archive.paths.log, signer, state=archive.paths.log_state)
    try:
        with Archive.open(archive_path) as second, pytest.raises(ConfigError, match="lock_wait"):
            second.append([_added(second, b"second", "s.txt")])
    finally:
        holder.close()


def test_every_log_extends_the_empty_checkpoint(archive: Archive) -> None:
    # A size-0 checkpoint signed by this log's key, as someone could have kept it.
    signer = Signer.from_skey(archive.paths.signing_key.read_text().strip())
    empty = sign_note(Checkpoint(archive.config.origin, 0, EMPTY_ROOT).to_text(), [signer])
    result = archive.prove_consistency(empty)
    assert (result.old.tree_size, result.proof) == (0, ())
