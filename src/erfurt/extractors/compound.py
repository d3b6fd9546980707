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
from erfurt.extractors.excel97 import EXCEL, workbook_pages
from erfurt.extractors.excel97 import VERSION as EXCEL_VERSION
from erfurt.extractors.outlook import extract_message, is_message
from erfurt.extractors.powerpoint97 import POWERPOINT, presentation_pages
from erfurt.extractors.result import Extraction, ExtractOptions, Page
from erfurt.extractors.word97 import WORD, document_text

__all__ = ["extract_compound"]

OLE_VERSION = f"1 (olefile {olefile.__version__})"
"""The version of the extractors that read a compound file's streams themselves."""
_WORD_STREAM, _TABLE_STREAMS = "WordDocument", ("0Table", "1Table")
_WORKBOOK_STREAMS = ("Workbook", "Book")  # Excel 97-2003, and Excel 5 and 95
_SLIDES_STREAM, _CURRENT_USER = "PowerPoint Document", "Current User"


def extract_compound(path: Path, options: ExtractOptions) -> Extraction:
    """Extract an Outlook message or a Word, Excel or PowerPoint 97-2003 file; refuse
    other compound files with a reason. Raises whatever olefile (or xlrd) raises
    for a broken file (the dispatcher records it)."""
    with olefile.OleFileIO(str(path)) as ole:
        if is_message(ole):
            return extract_message(ole, path.stat().st_size)
        if ole.exists(_WORD_STREAM):
            return _word(ole, path.stat().st_size)
        workbook = next((name for name in _WORKBOOK_STREAMS if ole.exists(name)), None)
        if workbook is not None:
            pages = workbook_pages(_stream(ole, workbook, path.stat().st_size))
            return Extraction("excel97", EXCEL_VERSION, EXCEL, pages=pages)
        if ole.exists(_SLIDES_STREAM):
            if not ole.exists(_CURRENT_USER):
                raise IngestError(
                    "a damaged PowerPoint 97-2003 presentation: its Current User stream "
                    "is missing; preserved without text",
                    "nothing is lost; if PowerPoint opens it, save it as pptx or PDF and "
                    "add that too",
                )
            size = path.stat().st_size
            pages = presentation_pages(
                _stream(ole, _SLIDES_STREAM, size), _stream(ole, _CURRENT_USER, size)
            )
            return Extraction("powerpoint97", OLE_VERSION, POWERPOINT, pages=pages)
    raise IngestError(
        "a compound (OLE2) file of a kind Erfurt does not know: no extractor reads it; "
        "preserved without text",
        "nothing is lost; to search its text, save it as PDF and add that too",
    )


def _word(ole: olefile.OleFileIO, most: int) -> Extraction:
    tables = {name: _stream(ole, name, most) for name in _TABLE_STREAMS if ole.exists(name)}
    text = document_text(_stream(ole, _WORD_STREAM, most), tables)
    return Extraction("word97", OLE_VERSION, WORD, pages=(Page(text),))


def _stream(ole: olefile.OleFileIO, name: str, most: int) -> bytes:
    """The stream ``name``, read whole: IngestError if it claims more than the file's
    ``most`` bytes (a looped chain of sectors would otherwise fill memory)."""
    size = ole.get_size(name)
    if size > most:
        raise IngestError(
            f"its stream {name} claims {size:,} bytes, more than the whole file's {most:,}: "
            "the document is damaged or forged",
            "its original is preserved as it is; open it in Word and save it again",
        )
    with ole.openstream(name) as stream:
        return bytes(stream.read())
