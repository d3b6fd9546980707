"""OLE packages: files embedded in Office documents as objects ([MS-OLEDS] 2.3.6).

A file dropped into a Word, Excel or PowerPoint document (a PDF in a report, a text in
a workbook) is kept as an OLE object of the class Package, whose ``\\x01Ole10Native``
stream holds the file whole, with its name and where it lay on the author's computer.
Office 2007 and later put each object in ``embeddings/oleObject<n>.bin``, a compound
file of its own; Word 97-2003 keeps them in its ``ObjectPool`` storage and Excel
97-2003 in ``MBD<number>`` storages. The stream, all integers little-endian:

- the size of what follows (4 bytes) and a mark (2 bytes);
- the label (the file's name) and the path it was taken from, each ANSI and ending
  in a NUL byte;
- 4 bytes of flags, then the length (4 bytes) and bytes of a temporary path;
- the file's size (4 bytes) and its bytes;
- optionally the temporary path, the label and the original path again in UTF-16,
  each after its length in characters (4 bytes): they name what the ANSI forms, in
  the author's code page, may show as ``?``.

The second name is the file's own path in packages Office writes, but the icon's file
(``SHELL32.DLL``) in those the older Object Packager wrote; the temporary path is where
the author's computer kept a copy. Each file becomes a child document under its label,
and the object's text names it with every path the package records (a path such as
``C:\\Users\\<name>\\...`` is evidence of who handled it). A stream that does not add up
fails with a reason; the rest of the document is still read.
"""

from __future__ import annotations

import contextlib
import struct
from dataclasses import dataclass
from typing import Any

from erfurt.errors import IngestError
from erfurt.extractors.filenames import decode_name, safe_relative_name
from erfurt.extractors.result import Child
from erfurt.extractors.sniff import NATIVE_STREAM, PACKAGE_CLASS

__all__ = ["PackagedFile", "ole1_object", "package_children", "packaged_file"]

_MOST_NAME = 4096  # a path longer than Windows allows is not a name


@dataclass(frozen=True, slots=True)
class PackagedFile:
    """The file an OLE package holds: its name, where it came from, its bytes."""

    child: Child
    """The file, under a name that stays inside its folder."""
    paths: tuple[str, ...]
    """The paths the package records: its second name, then the temporary path."""

    @property
    def line(self) -> str:
        """What the parent's text says of it."""
        where = f" (paths recorded with it: {'; '.join(self.paths)})" if self.paths else ""
        return f"Embedded file: {self.child.name}{where}"


def package_children(ole: Any, most: int) -> tuple[list[PackagedFile], list[str]]:
    """The files of every OLE package in the compound file ``ole`` (an open
    ``olefile.OleFileIO`` of ``most`` bytes): at its root (an ``oleObject.bin``) or in a
    storage (Word's ``ObjectPool/_<n>``, Excel's ``MBD<n>``). A package that cannot be
    read is a warning, not a failure: the document's own text does not depend on it."""
    found: list[PackagedFile] = []
    warnings: list[str] = []
    for storage in _package_storages(ole):
        path = [*storage, NATIVE_STREAM]
        try:
            size = ole.get_size(path)
            if size > most:
                raise IngestError(f"it claims {size:,} bytes, more than the whole file")
            with ole.openstream(path) as stream:
                found.append(packaged_file(bytes(stream.read())))
        except (IngestError, OSError) as exc:  # olefile: OSError for a damaged stream
            where = "/".join(storage) or "the object"
            reason = exc.message if isinstance(exc, IngestError) else str(exc)
            warnings.append(f"an embedded file in {where} could not be read: {reason}")
    return found, warnings


def _package_storages(ole: Any) -> list[list[str]]:
    """The storages (``[]`` for the root) that are OLE packages holding a native stream."""
    root = ole.root.clsid == PACKAGE_CLASS and ole.exists(NATIVE_STREAM)
    storages: list[list[str]] = [[]] if root else []
    for entry in ole.listdir(streams=False, storages=True):
        if ole.getclsid(entry) == PACKAGE_CLASS and ole.exists([*entry, NATIVE_STREAM]):
            storages.append(entry)
    return storages


def packaged_file(native: bytes) -> PackagedFile:
    """The file in an ``\\x01Ole10Native`` stream; :class:`IngestError` if the stream is
    shorter than its fields say (damaged, or made to mislead)."""
    reader = _Reader(native)
    reader.take(4 + 2)  # the size of the rest (often not exact) and a mark
    label = reader.zero_ended()
    original = reader.zero_ended()
    reader.take(4)
    temporary = reader.take(reader.u32()).split(b"\0", 1)[0]
    data = reader.take(reader.u32())
    wide: list[str] = []
    with contextlib.suppress(IngestError):  # optional: the ANSI names stand for those missing
        while len(wide) < 3 and reader.left() >= 4:
            wide.append(reader.wide())
    wide_temporary, wide_label, wide_original = [*wide, "", "", ""][:3]
    decoded = decode_name(label)
    name = wide_label or decoded.text
    fields = {} if wide_label else dict(decoded.record_fields())
    safe = safe_relative_name(name.replace("\\", "/").rsplit("/", 1)[-1])
    if safe != name:
        fields["unsafe_name"] = name
    if safe == "unnamed":
        safe = "embedded-file"
    paths = (
        wide_original or decode_name(original).text,
        wide_temporary or decode_name(temporary).text,
    )
    return PackagedFile(Child(safe, data, tuple(fields.items())), tuple(p for p in paths if p))


def ole1_object(data: bytes) -> tuple[str, bytes]:
    """The class name and native data of an OLE 1.0 embedded object ([MS-OLEDS] 2.2.4:
    as RTF's ``\\objdata`` holds one); :class:`IngestError` for a linked object or one
    that does not add up. A package's native data is :func:`packaged_file`'s stream
    without its first four bytes; a workbook's or a document's, a compound file."""
    reader = _Reader(data)
    reader.take(4)  # the OLE version
    if reader.u32() != 2:
        raise IngestError("a linked object: its file is elsewhere, not in the document")
    class_name = reader.counted().rstrip(b"\0").decode("latin-1")
    reader.counted()  # the topic and item names, which an embedded object leaves empty
    reader.counted()
    return class_name, reader.take(reader.u32())


class _Reader:
    """Fields read in order from a stream, each checked against its end."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._at = 0

    def left(self) -> int:
        return len(self._data) - self._at

    def take(self, count: int) -> bytes:
        if count > self.left():
            raise IngestError(
                f"a field of {count:,} bytes at byte {self._at:,} runs past the stream's "
                f"end ({len(self._data):,} bytes)"
            )
        self._at += count
        return self._data[self._at - count : self._at]

    def u32(self) -> int:
        return int(struct.unpack("<I", self.take(4))[0])

    def counted(self) -> bytes:
        """A string after its length in bytes (4 bytes)."""
        length = self.u32()
        if length > _MOST_NAME:
            raise IngestError(f"a name of {length:,} bytes at byte {self._at - 4:,}")
        return self.take(length)

    def zero_ended(self) -> bytes:
        end = self._data.find(b"\0", self._at, self._at + _MOST_NAME)
        if end < 0:
            raise IngestError(f"a name at byte {self._at:,} has no end within {_MOST_NAME} bytes")
        text = self._data[self._at : end]
        self._at = end + 1
        return text

    def wide(self) -> str:
        characters = self.u32()
        if characters > _MOST_NAME:
            raise IngestError(f"a UTF-16 name of {characters:,} characters")
        return self.take(2 * characters).decode("utf-16-le", "replace")
