"""Compound files (OLE2, [MS-CFB]): each kind to its reader.

Outlook messages (:mod:`~erfurt.extractors.outlook`) and the Office 97-2003 formats are
read: Word documents (:mod:`~erfurt.extractors.word97`), Excel workbooks
(:mod:`~erfurt.extractors.excel97`) and PowerPoint presentations
(:mod:`~erfurt.extractors.powerpoint97`). Files embedded as OLE packages
(:mod:`~erfurt.extractors.olepackage`) become children: an ``oleObject.bin`` of an
Office 2007 document, and the packages a Word or Excel 97-2003 file holds; a
PowerPoint 97-2003 file's embedded objects become children as compound files; a picture
object (a screenshot pasted into an Outlook message) gives its bitmap as a child image,
OCR'd as any. A Word
document or Excel workbook embedded as an object in a Word or Excel 97-2003 file (a
storage of it, not a file) gives its text as pages after the file's own. Any other
compound file fails with a reason that says what to do; the batch goes on. Every
stream is read whole from olefile, after a check that it claims no more than the file.
"""

from __future__ import annotations

import struct
from dataclasses import replace
from pathlib import Path

import olefile

from erfurt.errors import IngestError
from erfurt.extractors.excel97 import VERSION as EXCEL_VERSION
from erfurt.extractors.excel97 import workbook_pages
from erfurt.extractors.olepackage import package_children
from erfurt.extractors.outlook import extract_message
from erfurt.extractors.powerpoint97 import presentation_objects, presentation_pages
from erfurt.extractors.result import Child, Extraction, ExtractOptions, Page
from erfurt.extractors.sniff import (
    COMPOUND,
    EXCEL,
    OLE_PACKAGE,
    OUTLOOK,
    POWERPOINT,
    WORD,
    compound_type,
)
from erfurt.extractors.word97 import document_text

__all__ = ["OLE_VERSION", "extract_compound"]

OLE_VERSION = f"2 (olefile {olefile.__version__})"
"""The version of the extractors that read a compound file's streams themselves (2: the
files of OLE packages in Word documents, the objects embedded in presentations)."""
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
        if kind == OLE_PACKAGE:
            packaged, warnings = package_children(ole, size)
            if not packaged:
                raise IngestError(
                    f"an embedded object whose file cannot be read: {warnings[0]}",
                    "nothing is lost: the object is preserved as it is; open the document "
                    "that holds it, save the embedded file on its own and add that too",
                )
            (file,) = packaged
            return Extraction(
                "olepackage",
                OLE_VERSION,
                OLE_PACKAGE,
                pages=(Page(file.line),),
                children=(file.child,),
            )
        if kind == WORD:
            tables = {name: _stream(ole, name, size) for name in _TABLE_STREAMS if ole.exists(name)}
            text = document_text(_stream(ole, "WordDocument", size), tables)
            return _with_embedded(
                ole, size, Extraction("word97", OLE_VERSION, WORD, pages=(Page(text),))
            )
        if kind == EXCEL:
            workbook = next(name for name in _WORKBOOK_STREAMS if ole.exists(name))
            pages = workbook_pages(_stream(ole, workbook, size))
            return _with_embedded(
                ole, size, Extraction("excel97", EXCEL_VERSION, EXCEL, pages=pages)
            )
        if kind == POWERPOINT:
            if not ole.exists("Current User"):
                raise IngestError(
                    "a damaged PowerPoint 97-2003 presentation: its Current User stream "
                    "is missing; preserved without text",
                    "nothing is lost; if PowerPoint opens it, save it as pptx or PDF and "
                    "add that too",
                )
            slides = _stream(ole, "PowerPoint Document", size)
            current_user = _stream(ole, "Current User", size)
            pages = presentation_pages(slides, current_user)
            limit = options.budget_left(size).bytes
            objects, unread = presentation_objects(slides, current_user, limit)
            return Extraction(
                "powerpoint97",
                OLE_VERSION,
                POWERPOINT,
                pages=pages,
                children=objects,
                warnings=unread,
            )
        picture = _picture(ole, size)
        if picture is not None:
            return Extraction(
                "olepicture", OLE_VERSION, COMPOUND, children=(Child("picture.bmp", picture),)
            )
    raise IngestError(
        "a compound (OLE2) file of a kind Erfurt does not know: no extractor reads it; "
        "preserved without text",
        "nothing is lost; to search its text, save it as PDF and add that too",
    )


# A picture pasted into a message or document as an OLE object (CLSID_Picture_Dib).
_DIB_PICTURE = "00000316-0000-0000-C000-000000000046"
_BMP_HEADERS = (12, 40, 52, 56, 108, 124)  # the sizes a DIB's own header may have


def _picture(ole: olefile.OleFileIO, size: int) -> bytes | None:
    """The bitmap of a picture object (its ``CONTENTS`` stream, given the BMP file header
    a bare DIB lacks), or None when ``ole`` is not one: a child image, OCR'd as any."""
    if ole.root.clsid != _DIB_PICTURE or not ole.exists("CONTENTS"):
        return None
    contents = _stream(ole, "CONTENTS", size)
    if contents.startswith(b"BM"):
        return contents
    header = struct.unpack_from("<I", contents)[0] if len(contents) >= 40 else 0
    if header not in _BMP_HEADERS:
        return None
    if header == 12:  # BITMAPCOREHEADER: 3-byte colours, as many as the bits allow
        (bits,) = struct.unpack_from("<H", contents, 10)
        table = 3 * (1 << bits) if bits <= 8 else 0
    else:  # BITMAPINFOHEADER and later: 4-byte colours, and masks after a 40-byte one
        bits, compression, colours = struct.unpack_from("<HI12xI", contents, 14)
        table = 4 * (colours or (1 << bits if bits <= 8 else 0))
        table += 12 if header == 40 and compression == 3 else 0  # BI_BITFIELDS
    offset = 14 + header + table
    return struct.pack("<2sIHHI", b"BM", 14 + len(contents), 0, 0, offset) + contents


def _with_embedded(ole: olefile.OleFileIO, size: int, extraction: Extraction) -> Extraction:
    """``extraction`` (of a Word or Excel 97-2003 file) with what is embedded in it: the
    files of its OLE packages as children, named on a page after the text, and the text
    of the Word documents and Excel workbooks embedded as objects as pages after that
    (they are parts of the file, not files of their own). What cannot be read is a
    warning: the file's own text does not depend on it."""
    packaged, warnings = package_children(ole, size)
    pages = [Page("\n".join(file.line for file in packaged))] if packaged else []
    # What the objects' streams may hold in all: the file's size. Streams of a forged
    # file can share sectors, so that each alone fits while together they would be read
    # many times over.
    left = size
    for storage in ole.listdir(streams=False, storages=True):
        if not (storage[-1].startswith("MBD") or storage[-2:-1] == ["ObjectPool"]):
            continue  # not where Word and Excel keep embedded objects
        try:
            read, used = _embedded_pages(ole, storage, left)
            pages += read
            left -= used
        except Exception as exc:  # xlrd and olefile raise many kinds for a damaged one
            reason = (
                exc.message.removesuffix("; preserved without text")  # the file is not
                if isinstance(exc, IngestError)
                else type(exc).__name__
            )
            warnings.append(
                f"the object embedded in {'/'.join(storage)} could not be read: {reason}"
            )
    if not packaged and not pages and not warnings:
        return extraction
    return replace(
        extraction,
        pages=extraction.pages + tuple(pages),
        children=tuple(file.child for file in packaged),
        warnings=extraction.warnings + tuple(warnings),
    )


def _embedded_pages(
    ole: olefile.OleFileIO, storage: list[str], most: int
) -> tuple[list[Page], int]:
    """The pages of the Word document or Excel workbook kept in ``storage`` (none for
    another kind of object), the first marked as embedded, and the bytes read for them:
    ``most`` at most, else IngestError."""
    used = 0

    def stream(name: str) -> bytes:
        nonlocal used
        data = _stream(ole, "/".join([*storage, name]), most - used)
        used += len(data)
        return data

    if ole.exists("/".join([*storage, "WordDocument"])):
        tables = {t: stream(t) for t in _TABLE_STREAMS if ole.exists("/".join([*storage, t]))}
        pages = [Page(document_text(stream("WordDocument"), tables))]
        kind = "document"
    elif book := next((n for n in _WORKBOOK_STREAMS if ole.exists("/".join([*storage, n]))), ""):
        pages = list(workbook_pages(stream(book)))
        kind = "workbook"
    else:
        return [], 0
    first = pages[0]
    pages[0] = replace(first, text=f"--- embedded {kind} ---\n{first.text}")
    return pages, used


def _stream(ole: olefile.OleFileIO, name: str, most: int) -> bytes:
    """The stream ``name``, read whole: IngestError if it claims more than ``most``
    bytes (what the file holds for it: a looped chain of sectors would otherwise fill
    memory)."""
    size = ole.get_size(name)
    if size > most:
        raise IngestError(
            f"its stream {name} claims {size:,} bytes, more than the {most:,} the file "
            "holds for it: the file is damaged or forged",
            "its original is preserved as it is; open it in the program that made it and "
            "save it again",
        )
    with ole.openstream(name) as stream:
        return bytes(stream.read())
