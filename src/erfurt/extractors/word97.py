"""Word 97-2003 documents (.doc): their text, as the piece table lays it out ([MS-DOC]).

A .doc is a compound file (OLE2) whose ``WordDocument`` stream starts with the File
Information Block (FIB). The FIB names the table stream (``0Table`` or ``1Table``) and
where in it the piece table lies (``fcClx``, ``lcbClx``): the text, in character
positions (CPs), is cut into pieces, each stored elsewhere in ``WordDocument`` either as
UTF-16 or "compressed" as one byte per character (Windows-1252). The main text comes
first, then footnotes, headers, comments, endnotes and text boxes, their lengths in the
FIB (``ccpText``, ``ccpFtn``, ...); all of them are read, in that order.

Word marks structure with control characters in the text itself: paragraphs end with CR,
table cells with 0x07; a field is ``0x13 instructions 0x14 result 0x15`` and only its
result is text (a hyperlink's shown words, not ``HYPERLINK "..."``). The formatting
(bold, styles) lives in other tables and is not read.

Hostile input fails with a reason: a FIB or piece table that points outside its stream,
pieces out of order, or more text than the file could hold (pieces may overlap, so a
small file could otherwise claim gigabytes). Encrypted documents are refused with a hint.
"""

from __future__ import annotations

import re
import struct

from erfurt.errors import IngestError

__all__ = ["document_text"]


_IDENT = 0xA5EC  # FibBase.wIdent of every Word 97-2003 document
_FIRST_NFIB = 0x00C0  # Word 97 and later; Word 6 and 95 lay the FIB out otherwise
_ENCRYPTED, _TABLE_1 = 0x0100, 0x0200  # FibBase flags at offset 0x0A
_CCP_OFFSET = 0x004C  # FibRgLw97.ccpText, then ccpFtn, ccpHdd, a reserved one, ccpAtn, ...
_STORIES = 8  # ccpText ccpFtn ccpHdd ccpMcr ccpAtn ccpEdn ccpTxbx ccpHdrTxbx
_CLX_OFFSET = 0x01A2  # FibRgFcLcb97.fcClx, then lcbClx
_PRC, _PCDT = 0x01, 0x02  # the kinds of a Clx's entries
_COMPRESSED, _FC = 0x40000000, 0x3FFFFFFF  # FcCompressed: fCompressed, and fc
_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"
_CELL = "\x07"

# Word's marks in the text as plain text: paragraph and cell ends, line, page, section and
# column breaks; a non-breaking hyphen is a hyphen; the others (pictures, drawn objects,
# note and comment anchors, optional hyphens) are no text.
_MARKS = str.maketrans(
    {
        "\r": "\n",
        _CELL: "\t",
        "\x0b": "\n",
        "\x0c": "\n",
        "\x0e": "\n",
        "\x1e": "-",
        **{chr(c): None for c in (*range(0x00, 0x07), 0x08, *range(0x0F, 0x1E), 0x1F)},
    }
)
_TRAILING_TABS = re.compile("\t+\n")


def document_text(document: bytes, tables: dict[str, bytes]) -> str:
    """The text of a Word 97-2003 document, from its ``WordDocument`` stream and its table
    streams by name (``0Table``, ``1Table``: those present). Raises :class:`IngestError`
    for an encrypted, older (Word 6/95) or damaged document."""
    if len(document) < _CLX_OFFSET + 8:
        raise _damaged("its File Information Block is cut short")
    ident, version = struct.unpack_from("<HH", document, 0)
    (flags,) = struct.unpack_from("<H", document, 0x0A)
    if ident != _IDENT:
        raise _damaged("its File Information Block does not start as Word's does")
    if version < _FIRST_NFIB:
        raise IngestError(
            "a Word 6 or Word 95 document: only Word 97-2003 documents are read; "
            "preserved without text",
            "nothing is lost; to search its text, save it as docx or PDF and add that too",
        )
    if flags & _ENCRYPTED:
        raise IngestError(
            "an encrypted (password-protected) Word document; preserved without text",
            "nothing is lost; to search its text, open it with its password, save an "
            "unprotected copy as docx or PDF and add that too",
        )
    table_name = "1Table" if flags & _TABLE_1 else "0Table"
    table = tables.get(table_name)
    if table is None:
        raise _damaged(f"its table stream {table_name} is missing")
    stories = struct.unpack_from(f"<{_STORIES}i", document, _CCP_OFFSET)
    if any(length < 0 for length in stories):
        raise _damaged("a story's length is negative")
    fc_clx, lcb_clx = struct.unpack_from("<II", document, _CLX_OFFSET)
    if fc_clx + lcb_clx > len(table):
        raise _damaged("its piece table lies outside the table stream")
    text = _pieces_text(document, table[fc_clx : fc_clx + lcb_clx], sum(stories))
    return _plain(_field_results(text))


def _pieces_text(document: bytes, clx: bytes, wanted: int) -> str:
    """The first ``wanted`` characters the piece table in ``clx`` describes (all of them
    if it holds fewer, as a document saved with a miscounted story may)."""
    position = 0
    while position < len(clx) and clx[position] == _PRC:  # formatting of pieces: skipped
        if position + 3 > len(clx):
            raise _damaged("its piece table is cut short")
        (size,) = struct.unpack_from("<h", clx, position + 1)
        if size < 0:
            raise _damaged("its piece table holds a negative length")
        position += 3 + size
    if position + 5 > len(clx) or clx[position] != _PCDT:
        raise _damaged("its piece table is missing")
    (size,) = struct.unpack_from("<I", clx, position + 1)
    plc = clx[position + 5 : position + 5 + size]
    if len(plc) != size or size < 4 or (size - 4) % 12:
        raise _damaged("its piece table has a length no table of pieces has")
    count = (size - 4) // 12
    cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
    parts: list[str] = []
    held = 0  # characters so far: never more than the file's bytes could hold
    for n in range(count):
        start, end = cps[n], min(cps[n + 1], wanted)
        if cps[n + 1] < start:
            raise _damaged("its pieces are out of order")
        if start >= wanted:
            break
        (stored,) = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * n + 2)
        length = end - start
        held += length
        if held > len(document):
            raise _damaged("its pieces hold more text than the file")
        # A CP is a byte of a compressed piece, else a UTF-16 code unit (a character
        # beyond the BMP takes two).
        compressed = bool(stored & _COMPRESSED)
        offset = (stored & _FC) // 2 if compressed else stored & _FC
        size = length if compressed else 2 * length
        data = document[offset : offset + size]
        if len(data) != size:
            raise _damaged("a piece lies outside the WordDocument stream")
        parts.append(data.decode("cp1252" if compressed else "utf-16-le", errors="replace"))
    return "".join(parts)


def _field_results(text: str) -> str:
    """``text`` with each field's instructions left out and its result kept (fields nest;
    a field with no result is left out whole)."""
    if _FIELD_BEGIN not in text:
        return text
    kept: list[str] = []
    showing = [True]  # per open field: whether its current part is shown
    for part in re.split("([\x13\x14\x15])", text):
        if part == _FIELD_BEGIN:
            showing.append(False)  # its instructions
        elif part == _FIELD_SEPARATOR:
            if len(showing) > 1:
                showing[-1] = True  # its result
        elif part == _FIELD_END:
            if len(showing) > 1:
                showing.pop()
        elif all(showing):
            kept.append(part)
    return "".join(kept)


def _plain(text: str) -> str:
    """Word's marks as plain text, each table row on a line of its own: a row ends with
    its last cell's mark and the row's own (an empty cell, a mark alone, may end a line
    early; the words are the same)."""
    rows = text.replace(_CELL + _CELL, "\n")
    return _TRAILING_TABS.sub("\n", rows.translate(_MARKS)).strip("\n")


def _damaged(why: str) -> IngestError:
    return IngestError(
        f"a damaged Word 97-2003 document: {why}; preserved without text",
        "nothing is lost; if Word opens it, save it as docx or PDF and add that too",
    )
