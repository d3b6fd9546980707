"""Issue 13: a batch holds its small blobs in memory and writes them only at its commit.

`StagedBlobs.put_stream` keeps a small file's bytes (up to `HELD_BLOB_BYTES`) instead of
creating a temp file for it while the batch is staged; `commit` writes them in parallel
threads (fsyncing each, or syncing their filesystem once for many), then stores them as
every other blob. Nothing about what is stored, or when it counts as stored, may change.
"""

from __future__ import annotations

import io
import os
import stat
import threading
import zipfile
from pathlib import Path

import pytest

from erfurt.archive import Archive
from erfurt.archive.blobs import HELD_BATCH_BYTES, HELD_BLOB_BYTES
from erfurt.errors import InputError
from erfurt.extractors import media_type_of_bytes, sniff_media_type
from erfurt.log import durable


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive.init(tmp_path / "a", origin="held.example/a", who="t")


def _temp_files(archive: Archive) -> list[Path]:
    return sorted(archive.paths.tmp.iterdir()) if archive.paths.tmp.exists() else []


def test_a_small_blob_is_held_until_commit_then_stored_read_only(archive: Archive) -> None:
    staged = archive.stage_blobs()
    ref = staged.put_stream(io.BytesIO("證人 a witness statement".encode()))
    assert staged.held(ref.sha256) == "證人 a witness statement".encode()
    assert _temp_files(archive) == []  # no file created while staging
    assert not archive.has_blob(ref.sha256)
    staged.commit()
    assert archive.read_blob(ref.sha256) == "證人 a witness statement".encode()
    assert stat.S_IMODE(archive.paths.blob(ref.sha256).stat().st_mode) == 0o444
    assert staged.held(ref.sha256) is None
    assert _temp_files(archive) == []


def test_a_large_blob_goes_to_a_temp_file_at_once(archive: Archive) -> None:
    staged = archive.stage_blobs()
    data = os.urandom(HELD_BLOB_BYTES + 1)
    ref = staged.put_stream(io.BytesIO(data))
    assert staged.held(ref.sha256) is None
    assert [p.read_bytes() for p in _temp_files(archive)] == [data]
    staged.commit()
    assert archive.read_blob(ref.sha256) == data


def test_a_batch_holds_no_more_than_its_bound(archive: Archive) -> None:
    staged = archive.stage_blobs()
    count = HELD_BATCH_BYTES // HELD_BLOB_BYTES + 2
    refs = [staged.put_stream(io.BytesIO(bytes([n]) * HELD_BLOB_BYTES)) for n in range(count)]
    held = [ref for ref in refs if staged.held(ref.sha256) is not None]
    assert len(held) == HELD_BATCH_BYTES // HELD_BLOB_BYTES
    assert len(_temp_files(archive)) == count - len(held)
    staged.commit()
    assert all(archive.check_blob(ref.sha256) == HELD_BLOB_BYTES for ref in refs)


def test_the_size_limit_holds_for_small_streams(archive: Archive) -> None:
    staged = archive.stage_blobs()
    with pytest.raises(InputError, match="larger than the 10-byte limit"):
        staged.put_stream(io.BytesIO(b"eleven byte"), limit=10)
    assert len(staged) == 0
    assert staged.put_stream(io.BytesIO(b"ten bytes!"), limit=10).size == 10


def test_a_discarded_batch_leaves_nothing(archive: Archive) -> None:
    staged = archive.stage_blobs()
    small = staged.put_stream(io.BytesIO(b"held, then abandoned"))
    staged.put_stream(io.BytesIO(os.urandom(HELD_BLOB_BYTES + 1)))
    staged.discard()
    assert staged.commit() == {}
    assert not archive.has_blob(small.sha256)
    assert _temp_files(archive) == []


def test_a_leftover_temp_file_of_the_same_name_is_not_overwritten(archive: Archive) -> None:
    """A crashed process of the same id may have left a temp file of the name a held blob
    would take: the blob is written under another name, and the leftover stays as it was."""
    staged = archive.stage_blobs()
    ref = staged.put_stream(io.BytesIO(b"a note"))
    archive.paths.tmp.mkdir(parents=True, exist_ok=True)
    leftover = archive.paths.tmp / f"blob-{os.getpid()}-{id(staged):x}-{ref.sha256[:16]}"
    leftover.write_bytes(b"left by a crash")
    staged.commit()
    assert archive.read_blob(ref.sha256) == b"a note"
    assert leftover.read_bytes() == b"left by a crash"


def test_a_held_blob_asked_for_by_path_is_written_to_its_temp_file(archive: Archive) -> None:
    staged = archive.stage_blobs()
    ref = staged.put_stream(io.BytesIO(b"read by path"))
    temp = staged.path(ref.sha256)
    assert temp.read_bytes() == b"read by path"
    assert stat.S_IMODE(temp.stat().st_mode) == 0o600  # owner-only until stored
    assert staged.held(ref.sha256) is None
    staged.commit()
    assert archive.read_blob(ref.sha256) == b"read by path"
    assert _temp_files(archive) == []


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as docx:
        docx.writestr("[Content_Types].xml", "<Types/>")
        docx.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"plain words\n",
        "證人".encode(),
        b"%PDF-1.7\n",
        b"From: a@example.org\nTo: b@example.org\n\nhello",
        b"<!doctype html><p>page</p>",
        b"\x00\x01binary",
        _docx(),
        b"PK\x03\x04 not really a zip",
    ],
)
def test_media_type_of_bytes_is_that_of_the_same_bytes_in_a_file(
    data: bytes, tmp_path: Path
) -> None:
    path = tmp_path / "file"
    path.write_bytes(data)
    assert media_type_of_bytes(data) == sniff_media_type(path)


def test_making_a_blob_folder_notes_every_folder_whose_entries_changed(tmp_path: Path) -> None:
    """Each new folder's parent must be fsync'd, or a crash could lose the folder and
    every blob under it that the log already names."""
    from erfurt.archive.blobs import _make_dirs

    blobs = tmp_path / "blobs"
    blobs.mkdir()
    changed: set[str] = set()
    _make_dirs(f"{blobs}/ab/cd", changed)
    assert (blobs / "ab" / "cd").is_dir()
    assert changed == {str(blobs), f"{blobs}/ab"}
    changed.clear()
    _make_dirs(f"{blobs}/ab/cd", changed)  # there already: nothing changed
    assert changed == set()
    _make_dirs(f"{blobs}/ab/ef", changed)  # a sibling: only its parent changed
    assert changed == {f"{blobs}/ab"}


def _blobs_in_place(archive: Archive) -> int:
    return sum(1 for path in (archive.paths.root / "blobs").rglob("*") if path.is_file())


def test_a_batch_of_many_blobs_is_made_durable_before_any_is_in_place(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many blobs: no fsync each, but one sync of the filesystem when their bytes are
    written, before any is renamed into place (a crash between the two must not leave a
    blob whose file holds less than its name says), and one after the renames."""
    real = durable._syncfs
    assert real is not None, "the archive's machines run Linux, which has syncfs"
    in_place_at_sync: list[int] = []

    def syncfs(fd: int) -> int:
        in_place_at_sync.append(_blobs_in_place(archive))
        return real(fd)

    fsyncs: list[int] = []
    monkeypatch.setattr(durable, "_syncfs", syncfs)
    monkeypatch.setattr(os, "fsync", lambda fd: fsyncs.append(fd))
    # With nothing to wait for, the temp files are written where the batch is committed:
    # threads would only contend for the folder as they create files in it.
    writers: set[str] = set()
    real_open = os.open

    def open_noting_thread(path: str, *args: int) -> int:
        if os.path.basename(path).startswith("blob-"):
            writers.add(threading.current_thread().name)
        return real_open(path, *args)

    monkeypatch.setattr(os, "open", open_noting_thread)
    staged = archive.stage_blobs()
    before = _blobs_in_place(archive)
    refs = [staged.put_stream(io.BytesIO(f"note {n}".encode())) for n in range(100)]
    staged.commit()
    assert in_place_at_sync == [before, before + 100]
    assert fsyncs == []
    assert writers == {threading.current_thread().name}
    assert all(archive.read_blob(ref.sha256) == f"note {n}".encode() for n, ref in enumerate(refs))
    assert _temp_files(archive) == []


def test_without_syncfs_each_blob_of_a_batch_is_fsynced_as_it_is_written(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(durable, "_syncfs", None)
    fsyncs: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (fsyncs.append(fd), real(fd))[1])
    staged = archive.stage_blobs()
    refs = [staged.put_stream(io.BytesIO(f"note {n}".encode())) for n in range(100)]
    staged.commit()
    assert len(fsyncs) >= 100 + 1  # each file, and at least the folders they went into
    assert all(archive.check_blob(ref.sha256) for ref in refs)
