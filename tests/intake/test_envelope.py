"""Envelopes open only as written: altered, cut, reordered or re-keyed ones are refused."""

from __future__ import annotations

import io
import os

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from erfurt.errors import IntegrityError
from erfurt.intake import EnvelopeWriter, open_envelope
from erfurt.intake.envelope import CHUNK, sealed_size

HEADER = sealed_size(0) - 16
SEALED_CHUNK = CHUNK + 16


def _seal(key: X25519PrivateKey, plain: bytes, pieces: int = 7) -> bytes:
    out = io.BytesIO()
    writer = EnvelopeWriter(key.public_key(), out)
    step = max(1, len(plain) // pieces)
    for start in range(0, len(plain), step):
        writer.write(plain[start : start + step])
    writer.finish()
    return out.getvalue()


def _open(key: X25519PrivateKey, sealed: bytes) -> bytes:
    out = io.BytesIO()
    open_envelope(key, io.BytesIO(sealed), out, "test envelope")
    return out.getvalue()


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 5])
def test_round_trip_at_chunk_edges(size: int) -> None:
    key = X25519PrivateKey.generate()
    plain = os.urandom(size)
    sealed = _seal(key, plain)
    assert len(sealed) == sealed_size(size)
    assert _open(key, sealed) == plain
    assert plain[:64] not in sealed or size < 16


def test_a_flipped_byte_anywhere_is_caught() -> None:
    key = X25519PrivateKey.generate()
    sealed = _seal(key, os.urandom(2 * CHUNK + 100))
    for position in (30, HEADER - 1, HEADER + 5, HEADER + SEALED_CHUNK + 3, len(sealed) - 1):
        altered = bytearray(sealed)
        altered[position] ^= 1
        with pytest.raises(IntegrityError):
            _open(key, bytes(altered))


def test_truncation_at_a_chunk_boundary_is_caught() -> None:
    key = X25519PrivateKey.generate()
    sealed = _seal(key, os.urandom(2 * CHUNK + 100))
    with pytest.raises(IntegrityError, match="truncated"):
        _open(key, sealed[: HEADER + 2 * SEALED_CHUNK])
    with pytest.raises(IntegrityError):
        _open(key, sealed[: HEADER + SEALED_CHUNK])


def test_reordered_and_appended_chunks_are_caught() -> None:
    key = X25519PrivateKey.generate()
    sealed = _seal(key, os.urandom(3 * CHUNK + 1))
    first = sealed[HEADER : HEADER + SEALED_CHUNK]
    second = sealed[HEADER + SEALED_CHUNK : HEADER + 2 * SEALED_CHUNK]
    swapped = sealed[:HEADER] + second + first + sealed[HEADER + 2 * SEALED_CHUNK :]
    with pytest.raises(IntegrityError):
        _open(key, swapped)
    with pytest.raises(IntegrityError):
        _open(key, sealed + first)


def test_another_key_is_told_apart() -> None:
    sealed = _seal(X25519PrivateKey.generate(), b"for someone else")
    with pytest.raises(IntegrityError, match="another intake key"):
        _open(X25519PrivateKey.generate(), sealed)
    with pytest.raises(IntegrityError, match="not an Erfurt intake envelope"):
        _open(X25519PrivateKey.generate(), b"%PDF-1.7 not an envelope")
