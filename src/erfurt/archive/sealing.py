"""Sealed records: nothing of a restricted collection is readable in the public log.

The published log must stay verifiable by anyone, yet a restricted collection's files are
not public: not their names, collection or uploader, and not their SHA-256 either, which
would let anyone holding a copy of a leaked file confirm that the archive holds it. So a
``document.added`` record of a restricted collection is logged as ``document.sealed``,
and every later record about a file known only from sealed documents (its text, entities,
a failed extraction, a review of one of its mentions, a merge of an entity only such files
name) as ``record.sealed``. Each shows
only its time and ``sealed``: the SHA-256 of a private blob (never published) holding the
record and a random nonce, so its digest cannot be confirmed by guessing either.

Reading the archive opens sealed records back into the records they stand for, so views
and readers see one kind of document; the published log and the evidence package keep
the record exactly as logged (the package carries the sealed blob, whose digest the
signed record commits to).

>>> from erfurt.archive.records import Record
>>> is_sealed(Record("record.sealed", {"sealed": "ab" * 32, "time": "2026-12-01T00:00:00Z"}))
True
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Collection, Sequence

from erfurt.archive.blobs import BlobReader
from erfurt.archive.canonical import JSON, canonical_json, parse_json
from erfurt.archive.records import Record
from erfurt.errors import InputError, IntegrityError

__all__ = [
    "DOCUMENT_KIND",
    "RECORD_SEALED_KIND",
    "REVIEW_KIND",
    "SEALED_KIND",
    "is_sealed",
    "open_sealed",
    "open_sealed_bytes",
    "seal_records",
]

DOCUMENT_KIND = "document.added"
SEALED_KIND = "document.sealed"
RECORD_SEALED_KIND = "record.sealed"
REVIEW_KIND = "entity.reviewed"
_SEALED_KINDS = frozenset({SEALED_KIND, RECORD_SEALED_KIND})
_PUBLIC_FIELDS = ("blob", "time")
"""Fields a sealed record may show, each equal to the opened record's (``blob``: older
``document.sealed`` records only)."""
_REVIEW_TARGET = re.compile(r"[mc]:([0-9a-f]{64}):")
"""A reviewed mention or claim names its source blob: ``m:<sha256>:start:end:surface``."""

_NONCE_BYTES = 16


def is_sealed(record: Record) -> bool:
    """Whether ``record`` is logged sealed (``document.sealed`` or ``record.sealed``)."""
    return record.kind in _SEALED_KINDS


def _about(record: Record) -> set[str]:
    """The blobs ``record`` says something about: those it cites, and a reviewed one's."""
    blobs = set(record.blobs().values())
    if record.kind == REVIEW_KIND and (found := _REVIEW_TARGET.match(record["target"])):
        blobs.add(found.group(1))
    return blobs


def seal_records(
    records: Sequence[Record],
    restricted: Collection[str],
    sealed_only: Callable[[str], bool],
    put: Callable[[bytes], str],
    subjects: Callable[[int], Sequence[Collection[str]]],
) -> list[Record]:
    """``records`` as they are logged: what a restricted collection holds sealed.

    A document of a ``restricted`` collection becomes ``document.sealed``; any other
    record about a blob known only from sealed documents (this batch's, or the log's as
    ``sealed_only`` tells) becomes ``record.sealed``, and so does a record naming a
    subject (an entity) all of whose blobs, as ``subjects`` gives them per subject of the
    record at a position in ``records``, are such. ``put`` stores a private blob and
    returns its digest. Records are unchanged when no collection is restricted.
    """
    if not restricted:
        return list(records)
    documents = [r for r in records if r.kind == DOCUMENT_KIND]
    hidden = {str(r["blob"]) for r in documents if r.get("collection") in restricted}
    shown = {str(r["blob"]) for r in documents if r.get("collection") not in restricted}

    def private(sha256: str) -> bool:
        return sha256 in hidden or (sha256 not in shown and sealed_only(sha256))

    logged = []
    for position, record in enumerate(records):
        if record.kind == DOCUMENT_KIND:
            if record.get("collection") in restricted:
                private_fields = {**record.fields, "nonce": secrets.token_hex(_NONCE_BYTES)}
                sealed = put(canonical_json(private_fields))
                record = Record(SEALED_KIND, {"sealed": sealed, "time": record["time"]})
        elif not is_sealed(record) and (
            any(private(b) for b in _about(record))
            or any(blobs and all(map(private, blobs)) for blobs in subjects(position))
        ):
            private_json = {**record.to_json(), "nonce": secrets.token_hex(_NONCE_BYTES)}
            sealed = put(canonical_json(private_json))
            record = Record(RECORD_SEALED_KIND, {"sealed": sealed, "time": record["time"]})
        logged.append(record)
    return logged


def open_sealed(record: Record, blobs: BlobReader) -> Record:
    """The record a sealed one stands for (any other record is returned as it is).

    Raises :class:`IntegrityError` if the sealed blob is missing or altered (its digest
    is checked) or does not belong to the record.
    """
    if not is_sealed(record):
        return record
    return open_sealed_bytes(record, blobs.read_blob(str(record["sealed"])))


def open_sealed_bytes(record: Record, data: bytes) -> Record:
    """The record the sealed ``record`` stands for, given its private blob's bytes.

    The caller has checked that ``data`` hashes to ``record["sealed"]``. Raises
    :class:`IntegrityError` if ``data`` is not a sealed record matching ``record``.
    """
    source = f"sealed blob {record['sealed']}"
    try:
        fields = parse_json(data, source=source)
    except InputError as exc:
        raise IntegrityError(exc.message) from exc
    if not isinstance(fields, dict) or not isinstance(fields.pop("nonce", None), str):
        raise IntegrityError(f"{source} is not a sealed record")
    try:
        opened = _opened(record.kind, fields)
    except (InputError, KeyError, TypeError, ValueError) as exc:
        raise IntegrityError(f"{source} is not a sealed record ({exc})") from exc
    if any(name in record.fields and opened.get(name) != record[name] for name in _PUBLIC_FIELDS):
        raise IntegrityError(
            f"{source} describes another record than the one citing it",
            "the blob was replaced: restore it from a backup",
        )
    return opened


def _opened(kind: str, fields: dict[str, JSON]) -> Record:
    if kind == SEALED_KIND:
        return Record(DOCUMENT_KIND, fields)
    opened_kind, version = fields.pop("kind"), fields.pop("v")
    if not isinstance(opened_kind, str) or not isinstance(version, int):
        raise TypeError("kind and v must be a string and an integer")
    if opened_kind == DOCUMENT_KIND or opened_kind in _SEALED_KINDS:
        raise ValueError(f"a {kind} record cannot stand for a {opened_kind} record")
    return Record(opened_kind, fields, version)
