"""Ingest: preserve files, extract their text, and search it.

>>> from erfurt.ingest import ExtractOptions, extract_file  # doctest: +SKIP
"""

from erfurt.ingest.extractors import Extraction, ExtractOptions, extract_file

__all__ = ["ExtractOptions", "Extraction", "extract_file"]
