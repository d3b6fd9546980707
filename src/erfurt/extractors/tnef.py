"""TNEF (``winmail.dat``): the wrapper Outlook puts a message's body and attachments in.

A message sent from Outlook in its own rich format reaches other mail programs with one
attachment, ``winmail.dat`` (``application/ms-tnef``), that holds the body and the real
attachments ([MS-OXTNEF]). Without reading it, those attachments are out of reach. Here
the attachments become children (named by their long file name, else their title) and
the text is the subject and the body (plain, else HTML, else compressed RTF).

The stream is a run of attributes: a level, an id, a length, the data and a checksum.
Some hold MAPI property lists, read for the few properties wanted; a list that holds a
type this reader does not know is read up to it. Lengths are checked against what is
left, so a forged one ends the reading instead of reading past the data.

An attachment that is an object rather than a file holds an interface id, then the
object: an OLE object (``IStorage``: a compound file, such as a picture or a file
dropped in as a package) or a message attached as an item (``IMessage``: a TNEF stream of
its own). Either becomes a child, read in turn like any other file; any other object
is named in a warning.
"""

from __future__ import annotations

import struct
import uuid
from pathlib import Path

from erfurt.errors import IngestError
from erfurt.extractors.outlook import message_body
from erfurt.extractors.result import Child, Extraction, ExtractOptions, Page
from erfurt.extractors.sniff import COMPOUND_MAGIC, TNEF
from erfurt.extractors.text import code_page_codec

__all__ = ["extract_tnef"]

NAME = "tnef"
VERSION = "2"  # 2: attachments that are OLE objects or messages
_SIGNATURE = 0x223E9F78
_SUBJECT, _BODY, _MESSAGE_PROPERTIES = 0x00018004, 0x0002800C, 0x00069003
_ATTACH_START, _ATTACH_TITLE, _ATTACH_DATA = 0x00069002, 0x00018010, 0x0006800F
_ATTACH_PROPERTIES, _OEM_CODE_PAGE = 0x00069005, 0x00069007
# MAPI properties wanted (ids), and value types (fixed sizes as written in TNEF).
_PR_SUBJECT, _PR_BODY, _PR_HTML, _PR_RTF = 0x0037, 0x1000, 0x1013, 0x1009
_PR_LONG_NAME, _PR_SHORT_NAME, _PR_DISPLAY_NAME, _PR_DATA = 0x3707, 0x3704, 0x3001, 0x3701
_STRING8, _UNICODE, _BINARY, _OBJECT = 0x001E, 0x001F, 0x0102, 0x000D
# An object's interface id (in its bytes as stored), and how the object it names starts:
# IStorage, a compound file; IMessage, a TNEF stream.
_OBJECTS = (
    (uuid.UUID("0000000B-0000-0000-C000-000000000046").bytes_le, COMPOUND_MAGIC),
    (uuid.UUID("00020307-0000-0000-C000-000000000046").bytes_le, struct.pack("<I", _SIGNATURE)),
)
_FIXED = {
    0x0001: 4, 0x0002: 4, 0x0003: 4, 0x0004: 4, 0x0005: 8, 0x0006: 8, 0x0007: 8,
    0x000A: 4, 0x000B: 4, 0x0014: 8, 0x0040: 8, 0x0048: 16,
}  # fmt: skip
_MULTIPLE = 0x1000
_EMBEDDED = 0x10000  # marks an object property among the ids found


class _Malformed(Exception):
    """The data ends before what it says it holds."""


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def take(self, count: int) -> bytes:
        if count < 0 or self.at + count > len(self.data):
            raise _Malformed
        piece = self.data[self.at : self.at + count]
        self.at += count
        return piece

    def number(self) -> int:
        return int(struct.unpack("<I", self.take(4))[0])


def _properties(data: bytes, codec: str) -> dict[int, str | bytes]:
    """The wanted MAPI properties of a property list: id -> text or bytes."""
    found: dict[int, str | bytes] = {}
    cursor = _Cursor(data)
    try:
        for _ in range(cursor.number()):
            kind, property_id = struct.unpack("<HH", cursor.take(4))
            if property_id >= 0x8000:  # a named property: its set, then an id or a name
                cursor.take(16)
                if cursor.number() == 1:
                    length = cursor.number()
                    cursor.take(length + -length % 4)
                else:
                    cursor.take(4)
            values = _values(cursor, kind)
            if values is None:
                break  # a type not known: its length cannot be told, so the list ends here
            if property_id in found or not values:
                continue
            value = values[0]
            if kind == _UNICODE:
                found[property_id] = value.decode("utf-16-le", "replace").rstrip("\0")
            elif kind == _STRING8:
                found[property_id] = value.decode(codec, "replace").rstrip("\0")
            elif kind == _BINARY:
                found[property_id] = value
            elif kind == _OBJECT:  # kept apart: an attached message, not a file
                found[_EMBEDDED | property_id] = value
    except _Malformed:
        pass  # what was read before the data ran out is kept
    return found


def _values(cursor: _Cursor, kind: int) -> list[bytes] | None:
    """The values of one property, or None for a type whose size is not known."""
    base = kind & ~_MULTIPLE
    variable = base in (_STRING8, _UNICODE, _BINARY, _OBJECT)
    count = cursor.number() if kind & _MULTIPLE or variable else 1
    if variable:
        values = []
        for _ in range(count):
            length = cursor.number()
            values.append(cursor.take(length))
            cursor.take(-length % 4)
        return values
    if base in _FIXED:
        return [cursor.take(_FIXED[base]) for _ in range(count)]
    return None


def extract_tnef(path: Path, options: ExtractOptions) -> Extraction:
    """Extract a TNEF stream's text and attachments (see the module's docstring).

    Raises IngestError if it does not start with the TNEF signature.
    """
    data = path.read_bytes()
    cursor = _Cursor(data)
    if len(data) < 6 or cursor.number() != _SIGNATURE:
        raise IngestError("it does not start with the TNEF signature", "")
    cursor.take(2)  # a key no reader needs
    codec = "cp1252"
    subject, legacy_body = "", ""
    message: dict[int, str | bytes] = {}
    attachments: list[dict[str, object]] = []
    warnings: list[str] = []
    try:
        while cursor.at < len(data):
            level = cursor.take(1)[0]
            attribute = cursor.number()
            value = cursor.take(cursor.number())
            cursor.take(2)  # the checksum: a damaged stream is read as far as it goes
            if attribute == _OEM_CODE_PAGE and len(value) >= 4:
                codec = code_page_codec(struct.unpack_from("<I", value)[0])
            elif attribute == _SUBJECT:
                subject = value.decode(codec, "replace").rstrip("\0")
            elif attribute == _BODY:
                legacy_body = value.decode(codec, "replace").rstrip("\0")
            elif attribute == _MESSAGE_PROPERTIES:
                message = _properties(value, codec)
            elif attribute == _ATTACH_START or (level == 2 and not attachments):
                attachments.append({})
            if level == 2 and attachments:
                current = attachments[-1]
                if attribute == _ATTACH_TITLE:
                    current["title"] = value.decode(codec, "replace").rstrip("\0")
                elif attribute == _ATTACH_DATA:
                    current["data"] = value
                elif attribute == _ATTACH_PROPERTIES:
                    current["properties"] = _properties(value, codec)
    except _Malformed:
        warnings.append(f"the stream ends inside an attribute at byte {cursor.at:,}: read so far")
    children = []
    for number, attachment in enumerate(attachments, start=1):
        properties = attachment.get("properties", {})
        assert isinstance(properties, dict)
        content = attachment.get("data", properties.get(_PR_DATA))
        if not isinstance(content, bytes):
            content = _object(properties.get(_EMBEDDED | _PR_DATA))
            if content is None:
                if _EMBEDDED | _PR_DATA in properties:
                    warnings.append(
                        f"attachment {number} is an object that is neither an OLE object "
                        "nor a message: not kept"
                    )
                continue
        name = next(
            (
                text
                for text in (
                    properties.get(_PR_LONG_NAME),
                    attachment.get("title"),
                    properties.get(_PR_SHORT_NAME),
                    properties.get(_PR_DISPLAY_NAME),
                )
                if isinstance(text, str) and text
            ),
            f"attachment-{number}",
        )
        children.append(Child(name, content))
    body = _body(message, legacy_body, warnings)
    subject = subject or str(message.get(_PR_SUBJECT, "") or "")
    lines = [f"Subject: {subject}"] if subject else []
    if children:
        lines.append("Attachments: " + ", ".join(child.name for child in children))
    text = "\n".join([*lines, "", body] if lines else [body])
    return Extraction(
        NAME, VERSION, TNEF, pages=(Page(text),), children=tuple(children), warnings=tuple(warnings)
    )


def _object(value: str | bytes | None) -> bytes | None:
    """The OLE object or message an object attachment holds (after its interface id),
    or None for any other kind of object."""
    if not isinstance(value, bytes):
        return None
    for interface, start in _OBJECTS:
        if value.startswith(interface) and value[16:].startswith(start):
            return value[16:]
    return None


def _body(message: dict[int, str | bytes], legacy: str, warnings: list[str]) -> str:
    """The body: plain text (the message's property, else the legacy attribute), else
    HTML, else compressed RTF."""
    plain = message.get(_PR_BODY)
    html = message.get(_PR_HTML)
    rtf = message.get(_PR_RTF)
    return message_body(
        plain if isinstance(plain, str) and plain else legacy,
        lambda: (html.encode() if isinstance(html, str) else html) or None,
        lambda: rtf if isinstance(rtf, bytes) else None,
        warnings,
    )
