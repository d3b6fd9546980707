"""What a submission's envelope holds: a manifest, the message, the files, streamed.

Each entry is a kind byte (``M`` manifest, ``T`` message, ``F`` file), the name's length
(2 bytes) and UTF-8 name, then the content as segments of a 4-byte length and that many
bytes, ended by a zero length. Nothing needs the size before the bytes arrive.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Literal, Protocol

from erfurt.errors import IntegrityError

__all__ = ["BundleWriter", "Entry", "read_bundle"]

EntryKind = Literal["M", "T", "F"]
_MAX_SEGMENT = 1 << 20


class _Sink(Protocol):
    def write(self, data: bytes) -> None: ...


class BundleWriter:
    """Writes entries into a sink (an :class:`~erfurt.intake.envelope.EnvelopeWriter`)."""

    def __init__(self, sink: _Sink) -> None:
        self._sink = sink

    def begin(self, kind: EntryKind, name: str) -> None:
        """Start an entry."""
        encoded = name.encode("utf-8", "surrogateescape")[:4096]
        self._sink.write(kind.encode() + len(encoded).to_bytes(2, "big") + encoded)

    def data(self, data: bytes) -> None:
        """Add content to the entry begun."""
        for start in range(0, len(data), _MAX_SEGMENT):
            segment = data[start : start + _MAX_SEGMENT]
            self._sink.write(len(segment).to_bytes(4, "big") + segment)

    def end(self) -> None:
        """End the entry."""
        self._sink.write(b"\x00\x00\x00\x00")

    def manifest(self, fields: dict[str, str]) -> None:
        """Write the manifest entry."""
        self.begin("M", "manifest.json")
        self.data(json.dumps(fields, sort_keys=True).encode())
        self.end()


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry, its content read into ``out`` by :func:`read_bundle`'s caller."""

    kind: EntryKind
    name: str


def _exactly(source: BinaryIO, size: int) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise IntegrityError("the submission's contents end early", "export it again")
    return data


def read_bundle(source: BinaryIO) -> Iterator[tuple[Entry, Iterator[bytes]]]:
    """Each entry of the plaintext in ``source``, with its content's segments.

    The segments of an entry must be consumed before the next entry is asked for.
    """
    while kind := source.read(1):
        if kind not in (b"M", b"T", b"F"):
            raise IntegrityError("the submission's contents are malformed", "export it again")
        length = int.from_bytes(_exactly(source, 2), "big")
        name = _exactly(source, length).decode("utf-8", "replace")
        yield Entry(kind.decode(), name), _segments(source)  # type: ignore[arg-type]


def _segments(source: BinaryIO) -> Iterator[bytes]:
    while size := int.from_bytes(_exactly(source, 4), "big"):
        yield _exactly(source, size)
