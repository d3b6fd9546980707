"""Issue 8, smaller defects: a new ``blobs/ab`` folder's entry is made durable."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from erfurt.archive import Archive


def test_every_new_blob_folder_is_fsynced_into_its_parent(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[Path] = []
    real_fsync: Callable[[int], None] = os.fsync

    def recording_fsync(fd: int) -> None:  # the real fsync, noting which file it was for
        synced.append(Path(os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    ref = archive.put_bytes(b"a blob in folders that do not exist yet")
    blob = archive.blob_path(ref.sha256)
    # blobs/ab/cd/<sha>: each new folder's entry lives in its parent, which must be fsync'd.
    for folder in (blob.parent, blob.parent.parent, blob.parent.parent.parent):
        assert folder.resolve() in synced, folder
