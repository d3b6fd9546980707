"""Issue 8 item 9: one expansion budget per added file, across every nesting level."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from input_archive import documents

from erfurt.archive import Archive
from erfurt.extractors import extract_file
from erfurt.ingest import ExtractOptions, add_paths, extract_pending, failures

MiB = 1024 * 1024


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _run(archive: Archive, folder: Path, options: ExtractOptions) -> None:
    add_paths(archive, [folder], who="t")
    extract_pending(archive, options, who="t", workers=1)


def _stored_bytes(archive: Archive) -> int:
    return sum(p.stat().st_size for p in archive.paths.blobs.rglob("*") if p.is_file())


def test_nested_zips_share_one_byte_budget(archive: Archive, tmp_path: Path) -> None:
    # Three levels of three zips each, 27 different leaves of 1 MiB, from a file of 40 KB.
    def tree(depth: int, path: str) -> bytes:
        if depth == 0:
            return _zip({"zeros.bin": bytes(MiB) + path.encode()})
        return _zip({f"{n}.zip": tree(depth - 1, f"{path}/{n}") for n in range(3)})

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "nested.zip").write_bytes(tree(3, ""))
    options = ExtractOptions(time_limit_s=120, expand_max_bytes=5 * MiB)
    _run(archive, folder, options)
    assert _stored_bytes(archive) < 7 * MiB
    with archive.read_views() as db:
        reasons = [f.reason for f in failures(db)]
    assert any("expands" in r and "within the limit are kept" in r for r in reasons), reasons
    kept = [n for n in documents(archive) if n.endswith("zeros.bin")]
    assert len(kept) >= 1  # what fitted is kept


def test_a_zip_of_many_members_stops_at_the_member_cap(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "many.zip").write_bytes(_zip({f"{n:05}.txt": b"x%d" % n for n in range(300)}))
    options = ExtractOptions(time_limit_s=120, expand_max_members=25)
    _run(archive, folder, options)
    names = documents(archive)
    assert len(names) == 1 + 25
    with archive.read_views() as db:
        [failure] = failures(db)
    assert failure.name == "many.zip" and "300 members" in failure.reason
    assert "extract_expand" in failure.hint
    # Bounded log: the zip, 25 members, their texts, the zip's failure (and archive.created).
    assert archive.size <= 2 + 2 * 25 + 1


def test_members_of_sibling_containers_share_the_cap(archive: Archive, tmp_path: Path) -> None:
    inner = _zip({f"{n}.txt": b"y%d" % n for n in range(10)})
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "outer.zip").write_bytes(
        _zip({f"inner-{n}.zip": inner + bytes([n]) for n in range(5)})
    )
    options = ExtractOptions(time_limit_s=120, expand_max_members=20)
    _run(archive, folder, options)
    assert len(documents(archive)) == 1 + 20


def test_containers_deeper_than_the_depth_limit_are_not_unpacked(
    archive: Archive, tmp_path: Path
) -> None:
    level = _zip({"bottom.txt": b"the bottom"})
    for depth in range(4):
        level = _zip({f"level-{depth}.zip": level})
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "deep.zip").write_bytes(level)
    _run(archive, folder, ExtractOptions(time_limit_s=120, expand_max_depth=2))
    assert sorted(documents(archive)) == [
        "deep.zip",
        "deep.zip/level-3.zip",
        "deep.zip/level-3.zip/level-2.zip",
    ]
    with archive.read_views() as db:
        [failure] = failures(db)
    assert "nested deeper than 2 levels" in failure.reason


@pytest.mark.parametrize(
    ("extractor", "part"),
    [("docx", "word/document.xml"), ("xlsx", "xl/workbook.xml"), ("pptx", "ppt/presentation.xml")],
)
def test_office_files_are_held_to_the_budget(extractor: str, part: str, tmp_path: Path) -> None:
    path = tmp_path / "bomb"
    path.write_bytes(
        _zip({"[Content_Types].xml": b"<Types/>", part: b"<x>" + b" " * (8 * MiB) + b"</x>"})
    )
    result = extract_file(path, "", ExtractOptions(expand_max_bytes=4 * MiB))
    assert result.extractor == extractor and not result.ok
    assert "over the limit of 4194304 bytes" in result.failure
    assert "extract_expand" in result.hint
