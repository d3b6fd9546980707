"""Ingest: preserve files in the archive, and the documents view.

>>> from erfurt.ingest import DocumentsView, add_paths
>>> # archive = Archive.open(path, views=[DocumentsView()])
>>> # report = add_paths(archive, [Path("reports/")], collection="2024", who="ana")
>>> # report.count(Outcome.ADDED)  # files are logged in batches, each one durable append
>>> # extracted = extract_pending(archive, ExtractOptions(), who="ana")  # text, in workers
"""

from erfurt.extractors import (
    INLINE_TEXT_BYTES,
    EngineExtraction,
    Extraction,
    ExtractionPool,
    ExtractionRunner,
    ExtractOptions,
    PageImageError,
    PageImageLimits,
    extract_file,
)
from erfurt.ingest.add import DEFAULT_COLLECTION, Added, AddReport, Outcome, add_paths, add_staged
from erfurt.ingest.documents import DocumentsView
from erfurt.ingest.extractions import (
    LOW_CONFIDENCE,
    ExtractionsView,
    Failure,
    LowConfidence,
    any_pending,
    failures,
    low_confidence,
)
from erfurt.ingest.filters import require_collection, require_extractor
from erfurt.ingest.groupcommit import BatchLimits
from erfurt.ingest.page_images import page_image, page_layouts
from erfurt.ingest.pipeline import Extracted, ExtractOutcome, InlineTexts, extract_pending
from erfurt.ingest.text import DocumentText, document_text

__all__ = [
    "DEFAULT_COLLECTION",
    "INLINE_TEXT_BYTES",
    "LOW_CONFIDENCE",
    "AddReport",
    "Added",
    "BatchLimits",
    "DocumentText",
    "DocumentsView",
    "EngineExtraction",
    "ExtractOptions",
    "ExtractOutcome",
    "Extracted",
    "Extraction",
    "ExtractionPool",
    "ExtractionRunner",
    "ExtractionsView",
    "Failure",
    "InlineTexts",
    "LowConfidence",
    "Outcome",
    "PageImageError",
    "PageImageLimits",
    "add_paths",
    "add_staged",
    "any_pending",
    "document_text",
    "extract_file",
    "extract_pending",
    "failures",
    "low_confidence",
    "page_image",
    "page_layouts",
    "require_collection",
    "require_extractor",
]
