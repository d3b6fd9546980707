"""Drawn pages are cached outside the log, owner-only, within a size bound."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from erfurt.archive import Archive
from erfurt.cli.options import all_views
from erfurt.extractors import PageImageLimits
from erfurt.ingest import PageImageError, add_paths, page_image
from ingest_samples import EN_LINES, text_pdf

LIMITS = PageImageLimits(max_pixels=200_000)


def test_the_cache_keeps_the_pages_shown_last_within_its_bound(tmp_path: Path) -> None:
    source = text_pdf(tmp_path / "three.pdf", [[line] for line in EN_LINES])
    views = all_views()
    with Archive.init(
        tmp_path / "archive", origin="example.org/pages", who="t", views=views
    ) as archive:
        (added,) = add_paths(archive, [source], who="t").files
        assert added.record is not None
        record = archive.record(added.record)
        blob, media_type = str(record["blob"]), str(record["media_type"])
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
