"""The organisation's intake key: a private key file kept offline, and its public half.

The private file holds an X25519 key (submissions are encrypted to it) and an Ed25519 key
(replies are signed with it). The server holds only the public file.
"""

from __future__ import annotations

import base64
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from erfurt.errors import ConfigError, InputError

__all__ = [
    "PRIVATE_HEADER",
    "IntakeKey",
    "IntakePublicKey",
    "generate_key",
    "read_private_key",
    "read_public_key",
]

PRIVATE_HEADER = "erfurt-intake-private-key v1"
_PUBLIC_HEADER = "erfurt-intake-public-key v1"


@dataclass(frozen=True, slots=True)
class IntakePublicKey:
    """What the server holds: encrypt submissions to it, check replies' signatures with it."""

    encrypt: X25519PublicKey
    verify: Ed25519PublicKey

    def to_text(self) -> str:
        """The public key file's contents."""
        parts = (self.encrypt.public_bytes_raw(), self.verify.public_bytes_raw())
        return "\n".join([_PUBLIC_HEADER, *(base64.b64encode(p).decode() for p in parts)]) + "\n"


@dataclass(frozen=True, slots=True)
class IntakeKey:
    """The private key, on the offline machine only."""

    decrypt: X25519PrivateKey
    sign: Ed25519PrivateKey

    def public(self) -> IntakePublicKey:
        """Its public half."""
        return IntakePublicKey(self.decrypt.public_key(), self.sign.public_key())


def _lines(path: Path, header: str, what: str) -> list[bytes]:
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the {what} {path}: {exc}", "check the path") from exc
    lines = text.split()
    wanted = header.split()
    if lines[: len(wanted)] != wanted or len(lines) != len(wanted) + 2:
        raise ConfigError(
            f"{path} is not an Erfurt {what}",
            "give the file written by `erfurt intake keygen`",
        )
    try:
        parts = [base64.b64decode(line, validate=True) for line in lines[len(wanted) :]]
    except ValueError as exc:
        raise ConfigError(f"{path}: the {what} is damaged", "restore it from a copy") from exc
    if any(len(p) != 32 for p in parts):
        raise ConfigError(f"{path}: the {what} is damaged", "restore it from a copy")
    return parts


def read_public_key(path: Path) -> IntakePublicKey:
    """The public intake key in ``path``."""
    encrypt, verify = _lines(path, _PUBLIC_HEADER, "intake public key")
    return IntakePublicKey(
        X25519PublicKey.from_public_bytes(encrypt), Ed25519PublicKey.from_public_bytes(verify)
    )


def read_private_key(path: Path) -> IntakeKey:
    """The private intake key in ``path``, refused when others may read the file."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError as exc:
        raise ConfigError(f"cannot read the intake key {path}: {exc.strerror}") from exc
    if mode & 0o077:
        raise ConfigError(
            f"the intake key {path} may be read by other users (mode {mode:o})",
            f"run `chmod 600 {path}`, and treat the key as possibly copied",
        )
    decrypt, sign = _lines(path, PRIVATE_HEADER, "intake private key")
    return IntakeKey(
        X25519PrivateKey.from_private_bytes(decrypt), Ed25519PrivateKey.from_private_bytes(sign)
    )


def generate_key(path: Path) -> IntakeKey:
    """Write a new private key to ``path`` (mode 0600, never over an existing file)."""
    key = IntakeKey(X25519PrivateKey.generate(), Ed25519PrivateKey.generate())
    parts = (key.decrypt.private_bytes_raw(), key.sign.private_bytes_raw())
    text = "\n".join([PRIVATE_HEADER, *(base64.b64encode(p).decode() for p in parts)]) + "\n"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InputError(
            f"{path} already exists", "choose another file: a key is never overwritten"
        ) from None
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    return key
