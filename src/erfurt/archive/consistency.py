"""Proving that the log extends an older checkpoint someone kept."""

from __future__ import annotations

from dataclasses import dataclass

from erfurt.errors import VerificationError
from erfurt.log import (
    EMPTY_ROOT,
    Checkpoint,
    Hash,
    LogError,
    LogReader,
    Verifier,
    open_checkpoint,
    verify_consistency,
)

__all__ = ["Consistency", "prove_consistency"]


@dataclass(frozen=True, slots=True)
class Consistency:
    """A verified proof that the log at ``new`` extends the log at ``old``."""

    old: Checkpoint
    new: Checkpoint
    proof: tuple[Hash, ...]


def prove_consistency(
    reader: LogReader, verifier: Verifier, current: Checkpoint, old_note: bytes, source: str
) -> Consistency:
    """Prove that the log ``reader`` reads, at ``current``, extends the checkpoint ``old_note``.

    Raises :class:`VerificationError` naming ``source`` if the old checkpoint is not
    signed by ``verifier``, or the log does not extend it.
    """
    try:
        old = open_checkpoint(old_note, verifier, current.origin)
        if old.tree_size > current.tree_size:
            raise VerificationError(
                f"{source} is for {old.tree_size} records but this log holds {current.tree_size}",
                "the log may have been rolled back: compare with the published log",
            )
        if old.tree_size == 0:
            # Every log extends the empty one; RFC 9162 defines no proof for it.
            if old.root_hash != EMPTY_ROOT:
                raise VerificationError(f"{source}: size 0 but not the empty tree's root")
            return Consistency(old, current, ())
        proof = reader.consistency_proof(old.tree_size, current.tree_size)
        verify_consistency(old, current, proof)
    except LogError as exc:
        raise VerificationError(f"{source}: {exc}") from exc
    return Consistency(old, current, tuple(proof))
