"""Office Open XML: .docx (its text in reading order, see :mod:`~erfurt.extractors.wordml`)
and .xlsx (one page per sheet).

Both are zips of XML parts, so they are held to the same expansion budget as any zip
before a parser opens them. Both are opened from the file's bytes, never by its name:
the stored blob has no extension, and openpyxl refuses a path without ``.xlsx``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import docx
import openpyxl
from docx.opc.part import Part
from lxml import etree

from erfurt.errors import IngestError
from erfurt.extractors.result import BUDGET_HINT, Extraction, ExtractOptions, Page
from erfurt.extractors.sniff import DOCX, XLSX
from erfurt.extractors.wordml import NOTE_PARTS, block_lines, note_lines

__all__ = ["extract_docx", "extract_xlsx"]

DOCX_VERSION = f"2 (python-docx {version('python-docx')})"
# Parts python-docx leaves as bytes (notes, comments): no entities, nothing fetched.
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True)
XLSX_VERSION = f"openpyxl {openpyxl.__version__}"


def extract_docx(path: Path, options: ExtractOptions) -> Extraction:
    """The text of a .docx as one page: its body (paragraphs, and table rows as
    tab-separated cells, in order), then its headers, footers, notes and comments.

    Raises IngestError when its parts expand past the budget, and whatever python-docx
    raises for a broken file (the dispatcher records either).
    """
    _check_expansion(path, options)
    with path.open("rb") as stream:
        document = docx.Document(stream)
    lines = block_lines(document.element.body)
    notes: list[str] = []
    for kind in NOTE_PARTS:
        for part in _parts(document.part, kind):
            notes += note_lines(part)
    if notes:
        lines += ["", *notes]
    return Extraction("docx", DOCX_VERSION, DOCX, pages=(Page("\n".join(lines)),))


def _parts(main: Part, kind: str) -> Iterator[etree._Element]:
    """The XML of each part of ``kind`` (a relationship type's last word) the document
    part refers to, in the order its relationships list them."""
    seen: set[str] = set()
    for relationship in main.rels.values():
        if relationship.is_external or relationship.reltype.rsplit("/", 1)[-1] != kind:
            continue
        part = relationship.target_part
        if part.partname in seen:
            continue
        seen.add(part.partname)
        element = getattr(part, "element", None)
        yield element if element is not None else etree.fromstring(part.blob, _SAFE_XML)


def extract_xlsx(path: Path, options: ExtractOptions) -> Extraction:
    """One page per sheet: its name, then each row's non-empty values, tab-separated.

    Formulas give their cached values. Raises IngestError when its parts expand past the
    budget, and whatever openpyxl raises for a broken file.
    """
    _check_expansion(path, options)
    with path.open("rb") as stream:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        try:
            pages = []
            for sheet in workbook.worksheets:
                rows = [sheet.title]
                # The size a sheet declares, or its farthest cell, would otherwise pad
                # every row, and every missing row between two present ones, to its
                # widest: a 5 KB file with a cell at XFD200000 was 200,000 rows of
                # 16,384 values (64 s). Unsized, a row is as wide as its own last
                # cell, and a missing row is empty; the text is the same.
                sheet.reset_dimensions()
                for row in sheet.iter_rows(values_only=True):
                    cells = ["" if value is None else str(value) for value in row]
                    if any(cells):
                        rows.append("\t".join(cells).rstrip("\t"))
                pages.append(Page("\n".join(rows)))
        finally:
            workbook.close()
    return Extraction("xlsx", XLSX_VERSION, XLSX, pages=tuple(pages))


def _check_expansion(path: Path, options: ExtractOptions) -> None:
    """Refuse a document whose parts claim to expand past its budget.

    The parsers read parts with zipfile, which never returns more than a part's declared
    size, so the declared sizes bound what parsing can unpack.
    """
    limit = (options.budget or options.budget_for(path.stat().st_size)).bytes
    with zipfile.ZipFile(path) as archive:
        declared = sum(member.file_size for member in archive.infolist())
    if declared > limit:
        raise IngestError(
            f"its XML parts expand to {declared} bytes, over the limit of {limit} bytes "
            "(a possible zip bomb)",
            BUDGET_HINT,
        )
