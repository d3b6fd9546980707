"""Issue 13: files are preserved and logged in batches (group commit), each acknowledged
only once its blobs and records are durable, with failures reported in their place."""

from __future__ import annotations

import os
from pathlib import Path

from erfurt.archive import Archive
from erfurt.ingest import Added, BatchLimits, Outcome, add_paths
from erfurt.ingest.groupcommit import GroupCommit


def _folder(root: Path, count: int) -> Path:
    folder = root / "notes"
    folder.mkdir()
    for n in range(count):
        (folder / f"{n:03d}.txt").write_text(f"witness statement {n}\n", encoding="utf-8")
    return folder


def test_each_file_is_in_the_signed_log_when_reported_and_batches_keep_coming(
    archive: Archive, tmp_path: Path
) -> None:
    folder = _folder(tmp_path, 10)
    sizes_when_told: list[int] = []

    def told(result: Added) -> None:
        # A fresh reader sees only what the signed checkpoint on disk covers.
        with Archive.open(archive.paths.root, catch_up=False) as reader:
            assert result.record is not None and result.record < reader.size
            assert reader.record(result.record)["blob"] == result.sha256
            assert reader.has_blob(result.sha256 or "")
            sizes_when_told.append(reader.size)

    report = add_paths(archive, [folder], who="t", on_file=told, limits=BatchLimits(files=4))
    assert report.count(Outcome.ADDED) == 10
    # Three batches (4 + 4 + 2): one append each, reported as each becomes durable.
    first = archive.size - 10
    assert sizes_when_told == [first + 4] * 4 + [first + 8] * 4 + [first + 10] * 2


def test_a_failed_or_refused_file_does_not_sink_its_batch(archive: Archive, tmp_path: Path) -> None:
    folder = _folder(tmp_path, 4)
    os.mkfifo(folder / "001b-pipe")  # refused: not a regular file
    (folder / "002b-key").write_bytes(archive.paths.signing_key.read_bytes())  # refused
    (folder / "003b-link").symlink_to(folder / "000.txt")  # skipped: a link in a folder
    report = add_paths(archive, [folder], who="t")
    outcomes = [(Path(f.path).name, f.outcome) for f in report.files]
    assert outcomes == [
        ("000.txt", Outcome.ADDED),
        ("001.txt", Outcome.ADDED),
        ("001b-pipe", Outcome.SKIPPED),
        ("002.txt", Outcome.ADDED),
        ("002b-key", Outcome.SKIPPED),
        ("003.txt", Outcome.ADDED),
        ("003b-link", Outcome.SKIPPED),
    ]
    logged = [archive.record(f.record)["name"] for f in report.files if f.record is not None]
    assert logged == ["000.txt", "001.txt", "002.txt", "003.txt"]
    assert not list(archive.paths.tmp.iterdir())  # no temp file left behind


def test_repeats_inside_one_batch_are_logged_once(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"same bytes")
    (folder / "b.txt").write_bytes(b"same bytes")
    report = add_paths(archive, [folder, folder / "a.txt", folder], who="t")
    outcomes = [(f.path.rsplit("/", 1)[-1], f.outcome) for f in report.files]
    assert outcomes == [
        ("a.txt", Outcome.ADDED),
        ("b.txt", Outcome.SIGHTED),  # the same blob under another name
        ("a.txt", Outcome.PRESENT),  # given again: logged by the same batch
        ("a.txt", Outcome.PRESENT),
        ("b.txt", Outcome.PRESENT),
    ]
    first, second = report.files[0].record, report.files[1].record
    assert [f.record for f in report.files] == [first, second, first, first, second]
    kinds = [r.kind for _, r in archive.records(start=archive.size - 2)]
    assert kinds == ["document.added", "document.added"]


def test_a_staged_blob_is_in_the_store_only_once_committed(archive: Archive) -> None:
    staged = archive.stage_blobs()
    dropped = staged.put_bytes(b"abandoned with its batch")
    assert not archive.has_blob(dropped.sha256)
    assert staged.path(dropped.sha256).read_bytes() == b"abandoned with its batch"
    staged.discard()
    assert not archive.has_blob(dropped.sha256)
    assert not list(archive.paths.tmp.iterdir())
    staged = archive.stage_blobs()
    kept = staged.put_bytes(b"committed with its batch")
    staged.commit()
    assert archive.read_blob(kept.sha256) == b"committed with its batch"
    assert not list(archive.paths.tmp.iterdir())


def test_a_batch_is_due_by_files_bytes_or_age() -> None:
    now = [0.0]
    policy = GroupCommit(BatchLimits(files=3, bytes=100, seconds=0.5), clock=lambda: now[0])
    assert not policy.due()  # an empty batch is never due, however old
    policy.add(10)
    policy.add(10)
    assert not policy.due()
    policy.add(10)
    assert policy.due()  # three files
    with policy.committing():
        pass
    policy.add(100)
    assert policy.due()  # 100 bytes
    with policy.committing():
        pass
    now[0] = 10.0
    policy.add(1)
    assert not policy.due()
    now[0] = 10.5
    assert policy.due()  # its first file has waited 0.5 s


def test_a_batch_waits_longer_after_a_slow_commit() -> None:
    # On a loaded machine a commit takes long; a batch closed after a fixed 0.5 s would
    # then hold few files and the commits' fixed costs would take most of the time.
    now = [0.0]
    policy = GroupCommit(BatchLimits(files=1000, seconds=0.5), clock=lambda: now[0])
    policy.add(1)
    now[0] = 0.5
    assert policy.due()
    with policy.committing():
        now[0] = 1.5  # the commit took 1 s
    assert policy.files == 0
    policy.add(1)
    now[0] = 5.4
    assert not policy.due()  # waited 3.9 s: less than 4 times the last commit
    now[0] = 5.5
    assert policy.due()
    with policy.committing():
        pass  # a quick commit: the floor of 0.5 s applies again
    policy.add(1)
    now[0] = 6.0
    assert policy.due()
