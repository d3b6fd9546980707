"""The declarant's private receipt: identity, salt, the logged record and its inclusion proof.

A receipt is a small JSON file::

    {"format": "erfurt-declaration-receipt/v1",
     "identity": "Wang Xiaoming; 1990-01-02",   # as typed; normalised again on checking
     "salt": "<64 hex digits>",
     "log_index": 41,
     "record": "<the record's canonical JSON, exactly as logged>",
     "proof": "<c2sp.org/tlog-proof@v1 text>",
     "vkey": "<the log's verifier key>"}

It is the only place the identity is ever written, and it is written for the declarant,
outside the archive. Whoever is shown it can check offline that the record is in the log
(the proof) and that it commits to this identity (the salt opens the commitment).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from erfurt.archive import SALT_SIZE, Salt
from erfurt.declarations.identity import commit_identity, parse_identity
from erfurt.declarations.model import DECLARATION_KIND, Declaration
from erfurt.errors import InputError, VerificationError

__all__ = ["RECEIPT_FORMAT", "Receipt", "open_commitment"]

RECEIPT_FORMAT = "erfurt-declaration-receipt/v1"


@dataclass(frozen=True, slots=True, repr=False)
class Receipt:
    """A parsed receipt; ``repr`` hides the identity and the salt."""

    identity: str
    salt: Salt
    log_index: int
    record: bytes
    proof: bytes
    vkey: str

    def to_bytes(self) -> bytes:
        """The receipt file's bytes (JSON, UTF-8, one key per line)."""
        document = {
            "format": RECEIPT_FORMAT,
            "identity": self.identity,
            "salt": self.salt.hex(),
            "log_index": self.log_index,
            "record": self.record.decode("utf-8"),
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
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise VerificationError(f"{source}: not a receipt ({exc})", _HINT) from exc
        if not isinstance(document, dict) or document.get("format") != RECEIPT_FORMAT:
            raise VerificationError(f"{source}: not a {RECEIPT_FORMAT} file", _HINT)
        try:
            salt = bytes.fromhex(_text(document, "salt", source))
            index = document["log_index"]
            if not isinstance(index, int) or isinstance(index, bool) or index < 0:
                raise VerificationError(f"{source}: log_index {index!r} is not an index", _HINT)
            return cls(
                identity=_text(document, "identity", source),
                salt=Salt(salt),
                log_index=index,
                record=_text(document, "record", source).encode("utf-8"),
                proof=_text(document, "proof", source).encode("utf-8"),
                vkey=_text(document, "vkey", source),
            )
        except (KeyError, ValueError) as exc:
            raise VerificationError(f"{source}: malformed receipt ({exc})", _HINT) from exc


_HINT = "use the receipt file exactly as `erfurt declare` wrote it"


def _text(document: Mapping[str, object], key: str, source: str) -> str:
    value = document[key]
    if not isinstance(value, str):
        raise VerificationError(f"{source}: {key!r} is not text", _HINT)
    return value


def open_commitment(receipt: Receipt, source: str) -> Declaration:
    """Check that the receipt's record is a declaration committing to its identity.

    Returns the declaration the record holds. Does not check the inclusion proof.
    Raises VerificationError if the record is not a declaration or the identity and salt
    do not open its commitment.
    """
    try:
        fields = json.loads(receipt.record)
    except json.JSONDecodeError as exc:
        raise VerificationError(f"{source}: the record is not JSON ({exc})", _HINT) from exc
    if not isinstance(fields, dict) or fields.get("kind") != DECLARATION_KIND:
        raise VerificationError(f"{source}: the record is not a {DECLARATION_KIND}", _HINT)
    if len(receipt.salt) != SALT_SIZE:
        raise VerificationError(f"{source}: the salt is not {SALT_SIZE} bytes", _HINT)
    try:
        declaration = Declaration.from_fields(fields)
        identity = parse_identity(receipt.identity)
    except (KeyError, TypeError) as exc:
        raise VerificationError(f"{source}: malformed record ({exc})", _HINT) from exc
    except InputError as exc:  # a malformed field in a receipt means an altered file
        raise VerificationError(f"{source}: {exc.message}", _HINT) from exc
    if declaration.commitment != commit_identity(identity, receipt.salt):
        raise VerificationError(
            f"{source}: the identity and salt do not open the record's commitment",
            "the receipt was altered, or belongs to another declaration",
        )
    return declaration
