"""The declarant's private receipt: identity, salt, and the record's inclusion proof.

A receipt is a small JSON file::

    {"format": "erfurt-declaration-receipt/v1",
     "identity": "Wang Xiaoming; 1990-01-02",   # as typed; normalised again on checking
     "salt": "<64 hex digits>",
     "proof": "<c2sp.org/tlog-proof@v1 text; its extra line is the record itself>",
     "vkey": "<the log's verifier key>"}

It is the only place the identity is ever written, and it is written for the declarant,
outside the archive. Whoever is shown it can check offline that the record is in the log
(the proof, against the registry's key) and that it commits to this identity (the salt
opens the commitment).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from erfurt.archive import JSON, SALT_SIZE, Salt
from erfurt.declarations.identity import commit_identity, parse_identity
from erfurt.declarations.model import Declaration
from erfurt.errors import InputError, VerificationError

__all__ = ["RECEIPT_FORMAT", "Receipt", "open_commitment"]

RECEIPT_FORMAT = "erfurt-declaration-receipt/v1"
_HINT = "use the receipt file exactly as `erfurt declare` wrote it"


@dataclass(frozen=True, slots=True, repr=False)
class Receipt:
    """A parsed receipt; ``repr`` hides the identity and the salt."""

    identity: str
    salt: Salt
    proof: bytes
    vkey: str

    def to_bytes(self) -> bytes:
        """The receipt file's bytes (JSON, UTF-8, one key per line)."""
        document = {
            "format": RECEIPT_FORMAT,
            "identity": self.identity,
            "salt": self.salt.hex(),
            "proof": self.proof.decode("utf-8"),
            "vkey": self.vkey,
        }
        return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes, source: str) -> Receipt:
        """Parse a receipt file's bytes; ``source`` names it in errors.

        Raises VerificationError if it is not a receipt of a known format.
        """
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            # RecursionError: lists nested thousands deep (the parser recurses per level)
            raise VerificationError(f"{source}: not a receipt ({exc})", _HINT) from exc
        if not isinstance(document, dict) or document.get("format") != RECEIPT_FORMAT:
            raise VerificationError(f"{source}: not a {RECEIPT_FORMAT} file", _HINT)
        try:
            salt = bytes.fromhex(_text(document, "salt", source))
        except ValueError as exc:
            raise VerificationError(f"{source}: the salt is not hex", _HINT) from exc
        if len(salt) != SALT_SIZE:
            raise VerificationError(f"{source}: the salt is not {SALT_SIZE} bytes", _HINT)
        return cls(
            identity=_text(document, "identity", source),
            salt=Salt(salt),
            proof=_text(document, "proof", source).encode("utf-8"),
            vkey=_text(document, "vkey", source),
        )


def _text(document: Mapping[str, object], key: str, source: str) -> str:
    value = document.get(key)
    if not isinstance(value, str):
        raise VerificationError(f"{source}: {key!r} is missing or not text", _HINT)
    return value


def open_commitment(receipt: Receipt, fields: Mapping[str, JSON], source: str) -> Declaration:
    """Check that the receipt's identity and salt open the commitment in ``fields``.

    ``fields`` are the fields of the ``declaration.made`` record the proof covers.
    Returns that declaration. Raises VerificationError if the record is malformed or
    the identity and salt do not open its commitment.
    """
    try:
        declaration = Declaration.from_fields(fields)
        identity = parse_identity(receipt.identity, rule=declaration.identity_rule or 1)
    except (KeyError, TypeError) as exc:
        raise VerificationError(f"{source}: malformed record ({exc})", _HINT) from exc
    except InputError as exc:  # a malformed identity in a receipt means an altered file
        raise VerificationError(f"{source}: {exc.message}", _HINT) from exc
    if declaration.commitment != commit_identity(identity, receipt.salt):
        raise VerificationError(
            f"{source}: the identity and salt do not open the record's commitment",
            "the receipt was altered, or belongs to another declaration",
        )
    return declaration
