"""Rich Text Format (WordPad, TextEdit, older word processors): the text a reader sees.

RTF is text with control words: ``\\par`` ends a paragraph, ``\\uN`` is a Unicode
character followed by a fallback the reader skips, ``\\'hh`` is a byte in the code page
of the document or of the current font (a Chinese font's ``\\fcharset134`` is GBK even
in a document declared ``\\ansicpg1252``), and groups that start with ``\\*`` or name a
destination such as the font table or a picture hold no text. Fields show their result,
not their code. Headers, footers and footnotes are text and are kept where they stand.

An embedded object's data (``\\objdata``: hexadecimal digits, an OLE 1.0 object,
[MS-OLEDS] 2.2.4) is read too: a file dropped in as a package becomes a child under its
name (:mod:`~erfurt.extractors.olepackage`), an object kept as a compound file (a
workbook, a document) a child ``oleObject<n>.bin`` read in turn; other objects (an
equation) hold no file.

Groups nest as deep as the file says, kept in a list, not by recursion; past
:data:`DEEPEST` levels a group is read as part of the one around it, with a warning.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, replace
from pathlib import Path

from erfurt.errors import IngestError
from erfurt.extractors.olepackage import PackagedFile, ole1_object, packaged_file
from erfurt.extractors.result import Child, Extraction, ExtractOptions, Page
from erfurt.extractors.sniff import COMPOUND_MAGIC
from erfurt.extractors.text import code_page_codec

__all__ = ["DEEPEST", "extract_rtf", "rtf_to_text"]

NAME = "rtf"
VERSION = "2"  # 2: embedded objects
MEDIA_TYPE = "application/rtf"
DEEPEST = 1000
"""Groups nested deeper than this are read as part of the group around them."""

_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # a control word and its number
    rb"|\\'([0-9a-fA-F]{2})"  # a byte in the current code page
    rb"|\\([^a-zA-Z'])"  # a control symbol
    rb"|([{}])"
    rb"|[\r\n]+"
    rb"|([^\\{}\r\n]+)"
    rb"|.",  # a lone backslash, or one before a byte no RTF writes: passed over
    re.S,
)
# Destinations that hold no text a reader sees (the font table is read for its code pages).
_SKIPPED = {
    b"fonttbl", b"colortbl", b"stylesheet", b"info", b"pict", b"object", b"objdata",
    b"fldinst", b"themedata", b"colorschememapping", b"datastore", b"latentstyles",
    b"listtable", b"listoverridetable", b"rsidtbl", b"generator", b"xmlnstbl",
    b"filetbl", b"revtbl", b"pgdsctbl", b"shppict", b"nonshppict", b"bkmkstart", b"bkmkend",
}  # fmt: skip
_WORDS = {
    b"par": "\n", b"line": "\n", b"sect": "\n", b"page": "\n", b"row": "\n", b"tab": "\t",
    b"cell": "\t", b"emdash": "\u2014", b"endash": "\u2013", b"bullet": "\u2022",
    b"lquote": "\u2018", b"rquote": "\u2019", b"ldblquote": "\u201c", b"rdblquote": "\u201d",
    b"emspace": "\u2003", b"enspace": "\u2002", b"qmspace": "\u2005",
}  # fmt: skip
_SYMBOLS = {b"\\": "\\", b"{": "{", b"}": "}", b"~": "\u00a0", b"_": "\u2011", b"-": ""}
# Windows character sets (\fcharsetN) and the code pages they are written in.
_CHARSETS = {
    0: "cp1252", 128: "cp932", 129: "cp949", 134: "gbk", 136: "big5", 161: "cp1253",
    162: "cp1254", 163: "cp1258", 177: "cp1255", 178: "cp1256", 186: "cp1257",
    204: "cp1251", 222: "cp874", 238: "cp1250",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Group:
    skip: bool = False  # inside a destination that holds no text
    codec: str = "cp1252"  # of \'hh bytes here
    unicode_skip: int = 1  # \ucN: fallback characters after each \uN
    in_font_table: bool = False
    in_object_data: bool = False  # \objdata: hexadecimal digits of an OLE object


class _Reader:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.warnings: list[str] = []
        self.document_codec = "cp1252"
        self.fonts: dict[int, str] = {}  # font number -> codec, from the font table
        self.font = -1  # the font being defined in the font table
        self.pending = bytearray()  # \'hh bytes not decoded yet (a character may take two)
        self.units: list[int] = []  # \uN code units not decoded yet (a surrogate pair)
        self.to_skip = 0  # fallback characters still to skip after a \uN
        self.too_deep = False
        self.object_data: list[bytes] = []  # the \objdata being read (hex digits, raw bytes)
        self.objects: list[bytes] = []  # each \objdata read, decoded

    def flush(self, group: _Group) -> None:
        if self.pending:
            self.parts.append(bytes(self.pending).decode(group.codec, "replace"))
            self.pending.clear()
        if self.units:
            raw = b"".join(unit.to_bytes(2, "little") for unit in self.units)
            self.parts.append(raw.decode("utf-16-le", "replace"))
            self.units.clear()

    def end_object(self) -> None:
        """An \\objdata group closed: keep its bytes (hex digits, anything else skipped)."""
        digits = re.sub(rb"[^0-9a-fA-F]", b"", b"".join(self.object_data))
        self.object_data.clear()
        if digits:
            self.objects.append(bytes.fromhex(digits[: len(digits) // 2 * 2].decode()))

    def text(self, group: _Group, data: bytes) -> None:
        if self.to_skip:
            skipped = min(self.to_skip, len(data))
            self.to_skip -= skipped
            data = data[skipped:]
        if not data or group.skip:
            return
        self.flush(group)
        self.parts.append(data.decode(group.codec, "replace"))


def rtf_to_text(data: bytes) -> tuple[str, tuple[str, ...]]:
    """The text of the RTF document ``data``, and any warnings."""
    text, warnings, _ = _read(data)
    return text, warnings


def _read(data: bytes) -> tuple[str, tuple[str, ...], list[bytes]]:
    """The text of the RTF document ``data``, any warnings, and its objects' data."""
    reader = _Reader()
    stack: list[_Group] = []
    group = _Group()
    deep = 0  # groups opened past DEEPEST, read as part of the group around them
    destination_next = False  # the group just opened starts with \*
    first_in_group = False
    position = 0
    while position < len(data):
        match = _TOKEN.match(data, position)
        assert match is not None  # the last alternative matches any byte
        position = match.end()
        word, number, hexbyte, symbol, brace, text = match.groups()
        if word == b"bin" and number is not None:  # raw bytes follow, braces and all
            length = max(0, int(number))
            if group.in_object_data:
                reader.object_data.append(data[position : position + length].hex().encode())
            position += length
            continue
        if brace == b"{":
            reader.flush(group)
            reader.to_skip = 0
            if len(stack) >= DEEPEST:
                deep += 1
                reader.too_deep = True
                continue
            stack.append(group)
            first_in_group, destination_next = True, False
            continue
        if brace == b"}":
            reader.flush(group)
            reader.to_skip = 0
            if deep:
                deep -= 1
            elif stack:
                inner, group = group, stack.pop()
                if inner.in_object_data and not group.in_object_data:
                    reader.end_object()
            continue
        starts_group, first_in_group = first_in_group, False
        if hexbyte is not None:
            if reader.to_skip:
                reader.to_skip -= 1
            elif not group.skip and not group.in_font_table:
                if reader.units:
                    reader.flush(group)
                reader.pending.append(int(hexbyte, 16))
            continue
        if text is not None:
            if group.in_object_data:
                reader.object_data.append(text)
                continue
            if group.in_font_table and not group.skip:
                reader.flush(group)
                continue  # font names: not text
            reader.text(group, text)
            continue
        if symbol is not None:
            if symbol == b"*":
                destination_next = starts_group or destination_next
                first_in_group = starts_group  # the destination's word comes next
                continue
            if symbol in (b"\n", b"\r"):
                word = b"par"
            elif not group.skip and symbol in _SYMBOLS:
                reader.flush(group)
                reader.parts.append(_SYMBOLS[symbol])
                continue
            else:
                continue
        if word is None:
            continue  # line breaks in the file itself
        group = _control(reader, group, word, number, starts_group, destination_next)
        destination_next = False
    reader.flush(group)
    if reader.too_deep:
        reader.warnings.append(
            f"groups nested deeper than {DEEPEST:,} levels were read as part of the ones "
            "around them"
        )
    lines = "".join(reader.parts).split("\n")
    text = "\n".join(line.rstrip(" \t") for line in lines).strip("\n")
    return text, tuple(reader.warnings), reader.objects


def _control(
    reader: _Reader, group: _Group, word: bytes, number: bytes | None, starts: bool, star: bool
) -> _Group:
    """Apply one control word: text it stands for, or what it changes in ``group``."""
    value = int(number) if number is not None else None
    if starts and (star or word in _SKIPPED):
        if word == b"fonttbl":
            return replace(group, in_font_table=True)
        if word == b"objdata":
            return replace(group, skip=True, in_object_data=True)
        return replace(group, skip=True)
    if word == b"u" and value is not None:
        if not group.skip:
            if reader.pending:
                reader.flush(group)
            reader.units.append(value + 65536 if value < 0 else value)
        reader.to_skip = group.unicode_skip
        return group
    reader.to_skip = 0
    if word == b"uc" and value is not None:
        return replace(group, unicode_skip=max(0, min(value, 10)))
    if word == b"ansicpg" and value is not None:
        reader.document_codec = code_page_codec(value, reader.document_codec)
        return replace(group, codec=reader.document_codec)
    if group.in_font_table:
        if word == b"f" and value is not None:
            reader.font = value
        elif word == b"fcharset" and value is not None and value in _CHARSETS:
            reader.fonts[reader.font] = _CHARSETS[value]
        return group
    if word == b"f" and value is not None:
        reader.flush(group)
        return replace(group, codec=reader.fonts.get(value, reader.document_codec))
    if not group.skip and word in _WORDS:
        reader.flush(group)
        reader.parts.append(_WORDS[word])
    return group


def extract_rtf(path: Path, options: ExtractOptions) -> Extraction:
    """Extract an RTF file's text, and the files of its embedded objects as children.
    Raises OSError if it cannot be read."""
    text, warnings, objects = _read(path.read_bytes())
    children: list[Child] = []
    packaged: list[PackagedFile] = []
    unread: list[str] = []
    for number, data in enumerate(objects, start=1):
        try:
            class_name, native = ole1_object(data)
            if class_name == "Package":
                packaged.append(packaged_file(struct.pack("<I", len(native)) + native))
                children.append(packaged[-1].child)
            elif native.startswith(COMPOUND_MAGIC):
                children.append(Child(f"oleObject{number}.bin", native))
        except IngestError as exc:
            unread.append(f"embedded object {number} could not be read: {exc.message}")
    pages = [Page(text)]
    if packaged:
        pages.append(Page("\n".join(file.line for file in packaged)))
    return Extraction(
        NAME,
        VERSION,
        MEDIA_TYPE,
        pages=tuple(pages),
        children=tuple(children),
        warnings=warnings + tuple(unread),
    )
