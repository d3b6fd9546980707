"""OCR: PP-OCRv4 (inside ``rapidocr-onnxruntime``) for every page, tesseract for
traditional Chinese lines; see :mod:`.page` for the stage and docs/performance.md for
the measurements that chose it."""

from __future__ import annotations

from pathlib import Path

from erfurt.errors import IngestError
from erfurt.extractors.ocr.images import frames
from erfurt.extractors.ocr.page import read_page
from erfurt.extractors.result import Extraction, ExtractOptions, Page, engines_of

__all__ = ["NAME", "extract_image", "read_page"]

NAME = "ocr"


def extract_image(path: Path, options: ExtractOptions, media_type: str) -> Extraction:
    """OCR an image file, each frame of a multi-page TIFF a page. Raises IngestError when
    the image cannot be decoded (or its first frame cannot)."""
    pages: list[Page] = []
    warnings: list[str] = []
    try:
        for number, frame in enumerate(frames(path.read_bytes(), options.max_pages), 1):
            if frame.warning:
                warnings.append(f"page {number}: {frame.warning}")
            pixels = frame.pixels
            pages.append(Page("") if pixels is None else read_page(pixels, options.time_limit_s))
    except IngestError as exc:
        if not pages:
            raise
        warnings.append(f"page {len(pages) + 1} and after: {exc.message}")
    if not any(page.text for page in pages):
        warnings.append("OCR found no text in the image")
    return Extraction(NAME, engines_of(pages), media_type, tuple(pages), warnings=tuple(warnings))
