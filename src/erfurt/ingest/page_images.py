"""A document's pages as pictures: drawn once, kept as derived files outside the log.

A page image is drawn from the original (checked against its digest first) in a child
process under limits (:func:`erfurt.extractors.render_page_isolated`), turned as OCR
turned it so that the OCR boxes of its layout fall in place, and cached under
``cache/pages/`` (owner-only; it can be deleted at any time). The cache is kept under
``max_cache_bytes``: after each new image the least recently shown are removed.
Deciding who may see a document is the caller's job, done before calling here.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from erfurt.archive import Archive, PageText, page_texts
from erfurt.extractors import PageImageError, PageImageLimits, drawable, render_page_isolated

__all__ = ["CACHE_BYTES", "document_layout", "page_image", "page_layouts"]

CACHE_BYTES = 256 * 1024 * 1024
_PARTIAL = ".partial"


def document_layout(archive: Archive, blob: str) -> dict[str, Any] | None:
    """The OCR layout of the text extracted from ``blob`` (None without one)."""
    with archive.query_views() as db:
        row = db.execute("SELECT layout FROM extractions WHERE source = ?", (blob,)).fetchone()
    if row is None or not row[0]:
        return None
    layout: dict[str, Any] = json.loads(archive.read_blob(str(row[0])))
    return layout


def page_layouts(archive: Archive, blob: str, pages: tuple[str, ...]) -> list[PageText]:
    """The text ``pages`` of ``blob``, each with its OCR layout where OCR read it."""
    return page_texts("\f".join(pages), document_layout(archive, blob)) if pages else []


def _rotation(archive: Archive, blob: str, number: int) -> int:
    layout = document_layout(archive, blob)
    pages = layout["pages"] if layout else []
    return int(pages[number - 1].get("rotation") or 0) % 360 if number <= len(pages) else 0


def page_image(
    archive: Archive,
    blob: str,
    media_type: str,
    number: int,
    limits: PageImageLimits | None = None,
    max_cache_bytes: int = CACHE_BYTES,
) -> Path:
    """The PNG file of page ``number`` (from 1) of the original ``blob`` (of
    ``media_type``), drawn now or taken from the cache.

    Raises :class:`PageImageError` for a file that has no pages to draw, a missing page,
    one past the limits, or one that cannot be drawn; IntegrityError if the original no
    longer matches its digest.
    """
    if not drawable(media_type):
        raise PageImageError(f"a {media_type} file has no pages to draw", "")
    limits = limits or PageImageLimits()
    if not 1 <= number <= limits.max_pages:
        raise PageImageError(
            f"page {number} is not one of the {limits.max_pages:,} pages drawn of a file",
            "download the original to see it",
        )
    rotation = _rotation(archive, blob, number)
    folder = archive.paths.page_images
    cached = folder / f"{blob}-{number}-{rotation}-{limits.max_pixels}.png"
    if cached.exists():
        os.utime(cached)  # recently shown: trimmed last
        return cached
    archive.check_blob(blob)
    png = render_page_isolated(archive.blob_path(blob), media_type, number, rotation, limits)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Unique per call: two threads of the server may draw the same page at once.
    partial = folder / f"{cached.name}.{secrets.token_hex(8)}{_PARTIAL}"
    partial.write_bytes(png)
    partial.replace(cached)
    _trim(folder, max_cache_bytes, keep=cached)
    return cached


def _trim(folder: Path, max_bytes: int, keep: Path) -> None:
    """Remove the least recently shown images until the folder holds ``max_bytes``."""
    files = []
    for entry in os.scandir(folder):
        if entry.name.endswith(_PARTIAL):  # another drawing, still being written
            continue
        try:
            stat = entry.stat()
        except FileNotFoundError:  # removed by another process meanwhile
            continue
        files.append((stat.st_mtime, stat.st_size, Path(entry.path)))
    total = sum(size for _, size, _ in files)
    for _, size, path in sorted(files):
        if total <= max_bytes:
            break
        if path != keep:
            path.unlink(missing_ok=True)
            total -= size
