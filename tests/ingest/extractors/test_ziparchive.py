from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from erfurt.extractors import ExtractOptions, extract_file, sniff_media_type
from ingest_samples import hostile_zips, zip_file


def test_zip_members_become_children(tmp_path: Path, options: ExtractOptions) -> None:
    path = zip_file(tmp_path / "a.zip", {"notes/a.txt": b"alpha", "b.html": b"<html>b</html>"})
    result = extract_file(path, path.name, options)
    assert result.ok and result.extractor == "zip"
    assert {(c.name, c.data) for c in result.children} == {
        ("notes/a.txt", b"alpha"),
        ("b.html", b"<html>b</html>"),
    }
    assert "notes/a.txt" in result.text


def test_members_that_escape_the_folder_are_kept_under_a_safe_name(
    tmp_path: Path, options: ExtractOptions
) -> None:
    path = zip_file(
        tmp_path / "evil.zip",
        {"../../etc/passwd": b"x", "/abs.txt": b"y", "C:\\win.ini": b"z", "ok.txt": b"fine"},
    )
    result = extract_file(path, path.name, options)
    assert result.ok
    kept = {c.name: (c.data, dict(c.name_fields)) for c in result.children}
    assert kept == {
        "etc/passwd": (b"x", {"unsafe_name": "../../etc/passwd"}),
        "abs.txt": (b"y", {"unsafe_name": "/abs.txt"}),
        "win.ini": (b"z", {"unsafe_name": "C:\\win.ini"}),
        "ok.txt": (b"fine", {}),
    }


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("zeros.bin", "w") as member,
    ):
        for _ in range(40):
            member.write(bytes(1024 * 1024))
    assert path.stat().st_size < 100_000
    # The ratio gives a 100 KB file the 16 MiB floor; the byte limit can be lower still.
    by_ratio = extract_file(path, path.name, ExtractOptions(expand_max_ratio=100))
    assert not by_ratio.ok and "more than the 16777216 bytes" in by_ratio.failure
    by_size = extract_file(path, path.name, ExtractOptions(expand_max_bytes=8 * 1024 * 1024))
    assert not by_size.ok and "more than the 8388608 bytes" in by_size.failure
    assert "expand" in by_size.hint


def test_too_many_members_is_refused(tmp_path: Path) -> None:
    path = zip_file(tmp_path / "many.zip", {f"{n}.txt": b"x" for n in range(20)})
    result = extract_file(path, path.name, ExtractOptions(expand_max_members=10))
    assert not result.ok and "20 members" in result.failure
    assert [c.name for c in result.children] == [f"{n}.txt" for n in range(10)]


def test_corrupt_zip_fails_with_a_reason(tmp_path: Path, options: ExtractOptions) -> None:
    whole = zip_file(tmp_path / "w.zip", {"a.txt": b"alpha" * 1000}).read_bytes()
    path = tmp_path / "cut.zip"
    path.write_bytes(whole[: len(whole) // 2])
    result = extract_file(path, path.name, options)
    assert not result.ok and result.failure


@pytest.mark.parametrize("kind", sorted(hostile_zips()))
def test_a_zip_the_standard_library_chokes_on_fails_with_a_reason(
    tmp_path: Path, options: ExtractOptions, kind: str
) -> None:
    path = tmp_path / "blob"  # as the pipeline hands it: a blob without its name
    path.write_bytes(hostile_zips()[kind])
    assert sniff_media_type(path) == "application/zip"
    result = extract_file(path, "evidence.zip", options)
    assert not result.ok and result.failure.startswith("not a readable zip: ")
