"""Fsyncs of many paths at once, in the process's I/O threads."""

from __future__ import annotations

from pathlib import Path

import pytest

from erfurt.log import IO_THREADS, fsync_paths


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
