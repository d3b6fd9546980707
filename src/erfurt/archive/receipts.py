"""Receipts: ``c2sp.org/tlog-proof@v1`` files that prove, offline, that a record is in the log.

A receipt written by :meth:`Archive.prove` carries the record itself on its ``extra``
line. That line is not trusted on its own: the record's leaf hash must be bound, by the
inclusion proof, to the root of a checkpoint signed by the pinned key.
"""

from __future__ import annotations

from dataclasses import dataclass

from erfurt.archive.records import Record
from erfurt.errors import InputError, VerificationError
from erfurt.log import Checkpoint, LogError, Verifier, parse_proof, verify_proof

__all__ = ["ReceiptCheck", "describe", "is_receipt", "load_verifier", "verify_receipt"]

_HEADER = b"c2sp.org/tlog-proof@v1\n"


@dataclass(frozen=True, slots=True)
class ReceiptCheck:
    """What a verified receipt proves: record ``index`` is in the log at ``checkpoint``."""

    index: int
    record: Record
    entry: bytes
    checkpoint: Checkpoint
    checkpoint_note: bytes


def is_receipt(data: bytes) -> bool:
    """Whether ``data`` starts as a ``c2sp.org/tlog-proof@v1`` receipt does."""
    return data.startswith(_HEADER)


def describe(data: bytes) -> str:
    """What some bytes look like, for a message: ``starts with '%PDF-1.7'``, ``is empty``."""
    if not data:
        return "is empty"
    first = data[:40].split(b"\n", 1)[0]
    return f"starts with {first.decode('utf-8', errors='replace')!r}"


def load_verifier(vkey: str, *, source: str = "verifier key") -> Verifier:
    """Parse a verifier key; raises :class:`InputError` naming ``source`` if malformed."""
    try:
        return Verifier.from_vkey(vkey.strip())
    except LogError as exc:
        raise InputError(
            f"{source}: {exc}",
            "a verifier key looks like name+1a2b3c4d+AeHlv8Q...; get it with `erfurt log vkey`",
        ) from exc


def verify_receipt(
    receipt: bytes,
    verifier: Verifier,
    *,
    entry: bytes | None = None,
    source: str = "receipt",
) -> ReceiptCheck:
    """Verify a receipt against a pinned key, offline.

    ``entry`` is the record's exact bytes when known from elsewhere; otherwise the
    receipt's ``extra`` line supplies them. Raises :class:`VerificationError` naming
    ``source`` and the check that failed.
    """
    try:
        proof = parse_proof(receipt)
        entry = entry if entry is not None else proof.extra
        if entry is None:
            raise VerificationError(
                f"{source}: the receipt does not carry its record",
                "verify it together with the record's bytes (record.json in an evidence package)",
            )
        if proof.extra is not None and proof.extra != entry:
            raise VerificationError(f"{source}: the record in the receipt is not the one given")
        checkpoint = verify_proof(receipt, entry, verifier)
    except LogError as exc:
        raise VerificationError(f"{source}: {exc}") from exc
    record = Record.from_bytes(entry, source=f"{source}: record")
    return ReceiptCheck(proof.index, record, entry, checkpoint, proof.checkpoint_note)
