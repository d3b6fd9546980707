"""Drawn pages are cached outside the log, owner-only, within a size bound."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from erfurt.archive import Archive
from erfurt.cli.options import all_views
from erfurt.extractors import PageImageLimits
from erfurt.ingest import PageImageError, add_paths, page_image
from ingest_samples import EN_LINES, text_pdf

LIMITS = PageImageLimits(max_pixels=200_000)


@pytest.fixture
def one_pdf(tmp_path: Path) -> Iterator[tuple[Archive, str, str]]:
    """An archive holding a three-page PDF: the archive, its blob and media type."""
    source = text_pdf(tmp_path / "three.pdf", [[line] for line in EN_LINES])
    with Archive.init(
        tmp_path / "archive", origin="example.org/pages", who="t", views=all_views()
    ) as archive:
        (added,) = add_paths(archive, [source], who="t").files
        assert added.record is not None
        record = archive.record(added.record)
        yield archive, str(record["blob"]), str(record["media_type"])


def test_the_cache_keeps_the_pages_shown_last_within_its_bound(
    one_pdf: tuple[Archive, str, str],
) -> None:
    archive, blob, media_type = one_pdf
    first = page_image(archive, blob, media_type, 1, LIMITS)
    size = first.stat().st_size
    bound = 2 * size + size // 2  # room for two pages of about that size
    second = page_image(archive, blob, media_type, 2, LIMITS, max_cache_bytes=bound)
    os.utime(first, (0, 0))  # page 2 was shown after page 1
    assert page_image(archive, blob, media_type, 1, LIMITS, bound) == first  # shown again
    third = page_image(archive, blob, media_type, 3, LIMITS, max_cache_bytes=bound)
    kept = sorted(archive.paths.page_images.iterdir())
    assert kept == sorted([first, third]) and not second.exists()
    assert (archive.paths.page_images.stat().st_mode & 0o777) == 0o700
    assert not (archive.paths.log / "cache").exists()  # never published
    with pytest.raises(PageImageError, match="no pages to draw"):
        page_image(archive, blob, "text/plain", 1, LIMITS)


def _another_drawing_midway(archive: Archive, blob: str) -> Path:
    """The partial file of another thread of this process drawing page 1 of ``blob``,
    written but not yet renamed into place, older than anything in the cache (under the
    name all threads of a process once shared)."""
    folder = archive.paths.page_images
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{blob}-1-0-{LIMITS.max_pixels}.{os.getpid()}.partial"
    partial = folder / name
    partial.write_bytes(b"another thread's page, being written")
    os.utime(partial, (0, 0))
    return partial


def test_a_drawing_leaves_another_threads_drawing_of_the_page_alone(
    one_pdf: tuple[Archive, str, str],
) -> None:
    """Regression (d0e1fe7): two threads drawing one page shared a partial file, so the
    first to finish renamed the other's away (or wrote over it) and the other failed."""
    archive, blob, media_type = one_pdf
    theirs = _another_drawing_midway(archive, blob)
    mine = page_image(archive, blob, media_type, 1, LIMITS)
    assert mine.read_bytes().startswith(b"\x89PNG")
    assert theirs.read_bytes() == b"another thread's page, being written"
    theirs.replace(mine)  # the other thread finishes: its rename still finds its file


def test_trimming_leaves_a_drawing_in_progress_alone(one_pdf: tuple[Archive, str, str]) -> None:
    """Regression (d0e1fe7): trimming removed the oldest files first, another drawing's
    partial file among them, before that drawing renamed it into place."""
    archive, blob, media_type = one_pdf
    theirs = _another_drawing_midway(archive, blob)
    mine = page_image(archive, blob, media_type, 2, LIMITS, max_cache_bytes=1)  # over: trims
    assert mine.exists() and theirs.exists()
