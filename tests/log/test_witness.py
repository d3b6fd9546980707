"""The witness: cosignature formats, the add-checkpoint rules, atomic state."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from erfurt.log import (
    Checkpoint,
    CosignatureVerifier,
    Cosigner,
    FormatError,
    Hash,
    LogReader,
    LogWriter,
    SignatureError,
    Signer,
    Witness,
    add_signature_lines,
    format_add_checkpoint,
    parse_add_checkpoint,
    sign_note,
    split_note,
    verify_cosignatures,
)

ORIGIN = "example.org/witnessed-log"
NOW = 1_764_590_400


@pytest.fixture(scope="module")
def log_signer() -> Signer:
    return Signer.generate(ORIGIN)


@pytest.fixture(scope="module")
def cosigners() -> tuple[Cosigner, Cosigner]:
    return Cosigner.generate("w1.example", "ed25519"), Cosigner.generate("w1.example", "ml-dsa-44")


class GrowingLog:
    """A real tiled log that grows on demand and keeps every checkpoint it signed."""

    def __init__(self, directory: Path, signer: Signer) -> None:
        self.writer = LogWriter.open(directory, signer, origin=ORIGIN)
        self.reader = LogReader(directory)
        self.notes: dict[int, bytes] = {}

    def grow(self, count: int) -> bytes:
        size = self.writer.tree_size
        self.writer.append([f"entry {size + i}".encode() for i in range(count)])
        self.notes[self.writer.tree_size] = self.writer.checkpoint
        return self.writer.checkpoint

    def request(self, old: int, new: int) -> bytes:
        proof = self.reader.consistency_proof(old, new) if 0 < old < new else []
        return format_add_checkpoint(old, proof, self.notes[new])


@pytest.fixture
def log(tmp_path: Path, log_signer: Signer) -> Iterator[GrowingLog]:
    grown = GrowingLog(tmp_path / "log", log_signer)
    yield grown
    grown.writer.close()


@pytest.fixture
def witness(tmp_path: Path, log_signer: Signer, cosigners: tuple[Cosigner, ...]) -> Witness:
    return Witness(
        tmp_path / "witness", cosigners, {ORIGIN: [log_signer.verifier]}, clock=lambda: NOW
    )


def _text(note: bytes) -> str:
    return split_note(note)[0]


@pytest.mark.parametrize("algorithm", ["ed25519", "ml-dsa-44"])
def test_a_cosignature_verifies_and_survives_the_key_formats(algorithm: str) -> None:
    cosigner = Cosigner.from_skey(Cosigner.generate("w.example/a", algorithm).skey)  # type: ignore[arg-type]
    verifier = CosignatureVerifier.from_vkey(cosigner.verifier.vkey)
    text = Checkpoint(ORIGIN, 7, Hash(hashlib.sha256(b"root").digest())).to_text()
    note = sign_note(text, [Signer.generate(ORIGIN)])
    cosigned = add_signature_lines(note, [cosigner.cosign(text, NOW)])
    (found,) = verify_cosignatures(cosigned, [verifier])
    assert (found.name, found.algorithm, found.timestamp) == ("w.example/a", algorithm, NOW)
    # The same signature on another checkpoint text is a forgery, not an absence.
    other = Checkpoint(ORIGIN, 8, Hash(hashlib.sha256(b"root").digest())).to_text()
    forged = note.replace(text.encode(), other.encode()) + cosigned[len(note) :]
    with pytest.raises(SignatureError):
        verify_cosignatures(forged, [verifier])


def test_ed25519_message_is_the_one_the_spec_defines() -> None:
    # tlog-cosignature: "cosignature/v1\ntime <T>\n" followed by the checkpoint text.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    cosigner = Cosigner.generate("w.example/spec")
    text = Checkpoint(ORIGIN, 3, Hash(bytes(32))).to_text()
    line = cosigner.cosign(text, 1679315147)
    note = sign_note(text, [Signer.generate(ORIGIN)])
    (signature,) = [
        s for s in split_note(add_signature_lines(note, [line]))[1] if s.name == "w.example/spec"
    ]
    assert signature.raw[4:12] == (1679315147).to_bytes(8, "big")
    public = Ed25519PublicKey.from_public_bytes(cosigner.verifier.public_bytes)
    public.verify(signature.raw[12:], b"cosignature/v1\ntime 1679315147\n" + text.encode())


def test_unknown_cosigners_are_ignored_and_a_vkey_of_the_wrong_type_is_refused(
    log_signer: Signer,
) -> None:
    text = Checkpoint(ORIGIN, 1, Hash(bytes(32))).to_text()
    stranger = Cosigner.generate("stranger.example")
    note = add_signature_lines(sign_note(text, [log_signer]), [stranger.cosign(text, NOW)])
    assert verify_cosignatures(note, [Cosigner.generate("w.example").verifier]) == ()
    with pytest.raises(FormatError, match="not a cosigner key"):
        CosignatureVerifier.from_vkey(log_signer.verifier.vkey)


def test_request_format_round_trips_and_refuses_leading_zeros() -> None:
    proof = [Hash(bytes([i]) * 32) for i in range(3)]
    body = format_add_checkpoint(12, proof, b"note\n\n- sig\n")
    parsed = parse_add_checkpoint(body)
    assert (parsed.old_size, parsed.proof, parsed.note) == (12, tuple(proof), b"note\n\n- sig\n")
    with pytest.raises(FormatError, match="leading zeros"):
        parse_add_checkpoint(b"old 012\n\nnote\n")
    with pytest.raises(FormatError, match="more than 63"):
        parse_add_checkpoint(
            b"old 1\n" + b"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n" * 64 + b"\nx"
        )


def test_first_then_consistent_checkpoints_are_cosigned(
    log: GrowingLog, witness: Witness, cosigners: tuple[Cosigner, ...]
) -> None:
    first = log.grow(5)
    answer = witness.add_checkpoint(log.request(0, 5))
    assert answer.status == 200
    cosigned = add_signature_lines(first, answer.body.decode().splitlines(keepends=True))
    found = verify_cosignatures(cosigned, [c.verifier for c in cosigners])
    assert sorted(c.algorithm for c in found) == ["ed25519", "ml-dsa-44"]
    log.grow(300)
    assert witness.add_checkpoint(log.request(5, 305)).status == 200
    latest = witness.latest(ORIGIN)
    assert latest is not None and latest.tree_size == 305


def test_a_stale_old_size_gets_409_with_the_witness_size(log: GrowingLog, witness: Witness) -> None:
    log.grow(4)
    witness.add_checkpoint(log.request(0, 4))
    log.grow(4)
    answer = witness.add_checkpoint(log.request(0, 8))
    assert (answer.status, answer.body, answer.content_type) == (409, b"4\n", "text/x.tlog.size")


def test_a_fork_is_refused_and_kept_as_evidence(
    tmp_path: Path, log: GrowingLog, witness: Witness, log_signer: Signer
) -> None:
    log.grow(6)
    witness.add_checkpoint(log.request(0, 6))
    # The same key signs a different history of the same log: a fork.
    fork = GrowingLog(tmp_path / "fork", log_signer)
    fork.writer.append([b"another history"] * 6)
    fork.grow(2)
    answer = witness.add_checkpoint(fork.request(6, 8))
    assert answer.status == 422
    evidence = list((witness.state / "evidence").iterdir())
    assert [p.read_bytes() for p in evidence] == [fork.notes[8]]
    # Same size, different root: refused too, and the witness still holds size 6.
    fork_six = sign_note(
        Checkpoint(ORIGIN, 6, fork.reader.checkpoint(log_signer.verifier).root_hash).to_text(),
        [log_signer],
    )
    fork.writer.close()
    assert witness.add_checkpoint(format_add_checkpoint(6, [], fork_six)).status == 422
    latest = witness.latest(ORIGIN)
    assert latest is not None and latest.tree_size == 6


def test_rollback_unknown_log_bad_signature_and_garbage(
    log: GrowingLog, witness: Witness, log_signer: Signer
) -> None:
    log.grow(10)
    witness.add_checkpoint(log.request(0, 10))
    smaller = sign_note(Checkpoint(ORIGIN, 3, Hash(bytes(32))).to_text(), [log_signer])
    assert witness.add_checkpoint(format_add_checkpoint(10, [], smaller)).status == 400
    stranger = Signer.generate("other.example/log")
    other = sign_note(Checkpoint("other.example/log", 1, Hash(bytes(32))).to_text(), [stranger])
    assert witness.add_checkpoint(format_add_checkpoint(0, [], other)).status == 404
    impostor = Signer.generate(ORIGIN)  # right name, wrong key
    forged = sign_note(Checkpoint(ORIGIN, 11, Hash(bytes(32))).to_text(), [impostor])
    assert witness.add_checkpoint(format_add_checkpoint(10, [], forged)).status == 403
    assert witness.add_checkpoint(b"\xff\xfe garbage").status == 400
    latest = witness.latest(ORIGIN)
    assert latest is not None and latest.tree_size == 10


def test_an_empty_tree_must_have_the_empty_root(
    tmp_path: Path, log_signer: Signer, cosigners: tuple[Cosigner, ...]
) -> None:
    fresh = Witness(tmp_path / "fresh", cosigners, {ORIGIN: [log_signer.verifier]})
    wrong = sign_note(Checkpoint(ORIGIN, 0, Hash(bytes(32))).to_text(), [log_signer])
    assert fresh.add_checkpoint(format_add_checkpoint(0, [], wrong)).status == 422
    assert fresh.latest(ORIGIN) is None


def test_racing_submissions_never_roll_the_witness_back(log: GrowingLog, witness: Witness) -> None:
    log.grow(2)
    witness.add_checkpoint(log.request(0, 2))
    for _ in range(6):
        log.grow(3)
    sizes = sorted(log.notes)
    requests = [log.request(2, size) for size in sizes if size > 2]
    statuses: list[int] = []

    def submit(body: bytes) -> None:
        statuses.append(witness.add_checkpoint(body).status)

    threads = [threading.Thread(target=submit, args=(body,)) for body in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Every request claimed old size 2: exactly one can win, the rest learn the new size.
    assert sorted(statuses) == [200] + [409] * (len(requests) - 1)
    latest = witness.latest(ORIGIN)
    assert latest is not None and latest.tree_size > 2
