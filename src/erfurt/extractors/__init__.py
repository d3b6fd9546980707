"""Text extractors: pure functions from a file and its limits to an :class:`Extraction`.

    >>> from pathlib import Path
    >>> from erfurt.extractors import ExtractOptions, extract_file
    >>> result = extract_file(Path("scan.png"), "scan.png", ExtractOptions())  # doctest: +SKIP
    >>> result.extractor, result.text[:40], result.failure  # doctest: +SKIP
    ('ocr', 'Witness statement recorded on 4 June.', '')

:func:`extract_file` sniffs the media type from the content and never raises for bad
input: failures come back with a reason. :class:`ExtractionPool` runs it in worker
processes, one per core, with a per-file time limit (small UTF-8 texts, up to
``INLINE_TEXT_BYTES``, may be read in its own process); :class:`EngineExtraction` runs
the same on the workers of a distributed engine. :func:`render_page_isolated` draws a page of
a PDF or an image for a viewer, in a child process under memory and CPU limits.
"""

from erfurt.extractors.dispatch import extract_file
from erfurt.extractors.distributed import EngineExtraction, ExtractionRunner
from erfurt.extractors.drawers import DrawingPool, render_page_isolated
from erfurt.extractors.filenames import DecodedName, decode_name
from erfurt.extractors.inline import INLINE_TEXT_BYTES, extract_inline_bytes
from erfurt.extractors.page_images import (
    PageImageError,
    PageImageLimits,
    drawable,
    render_page,
    text_layer,
)
from erfurt.extractors.pool import ExtractionJob, ExtractionPool
from erfurt.extractors.result import (
    BUDGET_HINT,
    Child,
    ExpansionBudget,
    Extraction,
    ExtractOptions,
    Page,
    WordBox,
)
from erfurt.extractors.sniff import media_type_of_bytes, media_type_of_name, sniff_media_type

__all__ = [
    "BUDGET_HINT",
    "INLINE_TEXT_BYTES",
    "Child",
    "DecodedName",
    "DrawingPool",
    "EngineExtraction",
    "ExpansionBudget",
    "ExtractOptions",
    "Extraction",
    "ExtractionJob",
    "ExtractionPool",
    "ExtractionRunner",
    "Page",
    "PageImageError",
    "PageImageLimits",
    "WordBox",
    "decode_name",
    "drawable",
    "extract_file",
    "extract_inline_bytes",
    "media_type_of_bytes",
    "media_type_of_name",
    "render_page",
    "render_page_isolated",
    "sniff_media_type",
    "text_layer",
]
