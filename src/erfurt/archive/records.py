"""Records: the small canonical JSON objects that the log holds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from erfurt.archive.canonical import JSON, canonical_json, parse_json
from erfurt.archive.kinds import KINDS, KindSpec
from erfurt.errors import InputError, IntegrityError

__all__ = ["MAX_RECORD_BYTES", "Record"]

MAX_RECORD_BYTES = 60 * 1024
"""Largest encoded record; the log's own limit is 65,535 bytes per entry."""


@dataclass(frozen=True, slots=True)
class Record:
    """One record: a ``kind`` and its fields (``v``, the version, is added on encoding).

    >>> Record("archive.created", {"origin": "o", "time": "t", "who": "w"}).to_bytes()
    b'{"kind":"archive.created","origin":"o","time":"t","v":1,"who":"w"}'
    """

    kind: str
    fields: Mapping[str, JSON]
    version: int = field(default=0)
    # The canonical encoding, made on the first to_bytes() and reused by every later call
    # (the check before the lock, the log entry, its leaf hash), so it is encoded once.
    _encoded: bytes | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        spec = _spec(self.kind, where="record")
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))
        if self.version == 0:
            object.__setattr__(self, "version", spec.version)
        for reserved in ("kind", "v"):
            if reserved in self.fields:
                raise InputError(f"record of kind {self.kind}: field {reserved!r} is reserved")

    @property
    def spec(self) -> KindSpec:
        """The declaration of this record's kind."""
        return KINDS[self.kind]

    def __getitem__(self, name: str) -> Any:
        return self.fields[name]

    def get(self, name: str, default: Any = None) -> Any:
        """A field's value, or ``default`` when the record does not carry it."""
        return self.fields.get(name, default)

    def blobs(self) -> dict[str, str]:
        """The blob digests this record cites, by field name."""
        return {
            name: str(self.fields[name])
            for name in sorted(self.spec.blob_fields)
            if self.fields.get(name)
        }

    def to_json(self) -> dict[str, JSON]:
        """The record as a JSON object, ``kind`` and ``v`` included."""
        return {"kind": self.kind, "v": self.version, **self.fields}

    def to_bytes(self) -> bytes:
        """The canonical encoding, checked against the kind's declaration.

        Encoded on the first call and kept (the fields are a read-only copy, not to be
        changed after the record is made), so every later call returns the same bytes
        without encoding again. Raises :class:`InputError` when a required field is
        missing, the version is not the one writers produce, or the encoding is over
        :data:`MAX_RECORD_BYTES`.
        """
        if self._encoded is not None:
            return self._encoded
        if self.version != self.spec.version:
            raise InputError(
                f"record of kind {self.kind}: writers produce version {self.spec.version}, "
                f"not {self.version}"
            )
        missing = sorted(self.spec.required - set(self.fields))
        if missing:
            raise InputError(f"record of kind {self.kind} lacks {', '.join(missing)}")
        data = canonical_json(self.to_json())
        if len(data) > MAX_RECORD_BYTES:
            raise InputError(
                f"record of kind {self.kind} is {len(data):,} bytes, over the "
                f"{MAX_RECORD_BYTES:,}-byte limit",
                "store large content as a blob and put its digest in the record",
            )
        object.__setattr__(self, "_encoded", data)
        return data

    @classmethod
    def from_bytes(cls, data: bytes, *, source: str = "record") -> Record:
        """Decode a record, rejecting unknown kinds and versions.

        Raises :class:`IntegrityError` naming ``source`` when the bytes are not a record
        this version of Erfurt can read.
        """
        try:
            value = parse_json(data, source=source)
        except InputError as exc:
            raise IntegrityError(exc.message) from exc
        if not isinstance(value, dict):
            raise IntegrityError(f"{source}: a record must be a JSON object")
        kind, version = value.pop("kind", None), value.pop("v", None)
        if not isinstance(kind, str) or not isinstance(version, int):
            raise IntegrityError(f"{source}: a record needs a string 'kind' and an integer 'v'")
        spec = _spec(kind, where=source)
        if not spec.reads(version):
            raise IntegrityError(
                f"{source}: {kind} version {version} is not one this Erfurt reads",
                "upgrade Erfurt to read records written by a newer version",
            )
        return cls(kind, value, version)


def _spec(kind: str, *, where: str) -> KindSpec:
    spec = KINDS.get(kind)
    if spec is None:
        raise IntegrityError(
            f"{where}: unknown record kind {kind!r}",
            "upgrade Erfurt to read records written by a newer version",
        )
    return spec
