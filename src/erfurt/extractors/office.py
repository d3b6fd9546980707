"""Office Open XML: .docx (paragraphs and tables, in order) and .xlsx (one page per sheet).

Both are zips of XML parts, so they are held to the same expansion budget as any zip
before a parser opens them. Both are opened from the file's bytes, never by its name:
the stored blob has no extension, and openpyxl refuses a path without ``.xlsx``.
"""

from __future__ import annotations

import zipfile
from importlib.metadata import version
from pathlib import Path

import docx
import openpyxl
from docx.table import Table, _Cell

from erfurt.errors import IngestError
from erfurt.extractors.result import BUDGET_HINT, Extraction, ExtractOptions, Page
from erfurt.extractors.sniff import DOCX, XLSX

__all__ = ["extract_docx", "extract_xlsx"]

DOCX_VERSION = f"2 (python-docx {version('python-docx')})"
XLSX_VERSION = f"openpyxl {openpyxl.__version__}"


def extract_docx(path: Path, options: ExtractOptions) -> Extraction:
    """The text of a .docx as one page: paragraphs, and table rows as tab-separated cells.

    Raises IngestError when its parts expand past the budget, and whatever python-docx
    raises for a broken file (the dispatcher records either).
    """
    _check_expansion(path, options)
    with path.open("rb") as stream:
        document = docx.Document(stream)
    blocks: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            blocks += _table_lines(block)
        elif block.text:
            blocks.append(block.text)
    return Extraction("docx", DOCX_VERSION, DOCX, pages=(Page("\n".join(blocks)),))


def _table_lines(table: Table) -> list[str]:
    """Each row of ``table``, its cells' texts tab-separated; a cell merged across
    columns or down rows gives its text once, where it starts.

    The XML is read cell element by cell element: python-docx's rows hand back a merged
    cell once for every column and row it covers, finding each row's cell above by
    walking the rows before it, one call deeper a row (a label merged down 500 rows took
    7 s, 1,000 rows stopped with a RecursionError, and a cell spanning 100,000 columns
    was its text 100,000 times).
    """
    return [
        "\t".join("" if tc.vMerge == "continue" else _Cell(tc, table).text for tc in row.tc_lst)
        for row in table._tbl.tr_lst
    ]


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
