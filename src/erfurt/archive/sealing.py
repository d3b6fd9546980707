"""Sealed records: a document of a restricted collection is logged without its name.

The published log must stay verifiable by anyone, yet a restricted collection's file
names, collection name and uploader are not public. So a ``document.added`` record of a
restricted collection is logged as ``document.sealed``: the document's blob digest and
time stay public (the log still orders and proves it), while every other field goes into
a private blob (never published) whose SHA-256 the record carries as ``sealed``. That
blob also holds a random nonce, so its digest cannot be confirmed by guessing a name.

Reading the archive opens a sealed record back into the ``document.added`` record it
stands for, so views and readers see one kind of document; the published log and the
evidence package keep the record exactly as logged (the package carries the sealed blob,
whose digest the signed record commits to).
"""

from __future__ import annotations

import secrets
from collections.abc import Collection

from erfurt.archive.blobs import BlobReader
from erfurt.archive.canonical import canonical_json, parse_json
from erfurt.archive.records import Record
from erfurt.errors import InputError, IntegrityError

__all__ = [
    "DOCUMENT_KIND",
    "PUBLIC_FIELDS",
    "SEALED_KIND",
    "needs_sealing",
    "open_sealed",
    "seal_fields",
]

DOCUMENT_KIND = "document.added"
SEALED_KIND = "document.sealed"
PUBLIC_FIELDS = ("blob", "time")
"""The fields of a sealed document record that stay in the public log."""

_NONCE_BYTES = 16


def needs_sealing(record: Record, restricted: Collection[str]) -> bool:
    """Whether ``record`` is a document of a restricted collection."""
    return record.kind == DOCUMENT_KIND and record.get("collection") in restricted


def seal_fields(record: Record) -> tuple[bytes, dict[str, str]]:
    """The private blob's bytes for a ``document.added`` record, and the public fields.

    The caller stores the blob and logs ``document.sealed`` with the public fields and
    ``sealed`` set to the blob's digest.
    """
    private = {**record.fields, "nonce": secrets.token_hex(_NONCE_BYTES)}
    return canonical_json(private), {name: str(record[name]) for name in PUBLIC_FIELDS}


def open_sealed(record: Record, blobs: BlobReader) -> Record:
    """The ``document.added`` record a ``document.sealed`` one stands for.

    Any other record is returned as it is. Raises :class:`IntegrityError` if the sealed
    blob is missing or altered (its digest is checked) or does not belong to the record.
    """
    if record.kind != SEALED_KIND:
        return record
    digest = str(record["sealed"])
    source = f"sealed blob {digest}"
    try:
        fields = parse_json(blobs.read_blob(digest), source=source)
    except InputError as exc:
        raise IntegrityError(exc.message) from exc
    if not isinstance(fields, dict) or not isinstance(fields.pop("nonce", None), str):
        raise IntegrityError(f"{source} is not a sealed document record")
    if any(fields.get(name) != record[name] for name in PUBLIC_FIELDS):
        raise IntegrityError(
            f"{source} describes another document than the record citing it",
            "the blob was replaced: restore it from a backup",
        )
    return Record(DOCUMENT_KIND, fields)
