"""Media types from content, not names: a file named .pdf that is a PNG is a PNG."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

__all__ = [
    "COMPOUND",
    "COMPOUND_MAGIC",
    "DOCX",
    "EXCEL",
    "HEAD_BYTES",
    "ODP",
    "ODS",
    "ODT",
    "OLE_PACKAGE",
    "OUTLOOK",
    "POWERPOINT",
    "PPTX",
    "TNEF",
    "WORD",
    "XLSX",
    "compound_type",
    "media_type_of_bytes",
    "media_type_of_head",
    "media_type_of_name",
    "sniff_media_type",
]

COMPOUND_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""How every compound (OLE2) file starts."""
COMPOUND = "application/x-ole-storage"
"""A compound file (OLE2) of no kind :func:`compound_type` knows, or that olefile cannot
open (its extractor says why)."""
OUTLOOK = "application/vnd.ms-outlook"
WORD = "application/msword"
EXCEL = "application/vnd.ms-excel"
POWERPOINT = "application/vnd.ms-powerpoint"
OLE_PACKAGE = "application/x-ole-package"
"""An OLE object of the class Package: a file embedded in an Office document
(:mod:`~erfurt.extractors.olepackage`); no registered media type names it."""
PACKAGE_CLASS = "0003000C-0000-0000-C000-000000000046"
"""The CLSID of OLE packages (ProgID ``Package``)."""
NATIVE_STREAM = "\x01Ole10Native"
"""The stream that holds an OLE 1.0 object's data: a package's file."""
# The stream at a compound file's root that says which Office 97-2003 file it is
# ("Book": Excel 5 and 95).
_OFFICE_STREAMS = (
    ("WordDocument", WORD),
    ("Workbook", EXCEL),
    ("Book", EXCEL),
    ("PowerPoint Document", POWERPOINT),
)
TNEF = "application/ms-tnef"
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (COMPOUND_MAGIC, COMPOUND),
    (b"\x78\x9f\x3e\x22", TNEF),
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"BM", "image/bmp"),
    (b"{\\rtf", "application/rtf"),
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
_BY_SUFFIX = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".bmp": "image/bmp",
    ".webp": "image/webp",
    ".html": "text/html",
    ".htm": "text/html",
    ".eml": "message/rfc822",
    ".txt": "text/plain",
    ".rtf": "application/rtf",
    ".msg": OUTLOOK,
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".pptx": PPTX,
    ".odt": ODT,
    ".ods": ODS,
    ".odp": ODP,
    ".zip": "application/zip",
}
# XHTML may open with an XML declaration, and its doctype names "html" after a space.
_NOT_SPACE = re.compile(rb"\S")
_XML_DECLARATION = re.compile(rb"<\?xml[^>]*>", re.I)
_HTML_TAG = re.compile(rb"<(!doctype\s+html|html|head|body|meta|title)\b", re.I)
_HEADER_LINE = re.compile(rb"^([A-Za-z][A-Za-z0-9-]*):[ \t]", re.M)
_MAIL_HEADERS = {b"from", b"to", b"subject", b"date", b"received", b"message-id", b"mime-version"}
_PROPERTY, _PROPERTIES = "__substg1.0_", "__properties_version1.0"  # a message's streams
_MESSAGE_STREAM = _PROPERTY.encode("utf-16-le")
HEAD_BYTES = 8192
"""How many of a file's first bytes the media type is judged from."""


def media_type_of_name(name: str) -> str:
    """The media type a file's name claims, or '' when its suffix says nothing."""
    return _BY_SUFFIX.get(os.path.splitext(os.path.basename(name))[1].lower(), "")


def sniff_media_type(path: Path) -> str:
    """The media type of the file at ``path``, judged from its bytes.

    Falls back to ``application/octet-stream`` for binary data nothing recognises and
    ``text/plain`` for anything without NUL bytes. Raises OSError if it cannot be read.
    """
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    media_type = media_type_of_head(head)
    if media_type == "application/zip":
        return _zip_flavour(path)
    return _compound_flavour(str(path)) if media_type == COMPOUND else media_type


def media_type_of_bytes(data: bytes) -> str:
    """The media type of a whole file's bytes ``data``, as :func:`sniff_media_type`
    judges the same bytes in a file."""
    media_type = media_type_of_head(data[:HEAD_BYTES])
    if media_type == "application/zip":
        return _zip_flavour(io.BytesIO(data))
    return _compound_flavour(io.BytesIO(data)) if media_type == COMPOUND else media_type


def media_type_of_head(head: bytes) -> str:
    """The media type judged from a file's first :data:`HEAD_BYTES` bytes, as
    :func:`sniff_media_type` judges it, except that any zip is ``application/zip`` (only
    the whole file tells a docx or xlsx)."""
    if not head:
        return "application/x-empty"
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            # A message's directory names its property streams; small files keep their
            # directory near the start. Else the extractor tells (it reads the directory).
            if media_type == COMPOUND and _MESSAGE_STREAM in head:
                return OUTLOOK
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "application/zip"
    return _text_flavour(head)


def _zip_flavour(source: Path | BinaryIO) -> str:
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            declared = _opendocument_type(archive) if {"mimetype", "content.xml"} <= names else ""
    except Exception:
        # Hostile zips make the standard library raise more than BadZipFile (a "version
        # 8.4" entry: NotImplementedError; offsets past the end: OverflowError). This is
        # a guess: a zip it cannot list is a plain zip here, and the zip extractor says why.
        return "application/zip"
    if declared:
        return declared
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
        if "ppt/presentation.xml" in names:
            return PPTX
    return "application/zip"


def compound_type(ole: Any) -> str:
    """The media type of the compound file ``ole`` (an open ``olefile.OleFileIO``), from
    the streams at its root (an Outlook message holds MAPI properties) or its class."""
    if ole.exists(_PROPERTIES) and any(entry[0].startswith(_PROPERTY) for entry in ole.listdir()):
        return OUTLOOK
    if ole.root.clsid == PACKAGE_CLASS and ole.exists(NATIVE_STREAM):
        return OLE_PACKAGE
    return next((kind for stream, kind in _OFFICE_STREAMS if ole.exists(stream)), COMPOUND)


def _compound_flavour(source: str | BinaryIO) -> str:
    """:func:`compound_type` of a compound file, by its path or as a stream (never as
    bytes: olefile takes bytes shorter than a sector for a file name); COMPOUND for one
    olefile cannot open (a guess: the extractor opens it again and says why)."""
    import olefile  # only when a compound file comes: most folders hold none

    try:
        with olefile.OleFileIO(source) as ole:
            return compound_type(ole)
    except Exception:  # hostile directories make olefile raise more than OSError
        return COMPOUND


def _opendocument_type(archive: zipfile.ZipFile) -> str:
    """The OpenDocument type its ``mimetype`` member names (its first 128 bytes), or ""."""
    with archive.open("mimetype") as stream:
        declared = stream.read(128).decode("ascii", "replace").strip()
    return declared if declared in (ODT, ODS, ODP) else ""


def _text_flavour(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text/plain"  # UTF-16 with a byte-order mark
    body = head.removeprefix(b"\xef\xbb\xbf")
    # Mail first: a NUL byte in a body (a broken attachment, a sender's bug) does not
    # make a message with mail headers binary.
    block = body.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    if _HEADER_LINE.match(block):  # only then are its header names worth collecting
        found = {m.group(1).lower() for m in _HEADER_LINE.finditer(block)}
        if len(found & _MAIL_HEADERS) >= 2:
            return "message/rfc822"
    if b"\x00" in head:
        return "application/octet-stream"
    if _starts_as_html(body):
        return "text/html"
    return "text/plain"


def _starts_as_html(body: bytes) -> bool:
    """Whether ``body`` opens with an HTML tag or doctype, after blank space, an XML
    declaration and comments.

    Read a step at a time, each comment ending at its first ``-->``: one pattern for
    all of it (comments repeated, each matched lazily) backtracked exponentially, and a
    file of 40 empty comments took minutes to sniff.
    """
    at = _past_space(body, 0)
    declaration = _XML_DECLARATION.match(body, at)
    if declaration:
        at = declaration.end()
    while True:
        at = _past_space(body, at)
        if not body.startswith(b"<!--", at):
            return _HTML_TAG.match(body, at) is not None
        end = body.find(b"-->", at + 4)
        if end < 0:
            return False
        at = end + 3


def _past_space(body: bytes, at: int) -> int:
    """The offset of the first byte of ``body`` from ``at`` on that is not blank space."""
    found = _NOT_SPACE.search(body, at)
    return found.start() if found else len(body)
