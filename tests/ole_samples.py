"""Compound files (OLE2, [MS-CFB]), Outlook messages ([MS-OXMSG]) and winmail.dat
([MS-OXTNEF]) made for tests.

Erfurt only reads these; the tests need some, and no tool here writes them. The writer
follows the format's rules that readers rely on: 512-byte sectors, streams under 4,096
bytes in the mini stream, every chain in the FAT, a storage's children linked as
right siblings.
"""

from __future__ import annotations

import io
import itertools
import struct
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

Tree = dict[str, "bytes | Tree"]

_SECTOR, _MINI, _CUTOFF = 512, 64, 4096
_FREE, _END, _FATSECT, _NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def compound_file(tree: Tree, classes: dict[str, str] | None = None) -> bytes:
    """A compound file whose root storage holds ``tree``: names to streams (bytes) or
    storages (dicts). ``classes`` gives storages a CLSID, by path ("" for the root,
    "ObjectPool/_1" for one inside). The directory comes first, as small files usually
    have it."""
    entries: list[list[object]] = []  # name, type, data, children
    clsids: dict[int, bytes] = {}

    def add(name: str, node: bytes | Tree, path: str) -> int:
        index = len(entries)
        if isinstance(node, dict):
            if classes and path in classes:
                clsids[index] = uuid.UUID(classes[path]).bytes_le
            entries.append([name, 1, b"", []])
            children = [
                add(child_name, child, f"{path}/{child_name}".lstrip("/"))
                for child_name, child in node.items()
            ]
            entries[index][3] = children
        else:
            entries.append([name, 2, node, []])
        return index

    add("Root Entry", tree, "")
    entries[0][1] = 5
    directory_sectors = -(-len(entries) * 128 // _SECTOR)
    sectors: list[bytes] = [b""] * directory_sectors  # filled in at the end
    fat: list[int] = [*range(1, directory_sectors), _END]

    def chain(data: bytes) -> int:
        if not data:
            return _END
        first = len(sectors)
        count = -(-len(data) // _SECTOR)
        for n in range(count):
            sectors.append(data[n * _SECTOR : (n + 1) * _SECTOR].ljust(_SECTOR, b"\0"))
            fat.append(first + n + 1 if n < count - 1 else _END)
        return first

    mini_stream = bytearray()
    mini_fat: list[int] = []
    starts: list[int] = []
    for _, kind, data, _ in entries:
        assert isinstance(data, bytes)
        if kind != 2 or not data:
            starts.append(_END)
        elif len(data) < _CUTOFF:
            first = len(mini_fat)
            count = -(-len(data) // _MINI)
            mini_fat += [first + n + 1 if n < count - 1 else _END for n in range(count)]
            mini_stream += data.ljust(count * _MINI, b"\0")
            starts.append(first)
        else:
            starts.append(chain(data))
    starts[0] = chain(bytes(mini_stream))
    mini_fat_start = chain(b"".join(struct.pack("<I", n) for n in mini_fat))
    mini_fat_sectors = -(-len(mini_fat) * 4 // _SECTOR)

    next_sibling: dict[int, int] = {}
    for _, _, _, children in entries:
        assert isinstance(children, list)
        next_sibling.update(itertools.pairwise(children))
    directory = b""
    for index, (name, kind, data, children) in enumerate(entries):
        assert isinstance(name, str) and isinstance(kind, int) and isinstance(data, bytes)
        assert isinstance(children, list)
        encoded = name.encode("utf-16-le") + b"\0\0"
        right = next_sibling.get(index, _NONE)
        size = len(mini_stream) if kind == 5 else len(data)
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            encoded,
            len(encoded),
            kind,
            1,
            _NONE,
            right,
            children[0] if children else _NONE,
            clsids.get(index, b"\0" * 16),
            0,
            0,
            0,
            starts[index],
            size,
        )
    directory = directory.ljust(directory_sectors * _SECTOR, b"\0")
    for n in range(directory_sectors):
        sectors[n] = directory[n * _SECTOR : (n + 1) * _SECTOR]

    fat_sectors = 1
    while len(sectors) + fat_sectors > fat_sectors * (_SECTOR // 4):
        fat_sectors += 1
    first_fat = len(sectors)
    fat += [_FATSECT] * fat_sectors
    fat += [_FREE] * (fat_sectors * (_SECTOR // 4) - len(fat))
    table = b"".join(struct.pack("<I", n) for n in fat)
    sectors += [table[n * _SECTOR : (n + 1) * _SECTOR] for n in range(fat_sectors)]
    difat = [first_fat + n for n in range(fat_sectors)] + [_FREE] * (109 - fat_sectors)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\0" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        fat_sectors,
        0,  # the directory's first sector
        0,
        _CUTOFF,
        mini_fat_start if mini_fat else _END,
        mini_fat_sectors,
        _END,
        0,
    ) + b"".join(struct.pack("<I", n) for n in difat)
    return header + b"".join(sectors)


def _text(value: str) -> bytes:
    return value.encode("utf-16-le")


def _properties(header: bytes, fixed: dict[int, int]) -> bytes:
    """A ``__properties_version1.0`` stream: ``header``, then each fixed-size property
    (tag: value), readable and writable."""
    return header + b"".join(struct.pack("<IIQ", tag, 6, value) for tag, value in fixed.items())


def _filetime(moment: datetime) -> int:
    return int((moment - datetime(1601, 1, 1, tzinfo=UTC)).total_seconds() * 10_000_000)


def outlook_message(
    *,
    subject: str,
    body: str = "",
    html: bytes = b"",
    rtf: bytes = b"",
    sender: tuple[str, str] = ("", ""),
    to: str = "",
    sent: datetime | None = None,
    attachments: tuple[tuple[str, bytes], ...] = (),
    attached_messages: tuple[Tree, ...] = (),
    attached_objects: tuple[Tree, ...] = (),
    embedded: bool = False,
) -> Tree:
    """The storages and streams of an Outlook message (a whole .msg, or with
    ``embedded`` one attached as an item to another). ``attached_objects`` are OLE
    objects attached after the messages (their storages; give them their class with
    :func:`compound_file`'s ``classes``)."""
    tree: Tree = {"__substg1.0_0037001F": _text(subject)}
    if body:
        tree["__substg1.0_1000001F"] = _text(body)
    if html:
        tree["__substg1.0_10130102"] = html
    if rtf:
        tree["__substg1.0_10090102"] = rtf
    if sender[0]:
        tree["__substg1.0_0C1A001F"] = _text(sender[0])
    if sender[1]:
        tree["__substg1.0_0C1F001F"] = _text(sender[1])
    if to:
        tree["__substg1.0_0E04001F"] = _text(to)
    fixed = {0x00390040: _filetime(sent)} if sent else {}
    count = len(attachments) + len(attached_messages) + len(attached_objects)
    header = struct.pack("<8xIIII", 0, count, 0, count) + (b"" if embedded else b"\0" * 8)
    tree["__properties_version1.0"] = _properties(header, fixed)
    for number, (name, data) in enumerate(attachments):
        tree[f"__attach_version1.0_#{number:08X}"] = {
            "__substg1.0_3707001F": _text(name),
            "__substg1.0_37010102": data,
            "__properties_version1.0": _properties(b"\0" * 8, {0x37050003: 1}),
        }
    for number, message in enumerate(attached_messages, start=len(attachments)):
        tree[f"__attach_version1.0_#{number:08X}"] = {
            "__substg1.0_3701000D": message,
            "__properties_version1.0": _properties(b"\0" * 8, {0x37050003: 5}),
        }
    first = len(attachments) + len(attached_messages)
    for number, storage in enumerate(attached_objects, start=first):
        tree[f"__attach_version1.0_#{number:08X}"] = {
            "__substg1.0_3701000D": storage,
            "__properties_version1.0": _properties(b"\0" * 8, {0x37050003: 6}),
        }
    return tree


_VARIABLE = {0x001E, 0x001F, 0x0102, 0x000D}


def _tnef_attribute(level: int, attribute: int, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF
    return (
        bytes([level])
        + struct.pack("<II", attribute, len(data))
        + data
        + struct.pack("<H", checksum)
    )


def _padded(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


def _mapi_property(kind: int, property_id: int, *values: bytes, name: str = "") -> bytes:
    """One MAPI property as TNEF writes it ([MS-OXTNEF] 2.1.3.5)."""
    tag = struct.pack("<HH", kind, property_id)
    if property_id >= 0x8000:  # named: a property set, then the name
        encoded = (name + "\0").encode("utf-16-le")
        tag += b"\x01" * 16 + struct.pack("<II", 1, len(encoded)) + _padded(encoded)
    if kind & 0x1000 or kind in _VARIABLE:
        tag += struct.pack("<I", len(values))
    for value in values:
        base = kind & ~0x1000
        tag += struct.pack("<I", len(value)) + _padded(value) if base in _VARIABLE else value
    return tag


def _mapi_properties(*properties: bytes) -> bytes:
    return struct.pack("<I", len(properties)) + b"".join(properties)


def _zero_ended(text: str) -> bytes:
    return (text + "\0").encode("utf-16-le")


REPORT = b"%PDF-1.4 " + b"x" * 3000
"""The first attachment of :func:`winmail_dat`."""


def winmail_dat() -> bytes:
    """A winmail.dat as Outlook writes one ([MS-OXTNEF]): a subject in GB code page,
    message properties of several types, two files, an object of an unknown interface,
    an OLE object (a file in a package) and a message attached as an item."""
    return b"".join(
        [
            struct.pack("<IH", 0x223E9F78, 0x1234),
            _tnef_attribute(1, 0x00069007, struct.pack("<II", 936, 0)),  # the OEM code page
            _tnef_attribute(1, 0x00018004, "拘留报告\0".encode("gbk")),  # the subject, in it
            _tnef_attribute(
                1,
                0x00069003,
                _mapi_properties(
                    _mapi_property(0x000B, 0x0E1F, struct.pack("<HH", 1, 0)),  # a boolean, padded
                    _mapi_property(
                        0x101F,
                        0x8001,
                        _zero_ended("arrests"),
                        _zero_ended("Mong Kok"),
                        name="Keywords",
                    ),
                    _mapi_property(0x0040, 0x0039, struct.pack("<Q", 132145854000000000)),
                    _mapi_property(0x001F, 0x1000, _zero_ended("Officers refused the lawyers.")),
                ),
            ),
            _tnef_attribute(2, 0x00069002, b"\0" * 14),  # an attachment starts
            _tnef_attribute(2, 0x00018010, b"REPORT~1.PDF\0"),
            _tnef_attribute(2, 0x0006800F, REPORT),
            _tnef_attribute(
                2,
                0x00069005,
                _mapi_properties(
                    _mapi_property(0x001F, 0x3707, _zero_ended("report of 1 October.pdf"))
                ),
            ),
            _tnef_attribute(2, 0x00069002, b"\0" * 14),
            _tnef_attribute(2, 0x00018010, b"note.txt\0"),
            _tnef_attribute(2, 0x0006800F, b"a note"),
            _tnef_attribute(2, 0x00069002, b"\0" * 14),  # an object of an unknown interface
            _tnef_attribute(
                2, 0x00069005, _mapi_properties(_mapi_property(0x000D, 0x3701, b"\0" * 16 + b"x"))
            ),
            _tnef_attribute(2, 0x00069002, b"\0" * 14),  # an OLE object: a file in a package
            _tnef_attribute(
                2,
                0x00069005,
                _mapi_properties(
                    _mapi_property(0x001F, 0x3001, _zero_ended("Package")),
                    _mapi_property(0x000D, 0x3701, _ISTORAGE + ole_object(_packaged_hearing())),
                ),
            ),
            _tnef_attribute(2, 0x00069002, b"\0" * 14),  # a message attached as an item
            _tnef_attribute(
                2,
                0x00069005,
                _mapi_properties(
                    _mapi_property(0x001F, 0x3001, _zero_ended("Re: the hearing")),
                    _mapi_property(0x000D, 0x3701, _IMESSAGE + _ATTACHED_MESSAGE),
                ),
            ),
        ]
    )


_ISTORAGE = uuid.UUID("0000000B-0000-0000-C000-000000000046").bytes_le
_IMESSAGE = uuid.UUID("00020307-0000-0000-C000-000000000046").bytes_le
PACKAGED_STATEMENT = b"The hearing is moved to 3 May."
"""The file in the OLE package :func:`winmail_dat` holds as its fourth attachment."""


def _packaged_hearing() -> bytes:
    return ole_package_native(b"hearing.txt", b"C:\\Users\\lee\\hearing.txt", PACKAGED_STATEMENT)


_ATTACHED_MESSAGE = struct.pack("<IH", 0x223E9F78, 1) + _tnef_attribute(
    1, 0x00018004, b"the hearing\0"
)


def word_document(
    stories: list[list[str]],
    *,
    flags: int = 0x0200,
    version: int = 0x00C1,
    pieces: list[tuple[int, int]] | None = None,
) -> bytes:
    """A Word 97-2003 document ([MS-DOC]) whose stories (the main text, then footnotes,
    headers, ...) are given as lists of pieces: a piece that Windows-1252 can hold is
    stored "compressed" (a byte a character), any other as UTF-16. ``flags`` are the
    FIB's (0x0200: the table stream is 1Table; 0x0100: encrypted). ``pieces``, if given,
    replaces the table of pieces with these (CP, stored position) pairs, the last one's
    CP ending the table (for documents made to lie)."""
    fib = bytearray(0x200)
    struct.pack_into("<HH", fib, 0, 0xA5EC, version)
    struct.pack_into("<H", fib, 0x0A, flags)
    lengths = [sum(map(_cps, story)) for story in stories] + [0] * 8
    struct.pack_into("<8i", fib, 0x4C, *lengths[:8])
    document = bytearray(fib)
    table_of_pieces: list[tuple[int, int]] = []
    cp = 0
    for piece in (piece for story in stories for piece in story):
        try:
            data, stored = piece.encode("cp1252"), 0x40000000 | (2 * len(document))
        except UnicodeEncodeError:
            data, stored = piece.encode("utf-16-le"), len(document)
        table_of_pieces.append((cp, stored))
        document += data
        cp += _cps(piece)
    table_of_pieces.append((cp, 0))
    chosen = table_of_pieces if pieces is None else pieces
    cps = b"".join(struct.pack("<I", cp) for cp, _ in chosen)
    descriptors = b"".join(struct.pack("<HIH", 0, stored, 0) for _, stored in chosen[:-1])
    plc = cps + descriptors
    clx = b"\x01" + struct.pack("<h", 2) + b"\0\0" + b"\x02" + struct.pack("<I", len(plc)) + plc
    table = b"\0" * 16 + clx  # the Clx need not come first
    struct.pack_into("<II", document, 0x01A2, 16, len(clx))
    name = "1Table" if flags & 0x0200 else "0Table"
    return compound_file({"WordDocument": bytes(document), name: table})


def _cps(piece: str) -> int:
    """How many character positions a piece takes: a byte each where Windows-1252 holds
    it, else a UTF-16 code unit each (two for a character beyond the BMP)."""
    try:
        return len(piece.encode("cp1252"))
    except UnicodeEncodeError:
        return len(piece.encode("utf-16-le")) // 2


def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _biff_string(text: str, length_bytes: str = "<H") -> bytes:
    """A BIFF8 string: its length, then Latin-1 bytes where they hold it, else UTF-16."""
    try:
        return struct.pack(length_bytes, len(text)) + b"\0" + text.encode("latin-1")
    except UnicodeEncodeError:
        return struct.pack(length_bytes, len(text)) + b"\1" + text.encode("utf-16-le")


class CellError(int):
    """An error value in a cell (0x07 is #DIV/0!)."""


def excel_workbook(
    sheets: dict[str, list[list[object]]], *, encrypted: bool = False, stream: str = "Workbook"
) -> bytes:
    """An Excel 97-2003 workbook ([MS-XLS], BIFF8) whose sheets hold these rows: text (in
    the shared strings), numbers, dates (a date format), booleans and :class:`CellError`
    values; None leaves a cell empty. ``encrypted`` adds the record that says so."""
    strings: list[str] = []
    bodies: list[bytes] = []
    for rows in sheets.values():
        cells = []
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                place = struct.pack("<HHH", row, column, 1 if isinstance(value, date) else 0)
                if value is None:
                    continue
                if isinstance(value, str):
                    strings.append(value)
                    cells.append(_record(0x00FD, place + struct.pack("<I", len(strings) - 1)))
                elif isinstance(value, CellError):
                    cells.append(_record(0x0205, place + struct.pack("<BB", int(value), 1)))
                elif isinstance(value, bool):
                    cells.append(_record(0x0205, place + struct.pack("<BB", int(value), 0)))
                elif isinstance(value, date):
                    serial = (value - date(1899, 12, 30)).days
                    cells.append(_record(0x0203, place + struct.pack("<d", serial)))
                else:
                    assert isinstance(value, int | float)
                    cells.append(_record(0x0203, place + struct.pack("<d", float(value))))
        bof = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0))
        bodies.append(bof + b"".join(cells) + _record(0x000A, b""))

    def globals_with(offsets: list[int]) -> bytes:
        parts = [_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0))]
        if encrypted:  # FILEPASS: RC4 encryption follows (its header, here zeros)
            parts.append(_record(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\0" * 48))
        parts.append(_record(0x0042, struct.pack("<H", 1200)))  # CODEPAGE: UTF-16
        parts.append(_record(0x0022, struct.pack("<H", 0)))  # DATEMODE: 1900
        for format_key in (0, 14):  # XF 0: General; XF 1: a date (m/d/yyyy)
            parts.append(_record(0x00E0, struct.pack("<HHHBBBBIiH", 0, format_key, 0,
                                                     0, 0, 0, 0, 0, 0, 0)))  # fmt: skip
        for offset, name in zip(offsets, sheets, strict=True):
            parts.append(
                _record(0x0085, struct.pack("<IBB", offset, 0, 0) + _biff_string(name, "<B"))
            )
        sst = struct.pack("<II", len(strings), len(strings))
        parts.append(_record(0x00FC, sst + b"".join(_biff_string(s) for s in strings)))
        parts.append(_record(0x000A, b""))
        return b"".join(parts)

    start = len(globals_with([0] * len(sheets)))
    offsets = [start + sum(len(body) for body in bodies[:n]) for n in range(len(bodies))]
    return compound_file({stream: globals_with(offsets) + b"".join(bodies)})


def _ppt_record(kind: int, data: bytes, *, instance: int = 0, container: bool = False) -> bytes:
    return struct.pack("<HHI", instance << 4 | (0xF if container else 0), kind, len(data)) + data


def _ppt_text(text: str) -> bytes:
    """A TextBytesAtom where Latin-1 holds the text, else a TextCharsAtom (UTF-16)."""
    try:
        return _ppt_record(0x0FA8, text.encode("latin-1"))
    except UnicodeEncodeError:
        return _ppt_record(0x0FA0, text.encode("utf-16-le"))


def _ppt_drawing(texts: list[str], nesting: int = 1) -> bytes:
    """A drawing (PPDrawing, OfficeArt) whose shapes' text boxes hold ``texts``, inside
    ``nesting`` groups of shapes."""
    shapes = b"".join(_ppt_record(0xF00D, _ppt_text(text), container=True) for text in texts)
    for _ in range(nesting):
        shapes = _ppt_record(0xF004, shapes, container=True)
    return _ppt_record(0x040C, _ppt_record(0xF002, shapes, container=True), container=True)


def _user_edit(previous: int, directory: int, seed: int) -> bytes:
    """A UserEditAtom: the edit before it, its persist directory, the document as id 1."""
    data = struct.pack("<IHBBIIIIHH", 0, 0, 0, 3, previous, directory, 1, seed, 0, 0)
    return _ppt_record(0x0FF5, data)


@dataclass
class Slide:
    """A slide of :func:`powerpoint_presentation`: its placeholders' text (kept in the
    document's list of slides), its other shapes' text, and its speaker notes."""

    placeholders: list[str] = field(default_factory=list)
    shapes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def powerpoint_presentation(
    slides: list[Slide],
    *,
    deleted: str = "",
    encrypted: bool = False,
    nesting: int = 1,
    embedded: tuple[bytes | tuple[int, bytes], ...] = (),
) -> bytes:
    """A PowerPoint 97-2003 presentation ([MS-PPT]). With ``deleted``, the first slide is
    written twice, the first time (an earlier save) with that text too: the last edit's
    persist directory points at the second. ``encrypted`` sets the token that says so;
    ``nesting`` puts the slides' shapes inside that many groups. ``embedded`` objects
    (compound files) are listed in the document and kept compressed as PowerPoint keeps
    them; an object given as (instance, data) is its ExOleObjStg record's data as is."""
    stream = bytearray()
    objects: dict[int, int] = {}  # persist id -> offset, of the last save

    def put(persist_id: int, record: bytes, into: dict[int, int]) -> None:
        into[persist_id] = len(stream)
        stream.extend(record)

    def slide_record(slide: Slide, notes_id: int, extra: list[str]) -> bytes:
        atom = _ppt_record(0x03EF, struct.pack("<I8sIIHH", 0, b"\0" * 8, 0, notes_id, 0, 0))
        drawing = _ppt_drawing(slide.shapes + extra, nesting)
        return _ppt_record(0x03EE, atom + drawing, container=True)

    earlier: dict[int, int] = {}
    if deleted:
        put(2, slide_record(slides[0], 0, [deleted]), earlier)
        earlier_edit = len(stream)
        directory = _ppt_record(0x1772, struct.pack("<II", 1 << 20 | 2, earlier[2]))
        stream.extend(_user_edit(previous=0, directory=earlier_edit + 36, seed=3))
        stream.extend(directory)
    slides_list, notes_list = b"", b""
    for n, slide in enumerate(slides):
        slide_id, notes_id = 256 + n, (512 + n if slide.notes else 0)
        slide_pid, notes_pid = 2 + 2 * n, 3 + 2 * n
        slides_list += _ppt_record(0x03F3, struct.pack("<IIiII", slide_pid, 0, 0, slide_id, 0))
        for text in slide.placeholders:
            slides_list += _ppt_record(0x0F9F, struct.pack("<I", 0)) + _ppt_text(text)
        put(slide_pid, slide_record(slide, notes_id, []), objects)
        if slide.notes:
            notes_list += _ppt_record(0x03F3, struct.pack("<IIiII", notes_pid, 0, 0, notes_id, 0))
            put(notes_pid, _ppt_record(0x03F0, _ppt_drawing(slide.notes), container=True), objects)
    listed = b""
    for number, data in enumerate(embedded, start=1):
        instance, stored = (
            (1, struct.pack("<I", len(data)) + zlib.compress(data))
            if isinstance(data, bytes)
            else data
        )
        pid = 1 + 2 * len(slides) + number
        put(pid, _ppt_record(0x1011, stored, instance=instance), objects)
        atom = _ppt_record(0x0FC3, struct.pack("<6I", 1, 0, number, 0, pid, 0))
        listed += _ppt_record(0x0FCC, atom, container=True)
    document = _ppt_record(0x0409, listed, container=True) if embedded else b""
    document += _ppt_record(0x0FF0, slides_list, instance=0, container=True)
    document += _ppt_record(0x0FF0, notes_list, instance=2, container=True)
    put(1, _ppt_record(0x03E8, document, container=True), objects)
    entries = b"".join(struct.pack("<II", 1 << 20 | pid, offset) for pid, offset in objects.items())
    directory_at = len(stream)
    stream.extend(_ppt_record(0x1772, entries))
    edit = len(stream)
    previous = earlier_edit if deleted else 0
    stream.extend(_user_edit(previous, directory_at, seed=2 + 2 * len(slides)))
    token = 0xF3D1C4DF if encrypted else 0xE391C05F
    user = struct.pack("<IIIHHBBH", 0x14, token, edit, 4, 0x03F4, 3, 0, 0) + b"user"
    current_user = _ppt_record(0x0FF6, user)
    return compound_file({"PowerPoint Document": bytes(stream), "Current User": current_user})


PACKAGE_CLASS = "0003000C-0000-0000-C000-000000000046"


def ole_package_native(
    label: bytes,
    original: bytes,
    data: bytes,
    *,
    wide: tuple[str, str] | None = None,
    size: int | None = None,
) -> bytes:
    """An ``\\x01Ole10Native`` stream of an OLE package ([MS-OLEDS] 2.3.6, as Office
    writes it): ANSI label and original path, the temporary path, the file (``size``,
    if given, is the size it claims), then, with ``wide``, the temporary path, label
    and original path in UTF-16."""
    temp = b"C:\\Users\\user\\AppData\\Local\\Temp\\" + label + b"\0"
    body = b"\x02\x00" + label + b"\0" + original + b"\0" + b"\x00\x00\x03\x00"
    body += struct.pack("<I", len(temp)) + temp
    body += struct.pack("<I", len(data) if size is None else size) + data
    if wide is not None:
        wide_temp = temp[:-1].decode("cp1252")
        for text in (wide_temp, *wide):
            body += struct.pack("<I", len(text.encode("utf-16-le")) // 2)
            body += text.encode("utf-16-le")
    return struct.pack("<I", len(body)) + body


def ole_object(native: bytes, *, clsid: str = PACKAGE_CLASS) -> bytes:
    """An ``oleObject<n>.bin`` as Office 2007 and later embed it: a compound file of
    the class ``clsid`` holding ``native`` as its ``\\x01Ole10Native`` stream."""
    tree: Tree = {"\x01CompObj": b"\x01\x00\xfe\xff", "\x01Ole10Native": native}
    return compound_file(tree, {"": clsid})


def root_streams(compound: bytes) -> Tree:
    """The streams at the root of a compound file, by name (read with olefile)."""
    import olefile

    with olefile.OleFileIO(io.BytesIO(compound)) as ole:
        return {"/".join(entry): ole.openstream(entry).read() for entry in ole.listdir()}


def with_storages(compound: bytes, storages: Tree, classes: dict[str, str]) -> bytes:
    """The compound file ``compound`` (streams at its root only) with ``storages`` added
    at its root, of the CLSIDs ``classes`` (see :func:`compound_file`)."""
    return compound_file({**root_streams(compound), **storages}, classes)


def ole1_object(class_name: str, native: bytes, *, linked: bool = False) -> bytes:
    """An OLE 1.0 object ([MS-OLEDS] 2.2.4) as RTF's ``\\objdata`` holds one: embedded
    (or ``linked``), of ``class_name``, the topic and item names empty, ``native`` data."""
    name = class_name.encode("latin-1") + b"\0"
    header = struct.pack("<II", 0x0501, 1 if linked else 2)
    header += struct.pack("<I", len(name)) + name + struct.pack("<II", 0, 0)
    return header + struct.pack("<I", len(native)) + native


def rtf_with_objects(text: str, objects: list[tuple[str, bytes]]) -> bytes:
    """An RTF document of ``text`` with ``objects`` (class name, OLE 1.0 object) after it,
    their data in lines of 128 hexadecimal digits as Word writes them."""
    groups = b""
    for class_name, data in objects:
        digits = data.hex()
        lines = "\r\n".join(digits[n : n + 128] for n in range(0, len(digits), 128))
        groups += (
            rb"{\object\objemb{\*\objclass "
            + class_name.encode()
            + rb"}\objw100\objh100"
            + rb"{\*\objdata "
            + lines.encode()
            + rb"}{\result {\pict\wmetafile8 0000}}}"
        )
    return (
        rb"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}}\f0 "
        + text.encode()
        + rb"\par "
        + groups
        + b"}"
    )
