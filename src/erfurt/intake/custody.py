"""The custody of a document that came through intake, checked across the two archives.

A ``document.added`` opened from a submission cites the envelope it was decrypted from
(``envelope``) and a receipt (``intake_receipt``) proving the server's ``intake.received``
record for that envelope, signed by the server log's key (``intake_vkey``). Checking it
needs neither the server nor the intake key.
"""

from __future__ import annotations

from dataclasses import dataclass

from erfurt.archive import Archive, load_verifier, verify_receipt
from erfurt.errors import InputError, VerificationError

__all__ = ["IntakeCustody", "intake_fields", "verify_intake_custody"]


@dataclass(frozen=True, slots=True)
class IntakeCustody:
    """Document ``document`` came from the envelope the server logged as ``received``."""

    document: int
    envelope: str
    received: int
    received_day: str
    server_origin: str
    server_size: int


def intake_fields(envelope: str, receipt: str, vkey: str) -> dict[str, str]:
    """The fields a ``document.added`` opened from a submission carries."""
    return {"envelope": envelope, "intake_receipt": receipt, "intake_vkey": vkey}


def verify_intake_custody(
    archive: Archive, document: int, *, vkey: str | None = None
) -> IntakeCustody:
    """Verify that ``document`` came from a submission the server logged.

    The receipt is checked against ``vkey`` (default: the key the record names; pin the
    server's key to rule out a forged log). Raises VerificationError if any link fails.
    """
    record = archive.record(document)
    if record.kind != "document.added" or "intake_receipt" not in record.fields:
        raise InputError(
            f"record {document} is not a document opened from a submission",
            "give the index of a document added by `erfurt intake open`",
        )
    envelope = str(record["envelope"])
    archive.check_blob(envelope)
    pinned = vkey or str(record["intake_vkey"])
    check = verify_receipt(
        archive.read_blob(str(record["intake_receipt"])),
        load_verifier(pinned),
        source=f"the intake receipt of record {document}",
    )
    received = check.record
    if received.kind != "intake.received" or received["blob"] != envelope:
        raise VerificationError(
            f"record {document}: its receipt proves another record than its envelope's arrival",
            "the records were forged: compare with the server's published log",
        )
    return IntakeCustody(
        document,
        envelope,
        check.index,
        str(received["time"]),
        check.checkpoint.origin,
        check.checkpoint.tree_size,
    )
