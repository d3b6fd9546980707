"""Compound files (OLE2, [MS-CFB]): each kind to its reader.

Outlook messages (:mod:`~erfurt.extractors.outlook`), Word 97-2003 documents
(:mod:`~erfurt.extractors.word97`) and Excel 97-2003 workbooks
(:mod:`~erfurt.extractors.excel97`) are read. PowerPoint 97-2003 presentations, and any
other compound file, fail with a reason that says what to do; the batch goes on. Every
stream is read whole from olefile, after a check that it claims no more than the file.
"""

from __future__ import annotations

from pathlib import Path

import olefile

from erfurt.errors import IngestError
from erfurt.extractors.excel97 import EXCEL, workbook_pages
from erfurt.extractors.excel97 import VERSION as EXCEL_VERSION
from erfurt.extractors.outlook import extract_message, is_message
from erfurt.extractors.result import Extraction, ExtractOptions, Page
from erfurt.extractors.word97 import WORD, document_text

__all__ = ["extract_compound"]

WORD_NAME = "word97"
WORD_VERSION = f"1 (olefile {olefile.__version__})"
_WORD_STREAM, _TABLE_STREAMS = "WordDocument", ("0Table", "1Table")
_WORKBOOK_STREAMS = ("Workbook", "Book")  # Excel 97-2003, and Excel 5 and 95
_NOT_READ = {"PowerPoint Document": "a PowerPoint 97-2003 presentation"}


def extract_compound(path: Path, options: ExtractOptions) -> Extraction:
    """Extract an Outlook message, a Word 97-2003 document or an Excel 97-2003 workbook;
    refuse other compound files with a reason. Raises whatever olefile (or xlrd) raises
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
        kind = next(
            (kind for stream, kind in _NOT_READ.items() if ole.exists(stream)),
            "a compound (OLE2) file of a kind Erfurt does not know",
        )
    raise IngestError(
        f"{kind}: no extractor reads these yet; preserved without text",
        "nothing is lost; to search its text, save it as pptx or PDF and add that too",
    )


def _word(ole: olefile.OleFileIO, most: int) -> Extraction:
    tables = {name: _stream(ole, name, most) for name in _TABLE_STREAMS if ole.exists(name)}
    text = document_text(_stream(ole, _WORD_STREAM, most), tables)
    return Extraction(WORD_NAME, WORD_VERSION, WORD, pages=(Page(text),))


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
