"""Proving a receipt offline: the record is in the log, and it commits to this identity."""

from __future__ import annotations

from dataclasses import dataclass

from erfurt.archive import ReceiptCheck, load_verifier, verify_receipt
from erfurt.declarations.identity import parse_identity
from erfurt.declarations.model import DECLARATION_KIND, Declaration
from erfurt.declarations.receipt import Receipt, open_commitment
from erfurt.errors import VerificationError

__all__ = ["Proved", "prove_receipt"]


@dataclass(frozen=True, slots=True, repr=False)
class Proved:
    """A receipt that verified: who (from the receipt), what and when (from the log).

    ``vkey_from_receipt`` is true when no key was given and the receipt's own key was
    used: then compare ``vkey`` with the key the registry publishes. ``checked`` is the
    verified log receipt, whose checkpoint may carry timestamps and cosignatures.
    """

    name: str
    birth_date: str
    declaration: Declaration
    log_index: int
    origin: str
    tree_size: int
    vkey: str
    vkey_from_receipt: bool
    checked: ReceiptCheck

    def __repr__(self) -> str:
        return f"Proved(log_index={self.log_index}, <identity hidden>)"


def prove_receipt(data: bytes, source: str, vkey: str | None = None) -> Proved:
    """Check a receipt file's bytes offline against ``vkey`` (default: the receipt's key).

    Raises VerificationError naming the failed check: not a receipt, the inclusion proof
    or checkpoint signature fails, the record is not a declaration, or the identity and
    salt do not open the record's commitment; InputError for a malformed ``vkey``.
    """
    receipt = Receipt.from_bytes(data, source)
    key = vkey if vkey is not None else receipt.vkey
    checked = verify_receipt(receipt.proof, load_verifier(key, source="--vkey"), source=source)
    if checked.record.kind != DECLARATION_KIND:
        raise VerificationError(
            f"{source}: the proof is for a {checked.record.kind} record, not a declaration",
            "the receipt was altered",
        )
    declaration = open_commitment(receipt, checked.record.fields, source)
    identity = parse_identity(receipt.identity, rule=declaration.identity_rule or 1)
    return Proved(
        name=identity.name,
        birth_date=identity.birth_date,
        declaration=declaration,
        log_index=checked.index,
        origin=checked.checkpoint.origin,
        tree_size=checked.checkpoint.tree_size,
        vkey=key,
        vkey_from_receipt=vkey is None,
        checked=checked,
    )
