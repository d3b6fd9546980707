"""Fsyncs of many paths at once, in the process's I/O threads, or one sync of their
filesystem."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from erfurt.log import IO_THREADS, durable, fsync_paths, make_durable, syncs_filesystem
from erfurt.log.durable import SYNC_FILESYSTEM_FROM, sync_filesystem


def _paths(tmp_path: Path, count: int) -> list[Path]:
    paths = []
    for n in range(count):
        folder = tmp_path / f"f{n % 5}"
        folder.mkdir(exist_ok=True)
        (folder / f"{n}.bin").write_bytes(b"x" * n)
        paths += [folder / f"{n}.bin", folder]
    return paths


@pytest.mark.parametrize("count", [0, 1, IO_THREADS - 1, 5 * IO_THREADS + 3])
def test_files_and_folders_of_any_number_are_synced(tmp_path: Path, count: int) -> None:
    paths = _paths(tmp_path, count)
    fsync_paths(iter(paths))  # any iterable, files and folders mixed


def test_a_path_that_cannot_be_opened_is_an_error_named_for_it(tmp_path: Path) -> None:
    paths = _paths(tmp_path, 3 * IO_THREADS)
    missing = tmp_path / "gone.bin"
    with pytest.raises(FileNotFoundError) as caught:
        fsync_paths([*paths[:7], missing, *paths[7:]])
    assert caught.value.filename == str(missing)
    with pytest.raises(FileNotFoundError):
        fsync_paths([missing])


class _Calls:
    """Counts the calls of a function it passes on to (the real one runs)."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        self.count = 0

    def __call__(self, *args: Any) -> Any:
        self.count += 1
        return self.function(*args)


@pytest.fixture
def syncfs_calls(monkeypatch: pytest.MonkeyPatch) -> _Calls:
    if durable._syncfs is None:
        pytest.fail(f"no syncfs on {sys.platform}: the archive's machines run Linux")
    calls = _Calls(durable._syncfs)
    monkeypatch.setattr(durable, "_syncfs", calls)
    return calls


@pytest.fixture
def fsync_calls(monkeypatch: pytest.MonkeyPatch) -> _Calls:
    calls = _Calls(os.fsync)
    monkeypatch.setattr(durable.os, "fsync", calls)
    return calls


def test_many_paths_are_made_durable_by_one_sync_of_their_filesystem(
    tmp_path: Path, syncfs_calls: _Calls, fsync_calls: _Calls
) -> None:
    paths = _paths(tmp_path, SYNC_FILESYSTEM_FROM)
    make_durable(paths, tmp_path)
    assert (syncfs_calls.count, fsync_calls.count) == (1, 0)


def test_a_few_paths_are_each_fsynced_not_the_whole_filesystem(
    tmp_path: Path, syncfs_calls: _Calls, fsync_calls: _Calls
) -> None:
    paths = _paths(tmp_path, 3)  # three files and their folders
    make_durable(paths, tmp_path)
    assert (syncfs_calls.count, fsync_calls.count) == (0, 6)


def test_without_syncfs_every_path_is_fsynced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fsync_calls: _Calls
) -> None:
    monkeypatch.setattr(durable, "_syncfs", None)
    paths = _paths(tmp_path, SYNC_FILESYSTEM_FROM)
    assert not syncs_filesystem(len(paths))
    make_durable(paths, tmp_path)
    assert fsync_calls.count == len(paths)
    with pytest.raises(OSError, match="cannot sync a whole filesystem"):
        sync_filesystem(tmp_path)


def test_syncing_the_filesystem_of_a_missing_folder_is_an_error_named_for_it(
    tmp_path: Path,
) -> None:
    with pytest.raises(FileNotFoundError) as caught:
        sync_filesystem(tmp_path / "gone")
    assert caught.value.filename == str(tmp_path / "gone")


def test_the_bytes_waiting_to_be_written_are_read_from_the_system() -> None:
    dirty = durable._dirty_bytes()
    assert dirty is not None and dirty >= 0


def test_while_much_else_waits_to_be_written_each_path_is_fsynced(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    syncfs_calls: _Calls,
    fsync_calls: _Calls,
) -> None:
    """A large copy to the same disk would make a sync of the filesystem wait for it."""
    paths = _paths(tmp_path, SYNC_FILESYSTEM_FROM)
    monkeypatch.setattr(durable, "_dirty_bytes", lambda: durable.SYNC_FILESYSTEM_DIRTY_LIMIT + 1)
    assert not syncs_filesystem(len(paths))
    make_durable(paths, tmp_path)
    assert (syncfs_calls.count, fsync_calls.count) == (0, len(paths))
    monkeypatch.setattr(durable, "_dirty_bytes", lambda: None)  # not Linux's /proc
    assert not syncs_filesystem(len(paths))
