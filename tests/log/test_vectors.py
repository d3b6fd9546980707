"""Every applicable vector in ../shared/data/tlog, read in place.

The subtree-inclusion and subtree-consistency probes (draft-ietf-plants-merkle-tree-certs)
are not applicable: erfurt.log proves whole trees only.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from erfurt.log import (
    Checkpoint,
    ConsistencyProofError,
    Hash,
    InclusionProofError,
    Note,
    SignatureError,
    Signer,
    Verifier,
    leaf_hash,
    node_hash,
    open_note,
    root_hash,
    sign_note,
    tile_path,
    verify_consistency,
    verify_inclusion,
)
from erfurt.log.merkle import consistency_path, inclusion_path

from .conftest import load_json, tlog_data

MERKLE = tlog_data("transparency-dev-merkle", "testdata")


def _probes(kind: str) -> list[Path]:
    files = sorted((MERKLE / kind).rglob("*.json"))
    assert len(files) >= 98, f"expected the {kind} probes in {MERKLE / kind}"
    return files


def _b64(value: str) -> bytes:
    return base64.b64decode(value)


def _root(value: str) -> Hash:
    # The "additional" probes use short "don't care" strings for roots that must only be
    # equal or different; Checkpoint carries them as their SHA-256 so equality is kept.
    raw = _b64(value)
    return Hash(hashlib.sha256(raw).digest() if raw.startswith(b"don't care") else raw)


@pytest.mark.parametrize("path", _probes("inclusion"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_inclusion_probe(path: Path) -> None:
    probe = json.loads(path.read_text())
    checkpoint = Checkpoint("probe", probe["treeSize"], Hash(_b64(probe["root"])))
    proof = [Hash(_b64(p)) for p in probe["proof"] or []]
    args = (Hash(_b64(probe["leafHash"])), probe["leafIdx"], proof, checkpoint)
    if probe["wantErr"]:
        with pytest.raises(InclusionProofError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("path", _probes("consistency"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_consistency_probe(path: Path) -> None:
    probe = json.loads(path.read_text())
    old = Checkpoint("probe", probe["size1"], _root(probe["root1"]))
    new = Checkpoint("probe", probe["size2"], _root(probe["root2"]))
    proof = [Hash(_b64(p)) for p in probe["proof"] or []]
    if probe["wantErr"]:
        with pytest.raises(ConsistencyProofError):
            verify_consistency(old, new, proof)
    else:
        verify_consistency(old, new, proof)


REFERENCE: dict[str, Any] = load_json("rfc6962-reference-tree.json")
LEAVES = [bytes.fromhex(h) for h in REFERENCE["leaf_inputs_hex"]]
LEAF_HASHES = [leaf_hash(e) for e in LEAVES]


def _lookup(leaves: list[Hash]) -> Any:
    def node(height: int, index: int) -> Hash:
        return root_hash(leaves[index << height : (index + 1) << height])

    return node


def test_hasher_vectors() -> None:
    want = {v["what"]: bytes.fromhex(v["hex"]) for v in REFERENCE["hasher_vectors"]}
    assert root_hash([]) == want["empty tree root"]
    assert leaf_hash(b"") == want["leaf hash of empty input"]
    assert leaf_hash(b"L123456") == want["leaf hash of b'L123456'"]
    assert node_hash(Hash(b"N123"), Hash(b"N456")) == want["node hash of b'N123', b'N456'"]


@pytest.mark.parametrize("size", range(9))
def test_reference_roots(size: int) -> None:
    want = bytes.fromhex(REFERENCE["root_hashes_hex_by_size"][size])
    assert root_hash(LEAF_HASHES[:size]) == want


@pytest.mark.parametrize("case", REFERENCE["inclusion_proofs"], ids=str)
def test_reference_inclusion(case: dict[str, Any]) -> None:
    index, size = case["leaf_index"], case["tree_size"]
    want = [bytes.fromhex(h) for h in case["path_hex"]]
    assert inclusion_path(_lookup(LEAF_HASHES[:size]), index, size) == want
    checkpoint = Checkpoint("ref", size, root_hash(LEAF_HASHES[:size]))
    verify_inclusion(LEAF_HASHES[index], index, [Hash(h) for h in want], checkpoint)


@pytest.mark.parametrize("case", REFERENCE["consistency_proofs"], ids=str)
def test_reference_consistency(case: dict[str, Any]) -> None:
    m, n = case["size1"], case["size2"]
    want = [bytes.fromhex(h) for h in case["path_hex"]]
    if m < n:
        assert consistency_path(_lookup(LEAF_HASHES[:n]), m, n) == want
    old = Checkpoint("ref", m, root_hash(LEAF_HASHES[:m]))
    new = Checkpoint("ref", n, root_hash(LEAF_HASHES[:n]))
    verify_consistency(old, new, [Hash(h) for h in want])


def test_rfc_seven_leaf_example() -> None:
    example = REFERENCE["rfc6962_2_1_3_example_instantiated"]
    labels = {k: bytes.fromhex(v) for k, v in example["labels_hex"].items()}
    hashes = LEAF_HASHES[:7]
    assert root_hash(hashes) == bytes.fromhex(example["root_hex"])
    for case in example["inclusion"]:
        want = [labels[x] for x in case["path"]]
        assert inclusion_path(_lookup(hashes), case["leaf_index"], 7) == want
    for case in example["consistency"]:
        want = [labels[x] for x in case["path"]]
        assert consistency_path(_lookup(hashes), case["size1"], 7) == want


NOTES: dict[str, Any] = load_json("signed-note-vectors.json")


@pytest.mark.parametrize("vector", NOTES["vectors"], ids=lambda v: v["vkey"].split("+")[0])
def test_signed_note_vector(vector: dict[str, str]) -> None:
    verifier = Verifier.from_vkey(vector["vkey"])
    assert verifier.vkey == vector["vkey"]
    note = vector["note"].encode("utf-8")
    opened = open_note(note, [verifier])
    assert opened.verified_by == (verifier.name,)
    assert opened.text in vector["note"]
    # Every signature line of the note, re-attached to the text, is byte-identical.
    assert note.startswith((opened.text + "\n").encode())
    other = Signer.generate(verifier.name)
    with pytest.raises(SignatureError):
        open_note(note, [other.verifier])


def test_go_private_key_signs_byte_for_byte() -> None:
    vector = next(v for v in NOTES["vectors"] if "skey" in v)
    signer = Signer.from_skey(vector["skey"])
    assert signer.skey == vector["skey"]
    assert signer.verifier.vkey == vector["vkey"]
    text = vector["note"].split("\n\n")[0] + "\n"
    assert sign_note(text, [signer]) == vector["note"].encode("utf-8")


def test_note_with_two_known_signers() -> None:
    both = [v for v in NOTES["vectors"] if v["vkey"].startswith(("PeterNeumann", "EnochRoot"))]
    note = both[-1]["note"].encode("utf-8")
    verifiers = [Verifier.from_vkey(v["vkey"]) for v in both]
    assert open_note(note, verifiers) == Note(
        "If you think cryptography is the answer to your problem,\n"
        "then you don't know what your problem is.\n",
        ("PeterNeumann", "EnochRoot"),
    )


def test_sum_golang_org_checkpoint() -> None:
    vectors = [v for v in NOTES["vectors"] if "6476701" in v["note"]]
    note = vectors[0]["note"].encode("utf-8")
    verifiers = [Verifier.from_vkey(v["vkey"]) for v in vectors]
    opened = open_note(note, verifiers)
    assert opened.verified_by == ("sum.golang.org", "monkeys", "bananas", "witness")
    checkpoint = Checkpoint.from_text(opened.text)
    assert (checkpoint.origin, checkpoint.tree_size) == ("go.sum database tree", 6476701)
    assert checkpoint.to_text() == opened.text


@pytest.mark.parametrize("case", NOTES["tile_paths"], ids=lambda c: c[3])
def test_tile_path_vector(case: list[Any]) -> None:
    level, index, width, path = case
    assert tile_path(level, index, width) == path
