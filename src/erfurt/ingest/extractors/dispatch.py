"""Choose the extractor by the file's content and turn any parser failure into a reason."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from erfurt.errors import ErfurtError
from erfurt.ingest.extractors.html import extract_html
from erfurt.ingest.extractors.mail import extract_email
from erfurt.ingest.extractors.ocr import extract_image
from erfurt.ingest.extractors.office import DOCX, XLSX, extract_docx, extract_xlsx
from erfurt.ingest.extractors.pdf import extract_pdf
from erfurt.ingest.extractors.result import Extraction, ExtractOptions, failed
from erfurt.ingest.extractors.sniff import media_type_of_name, sniff_media_type
from erfurt.ingest.extractors.text import extract_text
from erfurt.ingest.extractors.ziparchive import extract_zip

__all__ = ["extract_file"]

_log = logging.getLogger(__name__)

_Extractor = Callable[[Path, ExtractOptions], Extraction]
_BY_TYPE: dict[str, _Extractor] = {
    "application/pdf": extract_pdf,
    "text/html": extract_html,
    "message/rfc822": extract_email,
    "text/plain": extract_text,
    DOCX: extract_docx,
    XLSX: extract_xlsx,
    "application/zip": extract_zip,
}
_IMAGES = {"image/png", "image/jpeg", "image/gif", "image/tiff", "image/bmp", "image/webp"}
NONE = "none"
NONE_VERSION = "1"


def extract_file(path: Path, name: str, options: ExtractOptions) -> Extraction:
    """Extract the text of the file at ``path`` (whose original name is ``name``).

    Never raises for bad input: a file no extractor reads comes back as a failed
    Extraction with the reason, a file no extractor handles as an empty one with a
    warning saying so. Raises OSError only if ``path`` cannot be read.
    """
    size = path.stat().st_size
    if size > options.max_file_bytes:
        return failed(
            NONE,
            NONE_VERSION,
            "",
            f"{size} bytes, larger than the limit of "
            f"{options.max_file_bytes} bytes; preserved but not extracted",
            "raise extract_max_size in erfurt.toml, then run: erfurt add --retry-failed",
        )
    media_type = sniff_media_type(path)
    claimed = media_type_of_name(name)
    mismatch = (
        (f"named as {claimed} but its content is {media_type}",)
        if claimed and claimed != media_type and media_type != "application/x-empty"
        else ()
    )
    if media_type == "application/x-empty":
        return Extraction(NONE, NONE_VERSION, media_type, warnings=("empty file (0 bytes)",))
    extractor = _BY_TYPE.get(media_type)
    if extractor is None and media_type in _IMAGES:
        extractor = _image_extractor(media_type)
    if extractor is None:
        return Extraction(
            NONE,
            NONE_VERSION,
            media_type,
            warnings=(*mismatch, f"no extractor reads {media_type}; preserved without text"),
        )
    try:
        result = extractor(path, options)
    except ErfurtError as exc:
        return failed(
            extractor.__name__.removeprefix("extract_"), "", media_type, exc.message, exc.hint
        )
    except Exception as exc:  # a parser's failure on hostile input is a reason, not a crash
        _log.debug("extracting %s failed", name, exc_info=True)
        return failed(
            extractor.__name__.removeprefix("extract_"),
            "",
            media_type,
            f"could not be read as {media_type}: {type(exc).__name__}: {exc}",
            "the file may be corrupt or truncated; its original is preserved as it is",
        )
    return replace(result, warnings=(*mismatch, *result.warnings)) if mismatch else result


def _image_extractor(media_type: str) -> _Extractor:
    def extract(path: Path, options: ExtractOptions) -> Extraction:
        return extract_image(path, options, media_type)

    extract.__name__ = "extract_ocr"
    return extract
