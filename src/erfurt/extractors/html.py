"""HTML: the main text without navigation, ads and footers (trafilatura), in its charset.

Two shapes of markup take time that grows with the square of their size, so a page of a
few hundred kilobytes could hold a worker for minutes: an element with thousands of
attributes (libxml2 compares each with those before it, and jusText walks them again)
and a table row with thousands of cells (trafilatura counts the row it is building for
each cell). No real page has either: such an element loses its attributes (they carry no
text we keep) and such a row is split into rows of :data:`WIDEST_ROW` cells, before
anything parses them, with a warning that says so.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import trafilatura
from lxml.etree import ParserError, _Element
from trafilatura.utils import load_html

from erfurt.extractors.result import Extraction, ExtractOptions, Page
from erfurt.extractors.text import decode_text

__all__ = ["extract_html", "html_to_text"]

NAME = "html"
VERSION = f"2 (trafilatura {trafilatura.__version__})"
MEDIA_TYPE = "text/html"
_CHARSET = re.compile(
    rb"""(?:<meta[^>]+charset\s*=\s*["']?|<\?xml[^>]+encoding\s*=\s*["'])\s*([A-Za-z0-9_.:-]+)""",
    re.I,
)
# lxml refuses text (str) that still declares an encoding, and the text is decoded already.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
_CHARSET_SCAN_BYTES = 4096
MOST_ATTRIBUTES = 1000
"""More attributes than this on one element, and it keeps none."""
WIDEST_ROW = 1000
"""More cells than this in one table row, and it is split into rows of this many."""
# A start tag as an HTML5 parser reads it: a name, then what it holds up to the ">" that
# ends it, where only a value quoted after "=" may hold a ">" (a "<" is part of a name).
# Possessive, and a tag never closed runs to the end: every match succeeds once, so the
# scan is one pass whatever the markup.
_START_TAG = re.compile(
    r"""<([A-Za-z][^\s/>]*+)((?:[^>"'=]++|=\s*+"[^"]*+"|=\s*+'[^']*+'|[="'])*+)(?:>|\Z)"""
)
# One attribute of a start tag's insides: a name, and a value if "=" follows.
_ATTRIBUTE = re.compile(r"""[^\s/>][^\s/>=]*+(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]*+))?+""")


def extract_html(path: Path, options: ExtractOptions) -> Extraction:
    """Extract an HTML file's main text. Raises OSError if it cannot be read."""
    text, warnings = html_to_text(path.read_bytes())
    return Extraction(NAME, VERSION, MEDIA_TYPE, pages=(Page(text),), warnings=warnings)


def html_to_text(data: bytes, declared: str | None = None) -> tuple[str, tuple[str, ...]]:
    """The main text of an HTML document and its warnings (bytes its charset does not
    decode, markup bounded as the module's docstring says).

    ``declared`` (e.g. from an e-mail part's header) wins over a ``<meta charset>``.
    Falls back to all of the page's text when no main content is found.
    """
    if declared is None:
        found = _CHARSET.search(data[:_CHARSET_SCAN_BYTES])
        declared = found.group(1).decode("ascii") if found else None
    markup, _, warnings = decode_text(data, declared)
    markup = _XML_DECLARATION.sub("", markup, count=1)
    markup, stripped = _without_crowded_attributes(markup)
    if stripped:
        warnings += (
            f"{stripped:,} element(s) had more than {MOST_ATTRIBUTES:,} attributes: "
            "their attributes were left out",
        )
    tree = load_html(markup)  # as trafilatura would load it, then made safe to read
    main = None
    if tree is not None:
        split = _split_wide_rows(tree)
        if split:
            warnings += (
                f"{split:,} table row(s) had more than {WIDEST_ROW:,} cells: "
                f"each was split into rows of {WIDEST_ROW:,}",
            )
        main = trafilatura.extract(tree, include_comments=False, include_tables=True)
    if main:  # then there is a tree: trafilatura read a copy of it
        assert tree is not None
        title = _title(tree)
        return (f"{title}\n\n{main}" if title and title not in main else main), warnings
    return _all_text(markup), warnings


def _without_crowded_attributes(markup: str) -> tuple[str, int]:
    """``markup`` with every start tag of more than :data:`MOST_ATTRIBUTES` attributes
    reduced to its bare name, and how many were."""
    crowded = 0

    def bare(tag: re.Match[str]) -> str:
        nonlocal crowded
        inside = tag.group(2)
        # Each attribute takes a character at least: a short tag is left unread.
        if len(inside) <= MOST_ATTRIBUTES:
            return tag.group(0)
        if sum(1 for _ in _ATTRIBUTE.finditer(inside)) <= MOST_ATTRIBUTES:
            return tag.group(0)
        crowded += 1
        return f"<{tag.group(1)}>" if tag.group(0).endswith(">") else f"<{tag.group(1)}"

    return _START_TAG.sub(bare, markup), crowded


def _split_wide_rows(tree: _Element) -> int:
    """Split every table row of more than :data:`WIDEST_ROW` children in ``tree`` into
    rows of that many, in order; the number of rows split."""
    split = 0
    for row in list(tree.iter("tr")):
        cells = list(row)
        parent = row.getparent()
        if len(cells) <= WIDEST_ROW or parent is None:
            continue
        split += 1
        at = parent.index(row)
        for n, first in enumerate(range(WIDEST_ROW, len(cells), WIDEST_ROW), start=1):
            rest = row.makeelement("tr", {})
            rest.extend(cells[first : first + WIDEST_ROW])  # each moves with its tail
            parent.insert(at + n, rest)
    return split


def _title(tree: _Element) -> str:
    found = tree.find(".//title")
    return "".join(found.itertext()).strip() if found is not None else ""


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
