"""Compound files (OLE2, [MS-CFB]): each kind to its reader.

Outlook messages (:mod:`~erfurt.extractors.outlook`) and the Office 97-2003 formats are
read: Word documents (:mod:`~erfurt.extractors.word97`), Excel workbooks
(:mod:`~erfurt.extractors.excel97`) and PowerPoint presentations
(:mod:`~erfurt.extractors.powerpoint97`). Any other compound file fails with a reason
that says what to do; the batch goes on. Every stream is read whole from olefile, after
a check that it claims no more than the file.
"""

from __future__ import annotations

from pathlib import Path

import olefile

from erfurt.errors import IngestError
from erfurt.extractors.excel97 import VERSION as EXCEL_VERSION
from erfurt.extractors.excel97 import workbook_pages
from erfurt.extractors.outlook import extract_message
from erfurt.extractors.powerpoint97 import presentation_pages
from erfurt.extractors.result import Extraction, ExtractOptions, Page
from erfurt.extractors.sniff import EXCEL, OUTLOOK, POWERPOINT, WORD, compound_type
from erfurt.extractors.word97 import document_text

__all__ = ["OLE_VERSION", "extract_compound"]

OLE_VERSION = f"1 (olefile {olefile.__version__})"
"""The version of the extractors that read a compound file's streams themselves."""
_TABLE_STREAMS = ("0Table", "1Table")
_WORKBOOK_STREAMS = ("Workbook", "Book")  # Excel 97-2003, and Excel 5 and 95


def extract_compound(path: Path, options: ExtractOptions) -> Extraction:
    """Extract an Outlook message or a Word, Excel or PowerPoint 97-2003 file; refuse
    other compound files with a reason. Raises whatever olefile (or xlrd) raises
    for a broken file (the dispatcher records it)."""
    size = path.stat().st_size
    with olefile.OleFileIO(str(path)) as ole:
        kind = compound_type(ole)
        if kind == OUTLOOK:
            return extract_message(ole, size)
        if kind == WORD:
            tables = {name: _stream(ole, name, size) for name in _TABLE_STREAMS if ole.exists(name)}
            text = document_text(_stream(ole, "WordDocument", size), tables)
            return Extraction("word97", OLE_VERSION, WORD, pages=(Page(text),))
        if kind == EXCEL:
            workbook = next(name for name in _WORKBOOK_STREAMS if ole.exists(name))
            pages = workbook_pages(_stream(ole, workbook, size))
            return Extraction("excel97", EXCEL_VERSION, EXCEL, pages=pages)
        if kind == POWERPOINT:
            if not ole.exists("Current User"):
                raise IngestError(
                    "a damaged PowerPoint 97-2003 presentation: its Current User stream "
                    "is missing; preserved without text",
                    "nothing is lost; if PowerPoint opens it, save it as pptx or PDF and "
                    "add that too",
                )
            slides = _stream(ole, "PowerPoint Document", size)
            pages = presentation_pages(slides, _stream(ole, "Current User", size))
            return Extraction("powerpoint97", OLE_VERSION, POWERPOINT, pages=pages)
    raise IngestError(
        "a compound (OLE2) file of a kind Erfurt does not know: no extractor reads it; "
        "preserved without text",
        "nothing is lost; to search its text, save it as PDF and add that too",
    )


def _stream(ole: olefile.OleFileIO, name: str, most: int) -> bytes:
    """The stream ``name``, read whole: IngestError if it claims more than the file's
    ``most`` bytes (a looped chain of sectors would otherwise fill memory)."""
    size = ole.get_size(name)
    if size > most:
        raise IngestError(
            f"its stream {name} claims {size:,} bytes, more than the whole file's {most:,}: "
            "the file is damaged or forged",
            "its original is preserved as it is; open it in the program that made it and "
            "save it again",
        )
    with ole.openstream(name) as stream:
        return bytes(stream.read())
