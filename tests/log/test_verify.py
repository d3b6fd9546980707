"""The strict verifier: every rule named, every malformed input refused."""

from __future__ import annotations

import pytest

from erfurt.log import (
    EMPTY_ROOT,
    Checkpoint,
    ConsistencyProofError,
    Hash,
    InclusionProofError,
    leaf_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from erfurt.log.merkle import consistency_path, inclusion_path
from erfurt.log.verify import consistency_proof_length, inclusion_proof_length

LEAVES = [leaf_hash(bytes([i])) for i in range(20)]


def _node(height: int, index: int) -> Hash:
    return root_hash(LEAVES[index << height : (index + 1) << height])


def _checkpoint(size: int, origin: str = "o") -> Checkpoint:
    return Checkpoint(origin, size, root_hash(LEAVES[:size]))


def test_proof_lengths_match_the_proofs_built() -> None:
    for n in range(1, 20):
        for i in range(n):
            assert len(inclusion_path(_node, i, n)) == inclusion_proof_length(i, n)
        for m in range(1, n):
            assert len(consistency_path(_node, m, n)) == consistency_proof_length(m, n)


@pytest.mark.parametrize(
    ("index", "size", "message"),
    [(5, 5, "index must be below"), (7, 5, "index must be below"), (-1, 5, "index must be below")],
)
def test_inclusion_index_outside_tree(index: int, size: int, message: str) -> None:
    proof = inclusion_path(_node, 0, size)
    with pytest.raises(InclusionProofError, match=message):
        verify_inclusion(LEAVES[0], index, proof, _checkpoint(size))


def test_inclusion_in_empty_tree_is_refused() -> None:
    with pytest.raises(InclusionProofError, match="index must be below"):
        verify_inclusion(LEAVES[0], 0, [], Checkpoint("o", 0, EMPTY_ROOT))


def test_inclusion_wrong_lengths() -> None:
    proof = inclusion_path(_node, 3, 11)
    checkpoint = _checkpoint(11)
    with pytest.raises(InclusionProofError, match=r"expected exactly 4 \(RFC 9162 §2.1.3.2\)"):
        verify_inclusion(LEAVES[3], 3, [*proof, proof[0]], checkpoint)
    with pytest.raises(InclusionProofError, match="expected exactly 4"):
        verify_inclusion(LEAVES[3], 3, proof[:-1], checkpoint)
    with pytest.raises(InclusionProofError, match="proof hash 1 is 31 bytes"):
        verify_inclusion(LEAVES[3], 3, [proof[0], Hash(proof[1][:31]), *proof[2:]], checkpoint)
    with pytest.raises(InclusionProofError, match="leaf_hash is 33 bytes"):
        verify_inclusion(Hash(LEAVES[3] + b"x"), 3, proof, checkpoint)
    with pytest.raises(InclusionProofError, match="root is 0 bytes"):
        verify_inclusion(LEAVES[3], 3, proof, Checkpoint("o", 11, Hash(b"")))


def test_inclusion_wrong_leaf_or_root() -> None:
    proof = inclusion_path(_node, 3, 11)
    with pytest.raises(InclusionProofError, match="does not equal the checkpoint's root"):
        verify_inclusion(LEAVES[4], 3, proof, _checkpoint(11))
    with pytest.raises(InclusionProofError, match="does not equal the checkpoint's root"):
        verify_inclusion(LEAVES[3], 3, proof, _checkpoint(12))


def test_consistency_rules() -> None:
    old, new = _checkpoint(6), _checkpoint(13)
    proof = consistency_path(_node, 6, 13)
    verify_consistency(old, new, proof)
    with pytest.raises(ConsistencyProofError, match="origins differ"):
        verify_consistency(old, _checkpoint(13, origin="other"), proof)
    with pytest.raises(ConsistencyProofError, match="old size is larger"):
        verify_consistency(new, old, proof)
    with pytest.raises(ConsistencyProofError, match="expected exactly"):
        verify_consistency(old, new, proof[:-1])
    with pytest.raises(ConsistencyProofError, match="computed new root"):
        verify_consistency(old, _checkpoint(14), consistency_path(_node, 6, 14)[:-1] + proof[-1:])
    with pytest.raises(ConsistencyProofError, match="equal sizes need an empty proof"):
        verify_consistency(new, new, proof)
    with pytest.raises(ConsistencyProofError, match="equal sizes but different roots"):
        verify_consistency(new, Checkpoint("o", 13, LEAVES[0]), [])
    with pytest.raises(ConsistencyProofError, match="from the empty tree proves nothing"):
        verify_consistency(Checkpoint("o", 0, EMPTY_ROOT), new, proof)
    with pytest.raises(ConsistencyProofError, match="empty-tree root"):
        verify_consistency(Checkpoint("o", 0, LEAVES[0]), Checkpoint("o", 0, LEAVES[0]), [])
    verify_consistency(Checkpoint("o", 0, EMPTY_ROOT), Checkpoint("o", 0, EMPTY_ROOT), [])
    verify_consistency(new, new, [])
