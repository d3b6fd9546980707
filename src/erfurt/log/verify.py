"""Strict verification of inclusion and consistency proofs (RFC 9162 §2.1.3.2, §2.1.4.2).

The tree size and root always come from a :class:`Checkpoint` (which the caller has
verified, e.g. with :func:`open_checkpoint`), never from the proof. Every check that fails
raises a :class:`ProofError` subclass naming the check and the RFC section.
"""

from __future__ import annotations

from collections.abc import Sequence

from .checkpoint import Checkpoint
from .errors import ConsistencyProofError, InclusionProofError
from .merkle import EMPTY_ROOT, Hash, node_hash

__all__ = ["verify_consistency", "verify_inclusion"]

_INCL = "RFC 9162 §2.1.3.2"
_CONS = "RFC 9162 §2.1.4.2"


def _check_lengths(
    what: str, proof: Sequence[Hash], error: type[Exception], section: str, **hashes: bytes
) -> None:
    for name, value in hashes.items():
        if len(value) != 32:
            raise error(f"{what}: {name} is {len(value)} bytes, not 32 ({section})")
    for i, value in enumerate(proof):
        if len(value) != 32:
            raise error(f"{what}: proof hash {i} is {len(value)} bytes, not 32 ({section})")


def inclusion_proof_length(index: int, size: int) -> int:
    """The exact number of hashes in an inclusion proof of ``index`` in a tree of ``size``."""
    inner = (index ^ (size - 1)).bit_length()
    return inner + (index >> inner).bit_count()


def consistency_proof_length(old_size: int, new_size: int) -> int:
    """The exact number of hashes in a consistency proof between two non-empty sizes."""
    inner = ((old_size - 1) ^ (new_size - 1)).bit_length()
    border = ((old_size - 1) >> inner).bit_count()
    shift = (old_size & -old_size).bit_length() - 1
    seed = 0 if old_size == 1 << shift else 1
    return seed + inner - shift + border


def verify_inclusion(
    leaf_hash: Hash, index: int, proof: Sequence[Hash], checkpoint: Checkpoint
) -> None:
    """Check that ``leaf_hash`` is at ``index`` in the tree that ``checkpoint`` commits to.

    Raises InclusionProofError naming the failed check: a hash that is not 32 bytes, an
    index outside the tree, a proof of the wrong length, or a root that does not match.
    """
    size = checkpoint.tree_size
    what = f"inclusion of leaf {index} in tree of size {size}"
    _check_lengths(
        what, proof, InclusionProofError, _INCL, leaf_hash=leaf_hash, root=checkpoint.root_hash
    )
    if index < 0 or index >= size:
        raise InclusionProofError(f"{what}: index must be below the tree size ({_INCL})")
    want = inclusion_proof_length(index, size)
    if len(proof) != want:
        raise InclusionProofError(
            f"{what}: proof has {len(proof)} hashes, expected exactly {want} ({_INCL})"
        )
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            raise InclusionProofError(f"{what}: proof is longer than the path ({_INCL})")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise InclusionProofError(f"{what}: proof is shorter than the path ({_INCL})")
    if r != checkpoint.root_hash:
        raise InclusionProofError(
            f"{what}: computed root does not equal the checkpoint's root hash ({_INCL})"
        )


def verify_consistency(old: Checkpoint, new: Checkpoint, proof: Sequence[Hash]) -> None:
    """Check that the tree of checkpoint ``new`` extends the tree of checkpoint ``old``.

    Rules beyond the RFC algorithm: both checkpoints must have the same origin; a size-0
    tree must have the empty-tree root; equal sizes need an empty proof and equal roots; a
    proof from size 0 to a larger size is refused (every tree extends the empty tree, so
    such a proof proves nothing). Raises ConsistencyProofError naming the failed check.
    """
    m, n = old.tree_size, new.tree_size
    what = f"consistency from size {m} to size {n}"
    _check_lengths(
        what, proof, ConsistencyProofError, _CONS, old_root=old.root_hash, new_root=new.root_hash
    )
    if old.origin != new.origin:
        raise ConsistencyProofError(
            f"{what}: origins differ ({old.origin!r} and {new.origin!r}); "
            "checkpoints of different logs are never consistent"
        )
    if m < 0 or m > n:
        raise ConsistencyProofError(f"{what}: the old size is larger than the new size ({_CONS})")
    for cp in (old, new):
        if cp.tree_size == 0 and cp.root_hash != EMPTY_ROOT:
            raise ConsistencyProofError(
                f"{what}: a tree of size 0 must have the empty-tree root (RFC 9162 §2.1.1)"
            )
    if m == n:
        if proof:
            raise ConsistencyProofError(
                f"{what}: equal sizes need an empty proof, got {len(proof)} hashes ({_CONS})"
            )
        if old.root_hash != new.root_hash:
            raise ConsistencyProofError(f"{what}: equal sizes but different roots ({_CONS})")
        return
    if m == 0:
        raise ConsistencyProofError(
            f"{what}: a proof from the empty tree proves nothing and is refused ({_CONS})"
        )
    want = consistency_proof_length(m, n)
    if len(proof) != want:
        raise ConsistencyProofError(
            f"{what}: proof has {len(proof)} hashes, expected exactly {want} ({_CONS})"
        )
    path = list(proof)
    if m & (m - 1) == 0:
        path.insert(0, old.root_hash)
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ConsistencyProofError(f"{what}: proof is longer than the path ({_CONS})")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ConsistencyProofError(f"{what}: proof is shorter than the path ({_CONS})")
    if fr != old.root_hash:
        raise ConsistencyProofError(
            f"{what}: computed old root does not equal the old checkpoint's root ({_CONS})"
        )
    if sr != new.root_hash:
        raise ConsistencyProofError(
            f"{what}: computed new root does not equal the new checkpoint's root ({_CONS})"
        )
