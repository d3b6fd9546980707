"""Offline receipts in the c2sp.org/tlog-proof@v1 format.

c2sp.org/tlog-proof@v1
[extra <base64>]
index <decimal>
<base64 hash>            (zero or more: the inclusion proof, leaf's sibling first)
<blank line>
<signed checkpoint note, verbatim>
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .checkpoint import Checkpoint, open_checkpoint
from .errors import FormatError
from .merkle import Hash, leaf_hash
from .note import Verifier, b64decode_strict
from .verify import verify_inclusion

__all__ = ["TlogProof", "format_proof", "parse_proof", "verify_proof"]

HEADER = "c2sp.org/tlog-proof@v1"
_INDEX = re.compile(r"index (0|[1-9][0-9]*)")


@dataclass(frozen=True, slots=True)
class TlogProof:
    """A parsed tlog-proof: entry index, inclusion proof, checkpoint note, extra data."""

    index: int
    proof: tuple[Hash, ...]
    checkpoint_note: bytes
    extra: bytes | None = None


def format_proof(
    index: int, proof: Sequence[Hash], checkpoint_note: bytes, extra: bytes | None = None
) -> bytes:
    """Serialise a tlog-proof; raises FormatError for a negative index or a bad hash."""
    if index < 0:
        raise FormatError(f"tlog-proof: index {index} is negative")
    lines = [HEADER]
    if extra is not None:
        lines.append("extra " + base64.b64encode(extra).decode("ascii"))
    lines.append(f"index {index}")
    for i, h in enumerate(proof):
        if len(h) != 32:
            raise FormatError(f"tlog-proof: proof hash {i} is {len(h)} bytes, not 32")
        lines.append(base64.b64encode(h).decode("ascii"))
    head = "".join(line + "\n" for line in lines) + "\n"
    return head.encode("ascii") + checkpoint_note


def parse_proof(data: bytes) -> TlogProof:
    """Parse a tlog-proof strictly; raises FormatError naming the line."""
    lines: list[str] = []
    pos = 0
    while True:
        end = data.find(b"\n", pos)
        if end < 0:
            raise FormatError(f"tlog-proof line {len(lines) + 1}: no blank line before checkpoint")
        line = data[pos:end]
        pos = end + 1
        if not line:
            break
        try:
            lines.append(line.decode("ascii"))
        except UnicodeDecodeError as exc:
            raise FormatError(f"tlog-proof line {len(lines) + 1}: not ASCII") from exc
    if not lines or lines[0] != HEADER:
        raise FormatError(f"tlog-proof line 1: expected {HEADER!r}")
    number = 2
    extra = None
    if len(lines) > 1 and lines[1].startswith("extra "):
        extra = b64decode_strict(lines[1][len("extra ") :], "tlog-proof line 2: extra")
        number = 3
    if len(lines) < number:
        raise FormatError(f"tlog-proof line {number}: expected 'index <n>'")
    match = _INDEX.fullmatch(lines[number - 1])
    if not match:
        raise FormatError(f"tlog-proof line {number}: expected 'index <n>' without leading zeros")
    proof = []
    for offset, text in enumerate(lines[number:], start=number + 1):
        raw = b64decode_strict(text, f"tlog-proof line {offset}")
        if len(raw) != 32:
            raise FormatError(f"tlog-proof line {offset}: hash is {len(raw)} bytes, not 32")
        proof.append(Hash(raw))
    note = data[pos:]
    if not note:
        raise FormatError("tlog-proof: the checkpoint after the blank line is missing")
    return TlogProof(int(match.group(1)), tuple(proof), note, extra)


def verify_proof(
    data: bytes, entry: bytes, verifier: Verifier, origin: str | None = None
) -> Checkpoint:
    """Verify a tlog-proof for ``entry``: the checkpoint's signature, then inclusion.

    Returns the verified checkpoint. Raises FormatError, SignatureError or
    InclusionProofError.
    """
    receipt = parse_proof(data)
    checkpoint = open_checkpoint(receipt.checkpoint_note, verifier, origin)
    verify_inclusion(leaf_hash(entry), receipt.index, receipt.proof, checkpoint)
    return checkpoint
