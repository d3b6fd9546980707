"""OpenDocument (LibreOffice's .odt, .ods and .odp): the text of ``content.xml``.

A text document is one page; a spreadsheet a page per sheet (its name first, then each
row's cells tab-separated); a presentation a page per slide, its speaker notes after
it. Paragraphs keep their spaces, tabs and line breaks; a footnote's or a comment's
text follows the paragraph that holds it.

Spreadsheets write runs of equal cells and rows once with a repeat count, and a sheet's
unused area is one empty row repeated a million times: empty cells and rows are never
repeated, and others at most :data:`MOST_REPEATS` times (with a warning), so a file of
a few kilobytes cannot ask for billions of cells. A document is a zip of XML parts, held
to the same expansion budget as any zip; its XML is parsed without entities or network.

Objects embedded in a document are kept beside its content: another OpenDocument part
(a chart, a formula, a table: ``Object 1/content.xml``), whose text follows the
document's on pages of its own, or an OLE object (``Object 1``: a compound file, such as
a file dropped in as a package), which becomes a child read in turn.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from erfurt.extractors.office import SAFE_XML, check_expansion, embedded_files
from erfurt.extractors.result import Extraction, ExtractOptions, Page
from erfurt.extractors.sniff import ODP, ODS, ODT

__all__ = ["MOST_REPEATS", "extract_opendocument"]

VERSION = "2 (lxml)"  # 2: embedded objects
MOST_REPEATS = 100
"""A cell or row written once with a larger repeat count is read this many times."""
_NAMES = {ODT: "odt", ODS: "ods", ODP: "odp"}
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_PRESENTATION = "{urn:oasis:names:tc:opendocument:xmlns:presentation:1.0}"
_PARAGRAPHS = {f"{_TEXT}p", f"{_TEXT}h"}
# Inside a paragraph, these hold no text of its own line (a note's citation mark is
# its number, its body goes after the paragraph; a comment's author and date).
_ASIDE = {f"{_TEXT}note", f"{_OFFICE}annotation"}
_MOST_SPACES = 1000
_ROW_GROUPS = {f"{_TABLE}{name}" for name in ("table-header-rows", "table-rows", "table-row-group")}


class _Reading:
    """The lines of one page as they are read, and the warnings the reading gives."""

    def __init__(self, warnings: list[str]) -> None:
        self.lines: list[str] = []
        self.warnings = warnings

    def blocks(self, element: etree._Element) -> None:
        """Paragraphs, headings, lists, sections and tables inside ``element``, in order."""
        for child in element:
            if child.tag in _PARAGRAPHS:
                asides: list[etree._Element] = []
                text = "".join(_inline(child, asides))
                if text:
                    self.lines.append(text)
                for aside in asides:
                    # A comment holds its author and date, then paragraphs; a note its mark,
                    # then a body.
                    inside = (
                        aside.find(f"{_TEXT}note-body") if aside.tag == f"{_TEXT}note" else aside
                    )
                    if inside is not None:
                        self.blocks(inside)
            elif child.tag == f"{_TABLE}table":
                self.table(child)
            elif child.tag == f"{_PRESENTATION}notes":
                notes = _Reading(self.warnings)
                notes.blocks(child)
                if notes.lines:
                    self.lines += ["", *notes.lines]
            elif isinstance(child.tag, str):
                self.blocks(child)

    def table(self, table: etree._Element) -> None:
        """Each row with text, its cells tab-separated, repeats bounded."""
        for row in _rows(table):
            cells: list[str] = []
            for cell in row:
                if cell.tag not in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                    continue
                inside = _Reading(self.warnings)
                inside.blocks(cell)
                text = "\n".join(inside.lines)
                cells += [text] * self.repeats(cell, "columns", said=bool(text))
            line = "\t".join(cells).rstrip("\t")
            if line:
                self.lines += [line] * self.repeats(row, "rows", said=True)

    def repeats(self, element: etree._Element, what: str, *, said: bool) -> int:
        """How many times a cell or row is read: its repeat count, bounded (``said``: a
        count over the bound is a warning; an empty cell's never is, since sheets pad
        every row with thousands of them)."""
        count = _count(element.get(f"{_TABLE}number-{what}-repeated"))
        if count > MOST_REPEATS and said:
            self.warnings.append(
                f"a {what[:-1]} written once for {count:,} was read {MOST_REPEATS} times"
            )
        return min(count, MOST_REPEATS)


def _rows(element: etree._Element) -> Iterator[etree._Element]:
    """A table's rows, through header rows and row groups, not into its cells' tables."""
    for child in element:
        if child.tag == f"{_TABLE}table-row":
            yield child
        elif child.tag in _ROW_GROUPS:
            yield from _rows(child)


def _count(asked: str | None) -> int:
    """A count written in an attribute, 1 when absent or not a number."""
    return int(asked) if asked and asked.isascii() and asked.isdigit() and int(asked) else 1


def _inline(element: etree._Element, asides: list[etree._Element]) -> list[str]:
    """The text of a paragraph: spans, links, spaces, tabs and breaks, in order; notes
    and comments go to ``asides``."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag == f"{_TEXT}s":
            parts.append(" " * min(_count(child.get(f"{_TEXT}c")), _MOST_SPACES))
        elif tag == f"{_TEXT}tab":
            parts.append("\t")
        elif tag == f"{_TEXT}line-break":
            parts.append("\n")
        elif tag in _ASIDE:
            asides.append(child)
        elif isinstance(tag, str):
            parts += _inline(child, asides)
        parts.append(child.tail or "")
    return parts


def extract_opendocument(path: Path, options: ExtractOptions) -> Extraction:
    """The text of an .odt, .ods or .odp (see the module's docstring).

    Raises IngestError when its parts expand past the budget, KeyError when it has no
    ``content.xml``, and whatever zipfile or lxml raise for a broken file (the
    dispatcher records each as the file's failure).
    """
    check_expansion(path, options)
    with zipfile.ZipFile(path) as archive:
        with archive.open("mimetype") as stream:
            media_type = stream.read(128).decode("ascii", "replace").strip()
        content = etree.fromstring(archive.read("content.xml"), SAFE_XML)
        parts = [
            etree.fromstring(archive.read(name), SAFE_XML)
            for name in archive.namelist()
            if _OBJECT_PART.fullmatch(name)
        ]
        children, embedded_warnings = embedded_files(
            archive, path.stat().st_size, options, _is_ole_object
        )
    media_type = media_type if media_type in _NAMES else ODT
    warnings: list[str] = []
    pages = _pages(content, warnings)
    for part in parts:
        embedded = _pages(part, warnings)
        if any(page.text for page in embedded):
            embedded[0] = Page(f"--- embedded object ---\n{embedded[0].text}")
            pages += embedded
    return Extraction(
        _NAMES[media_type],
        VERSION,
        media_type,
        pages=tuple(pages),
        children=children,
        warnings=tuple(warnings) + embedded_warnings,
    )


_OBJECT_PART = re.compile(r"Object \d+/content\.xml")
_OLE_OBJECT = re.compile(r"Object \d+")


def _is_ole_object(member: zipfile.ZipInfo) -> bool:
    """Whether ``member`` is an OLE object embedded in the document (``Object 1``)."""
    return _OLE_OBJECT.fullmatch(member.filename) is not None


def _pages(content: etree._Element, warnings: list[str]) -> list[Page]:
    """The pages of a ``content.xml``: the text, each sheet or each slide."""
    body = content.find(f"{_OFFICE}body")
    pages: list[Page] = []
    for kind in body if body is not None else ():
        if kind.tag == f"{_OFFICE}spreadsheet":
            units = [(t, t.get(f"{_TABLE}name", "")) for t in kind.iterfind(f"{_TABLE}table")]
        elif kind.tag == f"{_OFFICE}presentation":
            units = [(page, "") for page in kind.iterfind(f"{_DRAW}page")]
        else:
            units = [(kind, "")]
        for unit, title in units:
            reading = _Reading(warnings)
            reading.table(unit) if unit.tag == f"{_TABLE}table" else reading.blocks(unit)
            pages.append(Page("\n".join([title, *reading.lines] if title else reading.lines)))
    return pages
