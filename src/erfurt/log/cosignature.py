"""Witness cosignatures (c2sp.org/tlog-cosignature): Ed25519 and ML-DSA-44.

A cosignature is one more signature line on a checkpoint note, by a witness that checked
the checkpoint is consistent with every earlier one it saw for that log. Two types:

    Ed25519     key type 0x04; signs "cosignature/v1\\ntime <T>\\n" + the checkpoint text
    ML-DSA-44   key type 0x06; signs the binary subtree/v1 message (cosigner name, time,
                origin, 0, tree size, root hash), which commits to the cosigner's name

Either way the line is ``— <name> base64(key ID || u64 timestamp || signature)``, and
keys are written in the note key formats with the type byte first:

    vkey: <name>+<hex key ID>+<base64(type || public key)>
    skey: PRIVATE+KEY+<name>+<hex key ID>+<base64(type || 32-byte seed)>
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.mldsa import MLDSA44PrivateKey, MLDSA44PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from .checkpoint import Checkpoint
from .errors import FormatError, SignatureError
from .note import b64decode_strict, check_key_name, key_id, signature_line, split_note

__all__ = [
    "Algorithm",
    "Cosignature",
    "CosignatureVerifier",
    "Cosigner",
    "add_signature_lines",
    "verify_cosignatures",
]

Algorithm = Literal["ed25519", "ml-dsa-44"]

_TYPES: dict[Algorithm, int] = {"ed25519": 0x04, "ml-dsa-44": 0x06}
_ALGORITHMS = {code: name for name, code in _TYPES.items()}
_PUBLIC_SIZE = {"ed25519": 32, "ml-dsa-44": 1312}
_SIGNATURE_SIZE = {"ed25519": 64, "ml-dsa-44": 2420}
_MAX_TIMESTAMP = 2**63 - 1
_SUBTREE_LABEL = b"subtree/v1\n\x00"


def _length_prefixed(data: bytes, what: str) -> bytes:
    if not 1 <= len(data) <= 255:
        raise FormatError(f"cosignature: {what} must be 1 to 255 bytes, not {len(data)}")
    return bytes([len(data)]) + data


def signed_message(algorithm: Algorithm, name: str, text: str, timestamp: int) -> bytes:
    """The bytes a cosigner of ``algorithm`` signs for checkpoint ``text`` at ``timestamp``."""
    if algorithm == "ed25519":
        return f"cosignature/v1\ntime {timestamp}\n".encode("ascii") + text.encode("utf-8")
    checkpoint = Checkpoint.from_text(text)
    return (
        _SUBTREE_LABEL
        + _length_prefixed(name.encode("utf-8"), "cosigner name")
        + struct.pack(">Q", timestamp)
        + _length_prefixed(checkpoint.origin.encode("utf-8"), "log origin")
        + struct.pack(">QQ", 0, checkpoint.tree_size)
        + checkpoint.root_hash
    )


def _parse_key(text: str, parts_expected: int, what: str) -> tuple[str, str, Algorithm, bytes]:
    parts = text.strip().split("+", parts_expected - 1)
    if len(parts) != parts_expected:
        raise FormatError(f"{what}: expected <name>+<key ID>+<key>")
    name, hex_id, b64 = parts[-3:]
    check_key_name(name, what)
    raw = b64decode_strict(b64, f"{what} {name}")
    algorithm = _ALGORITHMS.get(raw[0]) if raw else None
    if algorithm is None:
        raise FormatError(
            f"{what} {name}: not a cosigner key (type 0x04 Ed25519 or 0x06 ML-DSA-44)"
        )
    return name, hex_id, algorithm, raw[1:]


@dataclass(frozen=True, slots=True)
class Cosignature:
    """A verified cosignature: who cosigned, with which algorithm, and when (POSIX seconds)."""

    name: str
    algorithm: Algorithm
    timestamp: int


class CosignatureVerifier:
    """A witness's public key: verifies its cosignatures on checkpoints."""

    __slots__ = ("_public", "algorithm", "key_id", "name", "public_bytes")

    def __init__(self, name: str, algorithm: Algorithm, public_key: bytes) -> None:
        check_key_name(name, "witness key")
        if len(public_key) != _PUBLIC_SIZE[algorithm]:
            raise FormatError(
                f"witness key {name}: {algorithm} public key is {len(public_key)} bytes, "
                f"not {_PUBLIC_SIZE[algorithm]}"
            )
        self.name = name
        self.algorithm: Algorithm = algorithm
        self.public_bytes = public_key
        self.key_id = key_id(name, public_key, _TYPES[algorithm])
        self._public: Ed25519PublicKey | MLDSA44PublicKey = (
            Ed25519PublicKey.from_public_bytes(public_key)
            if algorithm == "ed25519"
            else MLDSA44PublicKey.from_public_bytes(public_key)
        )

    @classmethod
    def from_vkey(cls, vkey: str) -> CosignatureVerifier:
        """Parse a witness vkey (type 0x04 or 0x06); raises FormatError."""
        name, hex_id, algorithm, public = _parse_key(vkey, 3, "witness key")
        verifier = cls(name, algorithm, public)
        if hex_id != verifier.key_id.hex():
            raise FormatError(
                f"witness key {name}: key ID {hex_id} does not match the key "
                f"(expected {verifier.key_id.hex()})"
            )
        return verifier

    @property
    def vkey(self) -> str:
        """The witness key in vkey text form."""
        raw = bytes([_TYPES[self.algorithm]]) + self.public_bytes
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(raw).decode('ascii')}"

    def verify(self, text: str, raw: bytes) -> int:
        """Verify a cosignature's raw bytes (key ID || timestamp || signature) on ``text``.

        Returns the timestamp. Raises SignatureError if it does not verify.
        """
        size = 4 + 8 + _SIGNATURE_SIZE[self.algorithm]
        if len(raw) != size or raw[:4] != self.key_id:
            raise SignatureError(
                f"cosignature by {self.name}: {len(raw)} bytes, expected {size} with its key ID"
            )
        (timestamp,) = struct.unpack(">Q", raw[4:12])
        if timestamp > _MAX_TIMESTAMP or timestamp == 0:
            raise SignatureError(f"cosignature by {self.name}: timestamp {timestamp} is invalid")
        message = signed_message(self.algorithm, self.name, text, timestamp)
        try:
            self._public.verify(raw[12:], message)
        except InvalidSignature as exc:
            raise SignatureError(f"cosignature by {self.name} does not verify") from exc
        return int(timestamp)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CosignatureVerifier) and self.vkey == other.vkey

    def __hash__(self) -> int:
        return hash(self.vkey)

    def __repr__(self) -> str:
        return f"CosignatureVerifier({self.name!r}, {self.algorithm!r})"


class Cosigner:
    """A witness's private key. Its ``skey`` is secret: never log or publish it."""

    __slots__ = ("_private", "algorithm", "name")

    def __init__(
        self, name: str, algorithm: Algorithm, private: Ed25519PrivateKey | MLDSA44PrivateKey
    ) -> None:
        check_key_name(name, "witness signing key")
        self.name = name
        self.algorithm: Algorithm = algorithm
        self._private = private

    @classmethod
    def generate(cls, name: str, algorithm: Algorithm = "ed25519") -> Cosigner:
        """A new random cosigner key for ``name``."""
        if algorithm == "ed25519":
            return cls(name, algorithm, Ed25519PrivateKey.generate())
        return cls(name, algorithm, MLDSA44PrivateKey.generate())

    @classmethod
    def from_skey(cls, skey: str) -> Cosigner:
        """Parse ``PRIVATE+KEY+<name>+<key ID>+<base64(type || seed)>``; raises FormatError."""
        if not skey.strip().startswith("PRIVATE+KEY+"):
            raise FormatError("witness signing key: expected PRIVATE+KEY+<name>+<key ID>+<key>")
        name, hex_id, algorithm, seed = _parse_key(skey, 5, "witness signing key")
        if len(seed) != 32:
            raise FormatError(f"witness signing key {name}: seed is {len(seed)} bytes, not 32")
        private: Ed25519PrivateKey | MLDSA44PrivateKey = (
            Ed25519PrivateKey.from_private_bytes(seed)
            if algorithm == "ed25519"
            else MLDSA44PrivateKey.from_seed_bytes(seed)
        )
        cosigner = cls(name, algorithm, private)
        if hex_id != cosigner.verifier.key_id.hex():
            raise FormatError(f"witness signing key {name}: key ID {hex_id} does not match")
        return cosigner

    @property
    def skey(self) -> str:
        """The private key in note key format (secret)."""
        seed = self._private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        b64 = base64.b64encode(bytes([_TYPES[self.algorithm]]) + seed).decode("ascii")
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id.hex()}+{b64}"

    @property
    def verifier(self) -> CosignatureVerifier:
        """The matching public key."""
        public = self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return CosignatureVerifier(self.name, self.algorithm, public)

    def cosign(self, text: str, timestamp: int) -> str:
        """The signature line cosigning checkpoint ``text`` at POSIX time ``timestamp``."""
        if not 0 < timestamp <= _MAX_TIMESTAMP:
            raise FormatError(f"cosignature: timestamp {timestamp} is out of range")
        message = signed_message(self.algorithm, self.name, text, timestamp)
        raw = self.verifier.key_id + struct.pack(">Q", timestamp) + self._private.sign(message)
        return signature_line(self.name, raw)


def verify_cosignatures(
    note: bytes, verifiers: Sequence[CosignatureVerifier]
) -> tuple[Cosignature, ...]:
    """The cosignatures on ``note`` by trusted ``verifiers``, each verified.

    Lines by other keys are ignored (the log's own signature among them). Raises
    FormatError for a malformed note and SignatureError when a line that names a trusted
    witness key does not verify: a forged cosignature is an error, not an absence.
    """
    text, signatures = split_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    found: dict[str, Cosignature] = {}
    for signature in signatures:
        verifier = known.get((signature.name, signature.key_id))
        if verifier is None:
            continue
        timestamp = verifier.verify(text, signature.raw)
        found[verifier.vkey] = Cosignature(verifier.name, verifier.algorithm, timestamp)
    return tuple(found.values())


def add_signature_lines(note: bytes, lines: Iterable[str]) -> bytes:
    """``note`` with signature ``lines`` added; a line replaces one with the same name and key ID.

    The text is unchanged, so every signature already on the note stays valid.
    """
    text, signatures = split_note(note)
    kept = {(s.name, s.key_id): signature_line(s.name, s.raw) for s in signatures}
    for line in lines:
        _, (signature,) = split_note(("x\n\n" + line).encode("utf-8"))
        kept[(signature.name, signature.key_id)] = line
    return (text + "\n" + "".join(kept.values())).encode("utf-8")
