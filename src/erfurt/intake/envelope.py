"""The intake envelope: bytes encrypted to an X25519 public key, streamed in chunks.

Format ``erfurt-intake-envelope v1`` (docs/intake.md)::

    header  = MAGIC (25 bytes) || key id (8: SHA-256 of the recipient's public key)
              || ephemeral X25519 public key (32) || salt (16)
    key     = HKDF-SHA256(X25519(ephemeral, recipient), salt, info = MAGIC || ephemeral
              || recipient, 32 bytes)
    chunk i = ChaCha20-Poly1305(key, nonce = i as 11 bytes big-endian || final flag (1 byte),
              plaintext of CHUNK bytes (the last: 0..CHUNK), associated data = header)

Every chunk is authenticated on its own and numbered, and only the last carries the final
flag: a reordered, altered, dropped or appended chunk, or a file cut short, fails to open.
"""

from __future__ import annotations

import hashlib
import os
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from erfurt.errors import IntegrityError

__all__ = ["CHUNK", "MAGIC", "EnvelopeWriter", "key_id", "open_envelope", "sealed_size"]

MAGIC = b"erfurt-intake-envelope v1"
CHUNK = 64 * 1024
_TAG = 16
_HEADER = len(MAGIC) + 8 + 32 + 16


def key_id(public: X25519PublicKey) -> bytes:
    """The 8 bytes naming a recipient key in an envelope's header."""
    return hashlib.sha256(public.public_bytes_raw()).digest()[:8]


def _nonce(counter: int, final: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def _derive(shared: bytes, salt: bytes, ephemeral: bytes, recipient: bytes) -> ChaCha20Poly1305:
    key = HKDF(hashes.SHA256(), 32, salt, MAGIC + ephemeral + recipient).derive(shared)
    return ChaCha20Poly1305(key)


def sealed_size(plain: int) -> int:
    """The size of the envelope holding ``plain`` bytes."""
    return _HEADER + plain + _TAG * max(1, -(-plain // CHUNK))


class EnvelopeWriter:
    """Encrypts what is written to ``out`` for ``recipient``; :meth:`finish` seals it.

    Plaintext is held in memory one chunk at a time and never written anywhere.
    """

    def __init__(self, recipient: X25519PublicKey, out: BinaryIO) -> None:
        ephemeral = X25519PrivateKey.generate()
        ephemeral_raw = ephemeral.public_key().public_bytes_raw()
        salt = os.urandom(16)
        self._header = MAGIC + key_id(recipient) + ephemeral_raw + salt
        self._aead = _derive(
            ephemeral.exchange(recipient), salt, ephemeral_raw, recipient.public_bytes_raw()
        )
        self._out = out
        self._buffer = bytearray()
        self._counter = 0
        self.plain_size = 0
        out.write(self._header)

    def write(self, data: bytes) -> None:
        """Add ``data`` to the plaintext."""
        self._buffer += data
        self.plain_size += len(data)
        # A full chunk is sealed only once more data follows: the last one carries the flag.
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), final=False)
            del self._buffer[:CHUNK]

    def finish(self) -> None:
        """Seal the last chunk (possibly empty) with the final flag."""
        self._seal(bytes(self._buffer), final=True)
        self._buffer.clear()

    def _seal(self, chunk: bytes, *, final: bool) -> None:
        nonce = _nonce(self._counter, final)
        self._out.write(self._aead.encrypt(nonce, chunk, self._header))
        self._counter += 1


def _altered(what: str) -> IntegrityError:
    return IntegrityError(
        f"{what}: the envelope was altered, truncated or is not for this key",
        "use the exported copy again (or the blob from the server's archive); never open a "
        "changed envelope by other means",
    )


def open_envelope(private: X25519PrivateKey, source: BinaryIO, out: BinaryIO, what: str) -> int:
    """Write the plaintext of the envelope read from ``source`` to ``out``; its size.

    Raises IntegrityError if any chunk does not open: what was written to ``out`` by then
    must be thrown away. ``what`` names the envelope in messages.
    """
    header = source.read(_HEADER)
    if len(header) < _HEADER or not header.startswith(MAGIC):
        raise IntegrityError(f"{what} is not an Erfurt intake envelope", "check the file given")
    public = private.public_key()
    if header[len(MAGIC) : len(MAGIC) + 8] != key_id(public):
        raise IntegrityError(
            f"{what} was encrypted to another intake key",
            "open it with the key file whose public key the server holds",
        )
    ephemeral_raw = header[len(MAGIC) + 8 : len(MAGIC) + 40]
    salt = header[len(MAGIC) + 40 :]
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_raw))
    aead = _derive(shared, salt, ephemeral_raw, public.public_bytes_raw())
    size = counter = 0
    chunk = source.read(CHUNK + _TAG)
    while True:
        following = source.read(CHUNK + _TAG) if len(chunk) == CHUNK + _TAG else b""
        final = not following
        try:
            plain = aead.decrypt(_nonce(counter, final), chunk, header)
        except InvalidTag:
            raise _altered(what) from None
        out.write(plain)
        size += len(plain)
        if final:
            return size
        chunk, counter = following, counter + 1
