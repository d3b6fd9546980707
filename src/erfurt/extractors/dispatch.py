"""Choose the extractor by the file's content and turn any parser failure into a reason."""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from erfurt.errors import ErfurtError
from erfurt.extractors.result import (
    MEMORY_HINT,
    MEMORY_REASON,
    Extraction,
    ExtractOptions,
    failed,
)
from erfurt.extractors.sniff import (
    COMPOUND,
    DOCX,
    EXCEL,
    HEAD_BYTES,
    ODP,
    ODS,
    ODT,
    OLE_PACKAGE,
    OUTLOOK,
    POWERPOINT,
    PPTX,
    TNEF,
    WORD,
    XLSX,
    media_type_of_head,
    media_type_of_name,
    sniff_media_type,
)

__all__ = ["extract_file", "extract_plain_text", "missing_parsers"]

_log = logging.getLogger(__name__)

_Extractor = Callable[[Path, ExtractOptions], Extraction]
# Each extractor module imports its parsing library (pypdf, openpyxl, trafilatura, the
# OCR models' runtime, ...); together they take seconds, so a module is loaded only when
# a file of its type comes (in a worker, before the file's time limit counts: see
# missing_parsers), and a folder of text files never pays for the others.
_BY_TYPE: dict[str, tuple[str, str]] = {
    "application/pdf": ("pdf", "extract_pdf"),
    "text/html": ("html", "extract_html"),
    "message/rfc822": ("mail", "extract_email"),
    "text/plain": ("text", "extract_text"),
    "application/rtf": ("rtf", "extract_rtf"),
    OUTLOOK: ("compound", "extract_compound"),
    WORD: ("compound", "extract_compound"),
    EXCEL: ("compound", "extract_compound"),
    POWERPOINT: ("compound", "extract_compound"),
    OLE_PACKAGE: ("compound", "extract_compound"),
    COMPOUND: ("compound", "extract_compound"),
    TNEF: ("tnef", "extract_tnef"),
    DOCX: ("office", "extract_docx"),
    XLSX: ("office", "extract_xlsx"),
    PPTX: ("office", "extract_pptx"),
    ODT: ("opendocument", "extract_opendocument"),
    ODS: ("opendocument", "extract_opendocument"),
    ODP: ("opendocument", "extract_opendocument"),
    "application/zip": ("ziparchive", "extract_zip"),
}
_IMAGES = {"image/png", "image/jpeg", "image/gif", "image/tiff", "image/bmp", "image/webp"}
_OCR = "ocr"  # images, and PDF pages without a text layer
NONE = "none"
NONE_VERSION = "1"


def extract_file(path: Path, name: str, options: ExtractOptions) -> Extraction:
    """Extract the text of the file at ``path`` (whose original name is ``name``).

    Never raises for bad input: a file its extractor cannot read, or that no extractor
    handles, comes back as a failed Extraction with the reason (an empty file as an
    empty one with a warning). Raises OSError only if ``path`` cannot be read.
    """
    size = path.stat().st_size
    if size > options.max_file_bytes:
        return _too_large(size, options)
    return _extract_as(sniff_media_type(path), name, lambda extractor: extractor(path, options))


def extract_plain_text(
    data: bytes, name: str, options: ExtractOptions, media_type: str | None = None
) -> Extraction | None:
    """What :func:`extract_file` gives for a file holding ``data`` if it sniffs as plain
    text or is empty, without reading anything again; None for any other type.
    ``media_type`` is what :func:`~erfurt.extractors.sniff.media_type_of_bytes` said of
    ``data``, when the caller asked it already."""
    if len(data) > options.max_file_bytes:
        return _too_large(len(data), options)
    if media_type is None:
        media_type = media_type_of_head(data[:HEAD_BYTES])
    if media_type not in ("text/plain", "application/x-empty"):
        return None
    from erfurt.extractors.text import extract_text_bytes  # loaded on first use, as above

    return _extract_as(media_type, name, lambda _: extract_text_bytes(data))


def _too_large(size: int, options: ExtractOptions) -> Extraction:
    return failed(
        NONE,
        NONE_VERSION,
        "",
        f"{size} bytes, larger than the limit of "
        f"{options.max_file_bytes} bytes; preserved but not extracted",
        "raise extract_max_size in erfurt.toml, then run: erfurt add --retry-failed",
    )


def _extract_as(media_type: str, name: str, run: Callable[[_Extractor], Extraction]) -> Extraction:
    """Run ``run`` with the extractor of ``media_type``, its failures turned into reasons."""
    claimed = media_type_of_name(name)
    mismatch = (
        (f"named as {claimed} but its content is {media_type}",)
        if claimed and claimed != media_type and media_type != "application/x-empty"
        else ()
    )
    if media_type == "application/x-empty":
        return Extraction(NONE, NONE_VERSION, media_type, warnings=("empty file (0 bytes)",))
    extractor = _extractor_for(media_type)
    if extractor is None:
        # Listed among the failures, so that no file is ever silently left without text.
        return failed(
            NONE,
            NONE_VERSION,
            media_type,
            f"no extractor reads {media_type}; preserved without text",
            "nothing is lost; to search its text, convert it to PDF, text, RTF, HTML, e-mail "
            "(eml, msg), doc(x), xls(x), ppt(x), odt, ods, odp or an image and add that too",
        )
    name_of_extractor = extractor.__name__.removeprefix("extract_")
    try:
        result = run(extractor)
    except ErfurtError as exc:
        return failed(name_of_extractor, "", media_type, exc.message, exc.hint)
    except MemoryError:
        return failed(name_of_extractor, "", media_type, MEMORY_REASON, MEMORY_HINT)
    except Exception as exc:  # a parser's failure on hostile input is a reason, not a crash
        _log.debug("extracting %s failed", name, exc_info=True)
        return failed(
            name_of_extractor,
            "",
            media_type,
            f"could not be read as {media_type}: {type(exc).__name__}: {exc}",
            "the file may be corrupt or truncated; its original is preserved as it is",
        )
    return replace(result, warnings=(*mismatch, *result.warnings)) if mismatch else result


def missing_parsers(path: Path) -> list[str]:
    """The extractor modules the file at ``path`` needs that are not imported yet.

    A worker imports them before the file's time limit starts, so that no file's limit
    pays for importing its parser. Raises OSError if ``path`` cannot be read.
    """
    media_type = sniff_media_type(path)
    needed = [_BY_TYPE[media_type][0]] if media_type in _BY_TYPE else []
    if media_type in _IMAGES or media_type == "application/pdf":
        needed.append(_OCR)
    modules = [f"erfurt.extractors.{name}" for name in needed]
    return [module for module in modules if module not in sys.modules]


def _extractor_for(media_type: str) -> _Extractor | None:
    """The extractor for ``media_type``, importing its module on first use (or None)."""
    if media_type in _IMAGES:
        return _image_extractor(media_type)
    if media_type not in _BY_TYPE:
        return None
    module, function = _BY_TYPE[media_type]
    extractor: _Extractor = getattr(
        importlib.import_module(f"erfurt.extractors.{module}"), function
    )
    return extractor


def _image_extractor(media_type: str) -> _Extractor:
    from erfurt.extractors.ocr import extract_image

    def extract(path: Path, options: ExtractOptions) -> Extraction:
        return extract_image(path, options, media_type)

    extract.__name__ = "extract_ocr"
    return extract
