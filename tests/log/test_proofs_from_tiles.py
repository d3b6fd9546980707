"""Proofs built from the tiles of real on-disk logs verify; any flipped byte fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from erfurt.log import (
    Checkpoint,
    Hash,
    LogError,
    LogReader,
    MemoryTileStore,
    ProofError,
    Signer,
    TileProver,
    format_proof,
    leaf_hash,
    open_checkpoint,
    verify_consistency,
    verify_inclusion,
    verify_proof,
)

from .conftest import make_log

SMALL = 40


def _entry(i: int) -> bytes:
    return f"record {i}".encode() * (i % 5)


@pytest.fixture(scope="module")
def small_log(tmp_path_factory: pytest.TempPathFactory, signer: Signer) -> tuple[Path, list[bytes]]:
    """A log grown one entry per append, keeping the checkpoint of every size 1..SMALL."""
    directory = tmp_path_factory.mktemp("small") / "log"
    notes = make_log(directory, signer, [[_entry(i)] for i in range(SMALL)])
    return directory, notes


def test_every_proof_of_every_small_size(small_log: tuple[Path, list[bytes]], signer: Signer):
    directory, notes = small_log
    reader = LogReader(directory)
    checkpoints = [open_checkpoint(n, signer.verifier) for n in notes]
    for n, new in enumerate(checkpoints, start=1):
        assert new.tree_size == n
        for i in range(n):
            verify_inclusion(leaf_hash(_entry(i)), i, reader.inclusion_proof(i, n), new)
            assert reader.entry(i, n) == _entry(i)
        for old in checkpoints[:n]:
            proof = reader.consistency_proof(old.tree_size, n)
            verify_consistency(old, new, proof)


BOUNDARIES = [1, 255, 256, 257, 511, 512, 513, 65535, 65536, 65537, 65793, 66000]


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory, signer: Signer) -> tuple[Path, list[bytes]]:
    """A log whose checkpoints sit on and around tile boundaries up to level 2."""
    directory = tmp_path_factory.mktemp("big") / "log"
    batches, size = [], 0
    for target in BOUNDARIES:
        batches.append([_entry(i) for i in range(size, target)])
        size = target
    return directory, make_log(directory, signer, batches)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_proofs_across_tile_boundaries(
    big_log: tuple[Path, list[bytes]], signer: Signer, data: st.DataObject
) -> None:
    directory, notes = big_log
    reader = LogReader(directory)
    new_at = data.draw(st.integers(0, len(notes) - 1))
    old_at = data.draw(st.integers(0, new_at))
    new = open_checkpoint(notes[new_at], signer.verifier)
    old = open_checkpoint(notes[old_at], signer.verifier)
    index = data.draw(st.integers(0, new.tree_size - 1))
    proof = reader.inclusion_proof(index, new.tree_size)
    verify_inclusion(leaf_hash(_entry(index)), index, proof, new)
    consistency = reader.consistency_proof(old.tree_size, new.tree_size)
    verify_consistency(old, new, consistency)
    if consistency:
        at = data.draw(st.integers(0, len(consistency) - 1))
        bit = data.draw(st.integers(0, 255))
        consistency[at] = Hash(_flip(consistency[at], bit))
        with pytest.raises(ProofError):
            verify_consistency(old, new, consistency)
    bad_root = Checkpoint(new.origin, new.tree_size, Hash(_flip(new.root_hash, index)))
    with pytest.raises(ProofError):
        verify_inclusion(leaf_hash(_entry(index)), index, proof, bad_root)


def _flip(data: bytes, position: int, mask: int = 0x01) -> bytes:
    position %= len(data)
    return data[:position] + bytes([data[position] ^ mask]) + data[position + 1 :]


@settings(max_examples=150, deadline=None)
@given(size=st.integers(1, SMALL), data=st.data())
def test_any_flipped_byte_of_a_receipt_fails(
    small_log: tuple[Path, list[bytes]], signer: Signer, size: int, data: st.DataObject
) -> None:
    directory, notes = small_log
    index = data.draw(st.integers(0, size - 1))
    reader = LogReader(directory)
    receipt = format_proof(index, reader.inclusion_proof(index, size), notes[size - 1])
    verify_proof(receipt, _entry(index), signer.verifier)
    position = data.draw(st.integers(0, len(receipt) - 1))
    mask = data.draw(st.integers(1, 255))
    with pytest.raises(LogError):
        verify_proof(_flip(receipt, position, mask), _entry(index), signer.verifier)
    entry = _entry(index)
    wrong = _flip(entry, data.draw(st.integers(0, 10**6)), mask) if entry else b"\x00"
    with pytest.raises(ProofError):
        verify_proof(receipt, wrong, signer.verifier)


def test_a_prover_over_an_in_memory_store_gives_the_same_proofs(
    big_log: tuple[Path, list[bytes]], signer: Signer
) -> None:
    directory, notes = big_log
    files = {
        str(p.relative_to(directory)): p.read_bytes()
        for p in (directory / "tile").rglob("*")
        if p.is_file()
    }
    prover = TileProver(MemoryTileStore(files))
    reader = LogReader(directory)
    checkpoint = open_checkpoint(notes[-1], signer.verifier)
    size = checkpoint.tree_size
    assert prover.root(size) == checkpoint.root_hash
    for index in (0, 255, 256, 65535, 65536, size - 1):
        assert prover.inclusion_proof(index, size) == reader.inclusion_proof(index, size)
    for old in (1, 256, 65537, size - 1):
        assert prover.consistency_proof(old, size) == reader.consistency_proof(old, size)
