"""RFC 6962 / RFC 9162 Merkle tree hashing and proof construction (pure functions).

Proofs are built from a *node lookup*: a function ``node(height, index)`` that returns the
hash of the perfect subtree of ``2**height`` leaves starting at leaf ``index << height``.
The tiles of a log give exactly those hashes (see :mod:`erfurt.log.prover`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import NewType

__all__ = [
    "EMPTY_ROOT",
    "Hash",
    "NodeLookup",
    "consistency_path",
    "inclusion_path",
    "leaf_hash",
    "node_hash",
    "perfect_levels",
    "range_hash",
    "root_hash",
]

Hash = NewType("Hash", bytes)
"""A raw 32-byte SHA-256 hash (never hex or base64)."""

NodeLookup = Callable[[int, int], Hash]

EMPTY_ROOT = Hash(hashlib.sha256(b"").digest())
"""The root hash of the empty tree: SHA-256 of the empty string (RFC 6962 §2.1)."""

_sha256 = hashlib.sha256


def leaf_hash(entry: bytes) -> Hash:
    """Return the RFC 6962 leaf hash of ``entry``: SHA-256(0x00 || entry)."""
    return Hash(_sha256(b"\x00" + entry).digest())


def node_hash(left: Hash, right: Hash) -> Hash:
    """Return the RFC 6962 interior node hash: SHA-256(0x01 || left || right)."""
    return Hash(_sha256(b"\x01" + left + right).digest())


def perfect_levels(hashes: Sequence[Hash]) -> list[list[Hash]]:
    """Return every perfect subtree hash over ``hashes``, level by level.

    ``levels[r][i]`` is the hash of the perfect subtree over ``hashes[i*2**r:(i+1)*2**r]``;
    an odd last hash of a level has no parent (its subtree is not perfect yet).
    """
    levels = [list(hashes)]
    level = levels[0]
    while len(level) > 1:
        level = [
            Hash(_sha256(b"\x01" + level[i] + level[i + 1]).digest())
            for i in range(0, len(level) - 1, 2)
        ]
        levels.append(level)
    return levels


def root_hash(leaf_hashes: Sequence[Hash]) -> Hash:
    """Return the Merkle Tree Hash (RFC 6962 §2.1) of a list of leaf hashes."""
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n >= 2), as in RFC 6962 §2.1."""
    return 1 << ((n - 1).bit_length() - 1)


def range_hash(node: NodeLookup, start: int, end: int) -> Hash:
    """Return MTH(D[start:end]) for a range that starts on a boundary of its largest subtree.

    The range is cut into perfect subtrees, largest first, and folded from the right.
    """
    parts: list[Hash] = []
    while start < end:
        height = (end - start).bit_length() - 1
        parts.append(node(height, start >> height))
        start += 1 << height
    result = parts[-1]
    for part in reversed(parts[:-1]):
        result = node_hash(part, result)
    return result


def inclusion_path(node: NodeLookup, index: int, size: int) -> list[Hash]:
    """Return the inclusion proof PATH(index, D[0:size]) of RFC 6962 §2.1.1, leaf first."""
    if not 0 <= index < size:
        raise ValueError(f"index {index} is not below tree size {size}")
    path: list[Hash] = []
    start, n, m = 0, size, index
    while n > 1:
        k = _split(n)
        if m < k:
            path.append(range_hash(node, start + k, start + n))
            n = k
        else:
            path.append(range_hash(node, start, start + k))
            start, n, m = start + k, n - k, m - k
    path.reverse()
    return path


def consistency_path(node: NodeLookup, old_size: int, new_size: int) -> list[Hash]:
    """Return the consistency proof PROOF(old_size, D[0:new_size]) of RFC 6962 §2.1.2."""
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")
    path: list[Hash] = []
    start, n, m, whole = 0, new_size, old_size, True
    while m != n:
        k = _split(n)
        if m <= k:
            path.append(range_hash(node, start + k, start + n))
            n = k
        else:
            path.append(range_hash(node, start, start + k))
            start, n, m, whole = start + k, n - k, m - k, False
    if not whole:
        path.append(range_hash(node, start, start + n))
    path.reverse()
    return path
