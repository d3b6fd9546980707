"""Checkpoints (c2sp.org/tlog-checkpoint): origin, tree size and root hash of a log."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from .errors import FormatError, SignatureError
from .merkle import Hash
from .note import Verifier, b64decode_strict, open_note

__all__ = ["Checkpoint", "open_checkpoint"]

_SIZE = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The body of a checkpoint note: the log's origin, tree size and root hash.

    The constructor does not check the root's length, so that verifiers can report a bad
    one as a proof failure; :meth:`from_text` and :meth:`to_text` are strict.
    """

    origin: str
    tree_size: int
    root_hash: Hash
    extensions: tuple[str, ...] = ()

    def to_text(self) -> str:
        """Return the checkpoint note text (each line ends in a newline); raises FormatError."""
        if not self.origin or "\n" in self.origin:
            raise FormatError(f"checkpoint: origin {self.origin!r} is empty or has a newline")
        if self.tree_size < 0:
            raise FormatError(f"checkpoint: tree size {self.tree_size} is negative")
        if len(self.root_hash) != 32:
            raise FormatError(f"checkpoint: root hash is {len(self.root_hash)} bytes, not 32")
        for ext in self.extensions:
            if not ext or "\n" in ext:
                raise FormatError(f"checkpoint: extension line {ext!r} is empty or has a newline")
        root = base64.b64encode(self.root_hash).decode("ascii")
        lines = [self.origin, str(self.tree_size), root, *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def from_text(cls, text: str) -> Checkpoint:
        """Parse a checkpoint note text strictly; raises FormatError naming the line."""
        if not text.endswith("\n"):
            raise FormatError("checkpoint: text must end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise FormatError(f"checkpoint: {len(lines)} lines, expected at least 3")
        origin, size, root = lines[:3]
        for number, line in enumerate(lines, start=1):
            if not line:
                raise FormatError(f"checkpoint line {number}: empty line")
        if not _SIZE.fullmatch(size):
            raise FormatError(
                f"checkpoint line 2: tree size {size!r} is not a decimal number "
                "without leading zeros"
            )
        root_hash = b64decode_strict(root, "checkpoint line 3: root hash")
        if len(root_hash) != 32:
            raise FormatError(f"checkpoint line 3: root hash is {len(root_hash)} bytes, not 32")
        return cls(origin, int(size), Hash(root_hash), tuple(lines[3:]))


def open_checkpoint(note: bytes, verifier: Verifier, origin: str | None = None) -> Checkpoint:
    """Verify a signed checkpoint note with ``verifier`` and parse its body strictly.

    The verifier's key name must equal the checkpoint's origin (tlog-checkpoint), and the
    origin must equal ``origin`` if given. Raises SignatureError or FormatError.
    """
    opened = open_note(note, [verifier])
    checkpoint = Checkpoint.from_text(opened.text)
    if checkpoint.origin != verifier.name:
        raise SignatureError(
            f"checkpoint: origin {checkpoint.origin!r} is not the name of the verifier key "
            f"{verifier.name!r}"
        )
    if origin is not None and checkpoint.origin != origin:
        raise SignatureError(
            f"checkpoint: origin {checkpoint.origin!r} is not the expected origin {origin!r}"
        )
    return checkpoint
