"""Issue 8 item 10 and beyond: no input exhausts the machine or hangs the walk."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

import pypdf

from erfurt.archive import Archive
from erfurt.extractors import ExtractionJob, ExtractionPool, ExtractOptions
from erfurt.extractors.pdf import render_scale
from erfurt.extractors.text import extract_text
from erfurt.ingest import Outcome, add_paths

MiB = 1024 * 1024


def test_a_worker_over_its_memory_limit_is_a_recorded_failure(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", bytes(256 * MiB))
    path = tmp_path / "big-inside"
    path.write_bytes(buffer.getvalue())
    options = ExtractOptions(
        time_limit_s=600,
        memory_limit_bytes=384 * MiB,
        expand_max_bytes=1024 * MiB,
        expand_max_ratio=100_000,
    )
    with ExtractionPool(options, workers=1) as pool:
        [(_, result)] = list(pool.run([ExtractionJob(1, path, "")]))
    assert not result.ok
    assert "memory" in result.failure or "crashed" in result.failure
    assert "extract_memory_limit" in result.hint


def test_a_large_text_is_read_in_chunks(tmp_path: Path) -> None:
    # GB18030 text past the detection sample: decoded whole, in the sample's encoding.
    line = "王立强说我们在北京看到了这些文件。\n".encode("gb18030")
    path = tmp_path / "big"
    path.write_bytes(line * (MiB // len(line)))
    result = extract_text(path, ExtractOptions())
    assert result.ok and "\ufffd" not in result.text
    assert result.text.count("王立强") == MiB // len(line)


def test_pdf_pages_render_within_the_pixel_cap(tmp_path: Path) -> None:
    # A page that claims to be 5 m square would render at 300 dpi to 3.5 billion pixels.
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=14_400, height=14_400)
    pdf = tmp_path / "huge.pdf"
    with pdf.open("wb") as out:
        writer.write(out)
    scale = render_scale(14_400, 14_400, ExtractOptions(max_page_pixels=4_000_000))
    assert (14_400 * scale) ** 2 <= 4_000_000
    assert render_scale(612, 792, ExtractOptions()) == 300 / 72  # ordinary pages keep ocr_dpi


def test_pipes_sockets_and_deep_trees_neither_hang_nor_crash(archive: Archive) -> None:
    # Outside pytest's own temporary folders, which it removes with shutil.rmtree: if this
    # test were killed half-way, the tree left behind would break every later clean-up.
    folder = Path(tempfile.mkdtemp(prefix="erfurt-deep-tree-"))
    os.mkfifo(folder / "pipe")
    try:
        deep = folder
        for _ in range(1_100):  # deeper than Python's recursion limit
            deep = deep / "d"
            deep.mkdir()
        (deep / "bottom.txt").write_text("found")
        report = add_paths(archive, [folder, folder / "pipe"], who="t")
    finally:
        _remove_deep(folder / "d")
        (folder / "pipe").unlink()
        folder.rmdir()
    outcomes = {Path(f.path).name: f for f in report.files}
    assert outcomes["bottom.txt"].outcome is Outcome.ADDED
    assert "not a regular file" in outcomes["pipe"].reason
    assert [f.outcome for f in report.files].count(Outcome.SKIPPED) == 2


def _remove_deep(top: Path) -> None:
    """Remove a chain of folders too deep for shutil.rmtree (which pytest cleans up with)."""
    chain = [top]
    while (chain[-1] / "d").is_dir():
        chain.append(chain[-1] / "d")
    for folder in reversed(chain):
        for child in folder.iterdir() if folder.exists() else ():
            if not child.is_dir():
                child.unlink()
        if folder.exists():
            folder.rmdir()
