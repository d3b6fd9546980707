"""Outlook messages (.msg): headers, body and attachments, as an e-mail is read.

The body is the plain text one, else the HTML one, else the compressed RTF one
(:func:`decompressed_rtf`, then :func:`~erfurt.extractors.rtf.rtf_to_text`).

A .msg is a compound file (OLE2) of MAPI properties ([MS-OXMSG]): each string or binary
property is a stream named ``__substg1.0_`` + its tag and type, the fixed-size ones (a
time, a code page) sit in ``__properties_version1.0``, and each attachment is a storage
of its own. An attachment that is itself a message (attached as an item, not as a file)
is read in place: its headers and body follow the message's, and its attachments become
children too, down to :data:`DEEPEST` levels.

Word, Excel and PowerPoint 97-2003 files are compound files too:
:mod:`erfurt.extractors.compound` tells them apart.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import olefile

from erfurt.errors import IngestError
from erfurt.extractors.html import html_to_text
from erfurt.extractors.olepackage import package_children
from erfurt.extractors.result import Child, Extraction, Page
from erfurt.extractors.rtf import rtf_to_text
from erfurt.extractors.sniff import OUTLOOK
from erfurt.extractors.text import code_page_codec

__all__ = ["DEEPEST", "decompressed_rtf", "extract_message", "message_body"]

NAME = "outlook"
VERSION = f"2 (olefile {olefile.__version__})"  # 2: files attached as OLE objects
DEEPEST = 10
"""Messages attached inside messages are read this many levels deep."""

_SUBJECT, _BODY, _HTML, _RTF = 0x0037, 0x1000, 0x1013, 0x1009
_SENDER_NAME, _SENDER_ADDRESS, _SENDER_SMTP = 0x0C1A, 0x0C1F, 0x5D01
_TO, _CC, _BCC = 0x0E04, 0x0E03, 0x0E02
_SUBMITTED, _DELIVERED, _CODE_PAGE = 0x0039, 0x0E06, 0x3FFD
_LONG_NAME, _SHORT_NAME, _DISPLAY_NAME, _DATA = 0x3707, 0x3704, 0x3001, 0x3701
_UNICODE, _STRING8, _BINARY, _OBJECT = "001F", "001E", "0102", "000D"
_PROPERTIES = "__properties_version1.0"
# How long the header of a properties stream is, before its 16-byte entries.
_TOP_HEADER, _EMBEDDED_HEADER, _ATTACHMENT_HEADER = 32, 24, 8


class _Message:
    """One message's properties, at ``prefix`` inside the compound file."""

    def __init__(self, ole: olefile.OleFileIO, prefix: list[str], header: int, most: int) -> None:
        self._ole = ole
        self._prefix = prefix
        self._most = most  # no stream of a sound file holds more than the file
        self.fixed = self._fixed_properties(header)
        self._codec = code_page_codec(self.fixed.get(_CODE_PAGE, 1252))

    def stream(self, property_id: int, kind: str) -> bytes | None:
        """A property's stream, or None."""
        return self._read([*self._prefix, f"__substg1.0_{property_id:04X}{kind}"])

    def _read(self, path: list[str]) -> bytes | None:
        """The stream at ``path``, or None; IngestError if it claims more than the file."""
        if not self._ole.exists("/".join(path)):
            return None
        size = self._ole.get_size(path)
        if size > self._most:  # read whole, a looped chain of sectors would fill memory
            raise IngestError(
                f"its stream {'/'.join(path)} claims {size:,} bytes, more than the whole "
                f"file's {self._most:,}: the message is damaged or forged",
                "its original is preserved as it is; open it in Outlook and save it again",
            )
        return bytes(self._ole.openstream(path).read())

    def _fixed_properties(self, header: int) -> dict[int, int]:
        """The fixed-size properties (a time, a code page): property id -> raw value."""
        data = self._read([*self._prefix, _PROPERTIES]) or b""
        found: dict[int, int] = {}
        for offset in range(header, len(data) - 15, 16):
            tag, _, value = struct.unpack_from("<IIQ", data, offset)
            found[tag >> 16] = value
        return found

    def text(self, property_id: int) -> str:
        """A string property, whichever of its two types it was written in."""
        raw = self.stream(property_id, _UNICODE)
        if raw is not None:
            return raw.decode("utf-16-le", "replace").rstrip("\0")
        raw = self.stream(property_id, _STRING8)
        return "" if raw is None else raw.decode(self._codec, "replace").rstrip("\0")

    def storages(self, kind: str) -> list[list[str]]:
        """The storages of ``kind`` (``__attach`` or ``__recip``) directly inside."""
        depth = len(self._prefix) + 1
        return sorted(
            path
            for path in self._ole.listdir(streams=False, storages=True)
            if len(path) == depth
            and path[: depth - 1] == self._prefix
            and path[-1].startswith(f"{kind}_version1.0_#")
        )


def _time(filetime: int | None) -> str:
    """A FILETIME (100-nanosecond steps since 1601) as an e-mail's Date header writes it."""
    if not filetime:
        return ""
    try:
        return format_datetime(
            datetime(1601, 1, 1, tzinfo=UTC) + timedelta(microseconds=filetime // 10)
        )
    except OverflowError:
        return ""


class _Reading:
    """What a message and the messages attached to it give: lines, children, warnings."""

    def __init__(self, ole: olefile.OleFileIO, most: int) -> None:
        self.ole = ole
        self.most = most
        self.lines: list[str] = []
        self.children: list[Child] = []
        self.warnings: list[str] = []

    def message(self, message: _Message, depth: int) -> None:
        sender = message.text(_SENDER_NAME)
        address = message.text(_SENDER_SMTP) or message.text(_SENDER_ADDRESS)
        if address and address != sender:
            sender = f"{sender} <{address}>" if sender else address
        headers = {
            "From": sender,
            "To": message.text(_TO),
            "Cc": message.text(_CC),
            "Bcc": message.text(_BCC),
            "Subject": message.text(_SUBJECT),
            "Date": _time(message.fixed.get(_SUBMITTED) or message.fixed.get(_DELIVERED)),
        }
        self.lines += [f"{name}: {value}" for name, value in headers.items() if value]
        names: list[str] = []
        attached: list[_Message] = []
        for storage in message.storages("__attach"):
            attachment = _Message(self.ole, storage, _ATTACHMENT_HEADER, self.most)
            inner = [*storage, f"__substg1.0_{_DATA:04X}{_OBJECT}"]
            if self.ole.exists("/".join(inner)):
                if self.ole.exists("/".join([*inner, _PROPERTIES])):  # a message, not an object
                    attached.append(_Message(self.ole, inner, _EMBEDDED_HEADER, self.most))
                continue  # an OLE object: a package's file is read with the others at the end
            data = attachment.stream(_DATA, _BINARY)
            if data is None:
                continue  # an attachment by reference (a link): nothing to keep
            name = (
                attachment.text(_LONG_NAME)
                or attachment.text(_SHORT_NAME)
                or attachment.text(_DISPLAY_NAME)
                or f"attachment-{len(self.children) + 1}"
            )
            names.append(name)
            self.children.append(Child(name, data))
        if names:
            self.lines.append("Attachments: " + ", ".join(names))
        self.lines += ["", self.body(message)]
        for inner_message in attached:
            if depth >= DEEPEST:
                self.warnings.append(
                    f"a message attached {DEEPEST} levels deep holds another: not read"
                )
                break
            self.lines += ["", "--- attached message ---"]
            self.message(inner_message, depth + 1)

    def body(self, message: _Message) -> str:
        def html() -> bytes | None:
            raw = message.stream(_HTML, _BINARY)
            return raw if raw is not None else (message.text(_HTML).encode() or None)

        return message_body(
            message.text(_BODY), html, lambda: message.stream(_RTF, _BINARY), self.warnings
        )


def message_body(
    plain: str,
    html: Callable[[], bytes | None],
    rtf: Callable[[], bytes | None],
    warnings: list[str],
) -> str:
    """A message's body as Outlook keeps it: the plain text, else the HTML, else the
    compressed RTF, each read only when the one before is missing; the HTML's or RTF's
    warnings go to ``warnings``."""
    if plain:
        return plain
    markup = html()
    if markup is not None:
        text, said = html_to_text(markup)
    elif (compressed := rtf()) is not None:
        text, said = rtf_to_text(decompressed_rtf(compressed))
    else:
        return ""
    warnings += said
    return text


# [MS-OXRTFCP]: the dictionary a compressed RTF body starts from.
_RTF_PREFIX = (
    b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss "
    b"\\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier"
    b"{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx"
)
_LZFU, _MELA = 0x75465A4C, 0x414C454D


def decompressed_rtf(data: bytes) -> bytes:
    """The RTF of a message's compressed RTF body (PR_RTF_COMPRESSED, [MS-OXRTFCP]).

    Each control byte says, bit by bit, whether the next token is a byte or a 2-byte
    reference into a 4,096-byte window (12 bits of offset, 4 of length less 2); a
    reference to the write position ends the stream. What the header claims is not
    trusted: the output stops with the input. IngestError for an unknown kind.
    """
    if len(data) < 16:
        raise IngestError("its RTF body is shorter than its own header", "")
    _, raw_size, kind, _ = struct.unpack_from("<IIII", data)
    if kind == _MELA:
        return data[16 : 16 + raw_size]
    if kind != _LZFU:
        raise IngestError(f"its RTF body is compressed in an unknown way ({kind:#x})", "")
    window = bytearray(_RTF_PREFIX.ljust(4096, b"\0"))
    write = len(_RTF_PREFIX)
    out = bytearray()
    position = 16
    while position < len(data):
        control = data[position]
        position += 1
        for bit in range(8):
            if position >= len(data):
                return bytes(out)
            if not control >> bit & 1:
                window[write] = data[position]
                out.append(data[position])
                write, position = (write + 1) % 4096, position + 1
                continue
            if position + 1 >= len(data):
                return bytes(out)
            token = data[position] << 8 | data[position + 1]
            position += 2
            offset, length = token >> 4, (token & 0xF) + 2
            if offset == write:
                return bytes(out)
            for step in range(length):
                byte = window[(offset + step) % 4096]
                window[write] = byte
                out.append(byte)
                write = (write + 1) % 4096
    return bytes(out)


def extract_message(ole: olefile.OleFileIO, size: int) -> Extraction:
    """Extract the Outlook message ``ole`` (a file of ``size`` bytes: what it may unpack
    is bounded by it). Raises whatever olefile raises for a broken file."""
    reading = _Reading(ole, size)
    reading.message(_Message(ole, [], _TOP_HEADER, size), depth=0)
    packaged, unread = package_children(ole, size)  # files attached as OLE objects
    if packaged:
        reading.lines += ["", *(file.line for file in packaged)]
    return Extraction(
        NAME,
        VERSION,
        OUTLOOK,
        pages=(Page("\n".join(reading.lines)),),
        children=tuple(reading.children) + tuple(file.child for file in packaged),
        warnings=tuple(reading.warnings) + tuple(unread),
    )
