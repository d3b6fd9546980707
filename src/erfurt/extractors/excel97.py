"""Excel 97-2003 workbooks (.xls): one page per sheet, as for xlsx.

A sheet's page is its name, then each row's non-empty values, tab-separated: text as it
is, whole numbers without a decimal point, dates in ISO form, TRUE and FALSE as Python
writes them (as openpyxl gives them for xlsx), error values as Excel shows them
(``#DIV/0!``). Formulas give their cached values. Hidden sheets are read too.

The workbook stream is read by xlrd from the bytes olefile took from the compound file
(xlrd's own compound-file reader is not used). Encrypted workbooks fail with a hint.
"""

from __future__ import annotations

import io

import xlrd
from xlrd.biffh import XLRDError, error_text_from_code
from xlrd.xldate import XLDateError, xldate_as_datetime

from erfurt.errors import IngestError
from erfurt.extractors.result import Page

__all__ = ["VERSION", "workbook_pages"]

VERSION = f"2 (xlrd {xlrd.__VERSION__})"  # 2: files of OLE packages


def workbook_pages(workbook: bytes) -> tuple[Page, ...]:
    """The pages of the workbook whose ``Workbook`` (or Excel 95 ``Book``) stream is
    ``workbook``. Raises :class:`IngestError` for an encrypted workbook, and whatever
    xlrd raises for a broken one."""
    try:
        book = xlrd.open_workbook(
            file_contents=workbook,
            on_demand=True,  # one sheet parsed at a time
            ragged_rows=True,  # a row as wide as its own last cell, not the widest one's
            logfile=io.StringIO(),  # its notes on oddities are not the user's concern
        )
    except XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise IngestError(
                "an encrypted (password-protected) Excel workbook; preserved without text",
                "nothing is lost; to search its text, open it with its password, save an "
                "unprotected copy as xlsx or PDF and add that too",
            ) from exc
        raise
    try:
        pages = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = [sheet.name]
            for number in range(sheet.nrows):
                cells = [_text(cell, book.datemode) for cell in sheet.row(number)]
                if any(cells):
                    rows.append("\t".join(cells).rstrip("\t"))
            pages.append(Page("\n".join(rows)))
            book.unload_sheet(index)
        return tuple(pages)
    finally:
        book.release_resources()


def _text(cell: xlrd.sheet.Cell, datemode: int) -> str:
    """A cell's value as text (see the module's description)."""
    kind, value = cell.ctype, cell.value
    if kind == xlrd.XL_CELL_TEXT:
        return str(value)
    if kind == xlrd.XL_CELL_NUMBER:
        return str(int(value)) if float(value).is_integer() else str(value)
    if kind == xlrd.XL_CELL_DATE:
        try:
            moment = xldate_as_datetime(value, datemode)
        except (XLDateError, ValueError, OverflowError):
            return str(value)  # a date Excel itself could not show: the serial number
        return moment.date().isoformat() if moment.time() == moment.min.time() else str(moment)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return str(bool(value))
    if kind == xlrd.XL_CELL_ERROR:
        return str(error_text_from_code.get(value, "#ERROR"))
    return ""  # empty and blank cells
