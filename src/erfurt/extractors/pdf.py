"""PDF text page by page with pypdfium2 (pypdf as fallback); scanned pages go to OCR.

A page is OCR'd when it has no text layer, when its text layer is mostly characters no
one can read (a broken font encoding), or when a picture covers most of it and its text
layer holds only a few characters (a scan with a stamped page number). Files attached to
the PDF become its children (:mod:`~erfurt.extractors.pdfattachments`).
"""

from __future__ import annotations

import logging
import math
import unicodedata
from importlib.metadata import version
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from erfurt.extractors.pdfattachments import AttachedFiles
from erfurt.extractors.result import Extraction, ExtractOptions, Page, engines_of, failed

__all__ = ["extract_pdf", "render_scale"]

_log = logging.getLogger(__name__)

MEDIA_TYPE = "application/pdf"
PDFIUM = f"2 (pypdfium2 {version('pypdfium2')})"  # 2: attached files as children
PYPDF = f"pypdf {pypdf.__version__}"
_POINTS_PER_INCH = 72
_UNREADABLE_SHARE = 0.25
_SCAN_COVER = 0.5
_SCAN_MAX_CHARS = 40
_NO_GLYPH = {"Co", "Cn", "Cc"}  # private use, unassigned, control characters
_PASSWORD_HINT = (
    "put the password on a line of a file and run: erfurt add --retry-failed --pdf-passwords FILE"
)


class _Encrypted(Exception):
    """The PDF needs a password that none of the given ones opens."""


def extract_pdf(path: Path, options: ExtractOptions) -> Extraction:
    """Extract a PDF's pages; OCR those without a text layer.

    Returns a failed Extraction (never raises for bad input) for encrypted PDFs with no
    working password, and for files neither pypdfium2 nor pypdf can read.
    """
    try:
        return _with_pdfium(path, options)
    except _Encrypted:
        return failed(
            "pdf", PDFIUM, MEDIA_TYPE, "encrypted PDF: no password given opens it", _PASSWORD_HINT
        )
    except pdfium.PdfiumError as exc:
        _log.debug("pdfium could not read %s: %s; trying pypdf", path.name, exc)
        pdfium_error = str(exc)
    try:
        return _with_pypdf(path, options)
    except _Encrypted:
        return failed(
            "pdf", PYPDF, MEDIA_TYPE, "encrypted PDF: no password given opens it", _PASSWORD_HINT
        )
    except (pypdf.errors.PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        return failed(
            "pdf",
            f"{PDFIUM}; {PYPDF}",
            MEDIA_TYPE,
            f"not a readable PDF (pypdfium2: {pdfium_error}; pypdf: {exc})",
            "the file is corrupt or truncated; its original is preserved as it is",
        )


def _open_pdfium(path: Path, options: ExtractOptions) -> pdfium.PdfDocument:
    for password in (None, *options.pdf_passwords):
        try:
            return pdfium.PdfDocument(path, password=password)
        except pdfium.PdfiumError as exc:
            if "password" not in str(exc).lower():
                raise
    raise _Encrypted


def _with_pdfium(path: Path, options: ExtractOptions) -> Extraction:
    document = _open_pdfium(path, options)
    attached = AttachedFiles(options.budget_left(path.stat().st_size))
    try:
        attached.from_document(document)
        pages: list[Page] = []
        ocr_used = False
        count = min(len(document), options.max_pages)
        for number in range(count):
            page = document[number]
            attached.from_page(document, page, number + 1)
            textpage = page.get_textpage()
            text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
            textpage.close()
            if _is_scanned(page, text):
                pages.append(_ocr_page(page, options))
                ocr_used = True
            else:
                pages.append(Page(text))
            page.close()
        attached.finish()
        warnings = _page_limit_warning(len(document), options) + tuple(attached.warnings)
    finally:
        document.close()
    extractor_version = f"{PDFIUM}; {engines_of(pages)}" if ocr_used else PDFIUM
    return Extraction(
        "pdf+ocr" if ocr_used else "pdf",
        extractor_version,
        MEDIA_TYPE,
        pages=tuple(pages),
        children=tuple(attached.children),
        warnings=warnings,
    )


def render_scale(width_pt: float, height_pt: float, options: ExtractOptions) -> float:
    """The scale to render a page at: ``ocr_dpi``, unless that passes ``max_page_pixels``.

    A page may claim any size (a hostile PDF claims miles); its image stays within the
    pixel cap, so rendering cannot exhaust memory, at the cost of a lower resolution.
    """
    scale = options.ocr_dpi / _POINTS_PER_INCH
    area = max(width_pt, 1.0) * max(height_pt, 1.0)
    if area * scale * scale > options.max_page_pixels:
        scale = math.sqrt(options.max_page_pixels / area)
    return scale


def _is_scanned(page: pdfium.PdfPage, text: str) -> bool:
    """Whether ``page`` should be read by OCR rather than from its text layer."""
    letters = [c for c in text if not c.isspace()]
    if not letters:
        return True
    unreadable = sum(1 for c in letters if c == "\ufffd" or unicodedata.category(c) in _NO_GLYPH)
    if unreadable >= _UNREADABLE_SHARE * len(letters):
        return True
    return len(letters) <= _SCAN_MAX_CHARS and _picture_share(page) >= _SCAN_COVER


def _picture_share(page: pdfium.PdfPage) -> float:
    """The largest share of the page's area one picture covers."""
    width, height = page.get_size()
    largest = 0.0
    for picture in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = (float(v) for v in picture.get_bounds())
        largest = max(largest, (right - left) * (top - bottom))
    return largest / max(1.0, float(width) * float(height))


def _ocr_page(page: pdfium.PdfPage, options: ExtractOptions) -> Page:
    # imported here: the OCR stage's libraries take seconds to load, and most PDFs never need them
    import numpy as np

    from erfurt.extractors.ocr import read_page

    width, height = page.get_size()
    bitmap = page.render(scale=render_scale(width, height, options))
    pixels = np.asarray(bitmap.to_pil().convert("RGB"), dtype=np.uint8)
    bitmap.close()
    return read_page(pixels, options.time_limit_s)


def _with_pypdf(path: Path, options: ExtractOptions) -> Extraction:
    reader = pypdf.PdfReader(path)
    if reader.is_encrypted and not any(reader.decrypt(p) for p in ("", *options.pdf_passwords)):
        raise _Encrypted
    pages = tuple(
        Page((page.extract_text() or "").replace("\x00", ""))
        for page in reader.pages[: options.max_pages]
    )
    return Extraction(
        "pdf",
        PYPDF,
        MEDIA_TYPE,
        pages=pages,
        warnings=(
            "pypdfium2 could not read the file; text from pypdf",
            *_page_limit_warning(len(reader.pages), options),
        ),
    )


def _page_limit_warning(total: int, options: ExtractOptions) -> tuple[str, ...]:
    if total <= options.max_pages:
        return ()
    return (f"only the first {options.max_pages} of {total} pages were extracted",)
