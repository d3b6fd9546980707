"""HTML: the main text without navigation, ads and footers (trafilatura), in its charset."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import trafilatura
from lxml.etree import ParserError

from erfurt.extractors.result import Extraction, ExtractOptions, Page
from erfurt.extractors.text import decode_text

__all__ = ["extract_html", "html_to_text"]

NAME = "html"
VERSION = f"trafilatura {trafilatura.__version__}"
MEDIA_TYPE = "text/html"
_CHARSET = re.compile(
    rb"""(?:<meta[^>]+charset\s*=\s*["']?|<\?xml[^>]+encoding\s*=\s*["'])\s*([A-Za-z0-9_.:-]+)""",
    re.I,
)
# lxml refuses text (str) that still declares an encoding, and the text is decoded already.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
_CHARSET_SCAN_BYTES = 4096


def extract_html(path: Path, options: ExtractOptions) -> Extraction:
    """Extract an HTML file's main text. Raises OSError if it cannot be read."""
    text, warnings = html_to_text(path.read_bytes())
    return Extraction(NAME, VERSION, MEDIA_TYPE, pages=(Page(text),), warnings=warnings)


def html_to_text(data: bytes, declared: str | None = None) -> tuple[str, tuple[str, ...]]:
    """The main text of an HTML document and any decoding warnings.

    ``declared`` (e.g. from an e-mail part's header) wins over a ``<meta charset>``.
    Falls back to all of the page's text when no main content is found.
    """
    if declared is None:
        found = _CHARSET.search(data[:_CHARSET_SCAN_BYTES])
        declared = found.group(1).decode("ascii") if found else None
    markup, _, warnings = decode_text(data, declared)
    markup = _XML_DECLARATION.sub("", markup, count=1)
    main = trafilatura.extract(markup, include_comments=False, include_tables=True)
    if main:
        title = _title(markup)
        return (f"{title}\n\n{main}" if title and title not in main else main), warnings
    return _all_text(markup), warnings


def _title(markup: str) -> str:
    try:
        tree = lxml.html.document_fromstring(markup)
    except (ParserError, ValueError):
        return ""
    found = tree.find(".//title")
    return (found.text_content() if found is not None else "").strip()


def _all_text(markup: str) -> str:
    if not markup.strip():
        return ""
    try:
        tree = lxml.html.document_fromstring(markup)
    except (ParserError, ValueError):
        return ""
    for junk in tree.xpath("//script|//style"):
        junk.drop_tree()
    lines = (line.strip() for line in tree.text_content().splitlines())
    return "\n".join(line for line in lines if line)
