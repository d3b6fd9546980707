"""Office Open XML: .docx (paragraphs and tables, in order) and .xlsx (one page per sheet)."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import docx
import openpyxl
from docx.table import Table

from erfurt.ingest.extractors.result import Extraction, ExtractOptions, Page
from erfurt.ingest.extractors.sniff import DOCX, XLSX

__all__ = ["extract_docx", "extract_xlsx"]

DOCX_VERSION = f"python-docx {version('python-docx')}"
XLSX_VERSION = f"openpyxl {openpyxl.__version__}"


def extract_docx(path: Path, options: ExtractOptions) -> Extraction:
    """The text of a .docx as one page: paragraphs, and table rows as tab-separated cells.

    Raises whatever python-docx raises for a broken file (the dispatcher records it).
    """
    document = docx.Document(str(path))
    blocks: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            blocks += ["\t".join(cell.text for cell in row.cells) for row in block.rows]
        elif block.text:
            blocks.append(block.text)
    return Extraction("docx", DOCX_VERSION, DOCX, pages=(Page("\n".join(blocks)),))


def extract_xlsx(path: Path, options: ExtractOptions) -> Extraction:
    """One page per sheet: its name, then each row's non-empty values, tab-separated.

    Formulas give their cached values. Raises whatever openpyxl raises for a broken file.
    """
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        pages = []
        for sheet in workbook.worksheets:
            rows = [sheet.title]
            for row in sheet.iter_rows(values_only=True):
                cells = ["" if value is None else str(value) for value in row]
                if any(cells):
                    rows.append("\t".join(cells).rstrip("\t"))
            pages.append(Page("\n".join(rows)))
    finally:
        workbook.close()
    return Extraction("xlsx", XLSX_VERSION, XLSX, pages=tuple(pages))
