"""Sealed values: identities kept in records only encrypted, and found again by keyed reference.

A feature that must keep a sensitive value (the name of a person harmed, of a witness)
stores it sealed: AES-256-GCM under the archive's sealing key, with a random nonce and
the purpose as associated data, so a sealed value cannot be moved to another purpose
unnoticed. Beside it goes a keyed reference (HMAC-SHA256 under the same key) by which
reviewers can refer to the value, and records can match it, without revealing it.

The key lives in ``private/sealing.key`` (0600, created on first use). The log, blobs and
views can then be published or copied: without the key they hold no name. Losing the key
loses the names, never the records.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from erfurt.archive.paths import ArchivePaths
from erfurt.archive.secrets import (
    KeyedHash,
    RegistrySecret,
    create_or_read_secret,
    keyed_hash,
    read_secret_file,
)
from erfurt.errors import ConfigError, IntegrityError

__all__ = ["SEALING_KEY_HEADER", "SealingKey", "load_sealing_key"]

SEALING_KEY_HEADER = "erfurt-sealing-key v1"
_NONCE_SIZE = 12


@dataclass(frozen=True, slots=True, repr=False)
class SealingKey:
    """The archive's key for sealed values; ``key_id`` names it without revealing it."""

    secret: RegistrySecret

    @property
    def key_id(self) -> str:
        """16 hex digits naming the key."""
        return self.secret.key_id

    def reference(self, purpose: str, value: str) -> KeyedHash:
        """The keyed reference of ``value``: equal values give equal references."""
        return keyed_hash(self.secret, purpose, value.encode("utf-8"))

    def seal(self, purpose: str, value: str) -> str:
        """``value`` encrypted (base64 of nonce and ciphertext), bound to ``purpose``."""
        nonce = secrets.token_bytes(_NONCE_SIZE)
        sealed = AESGCM(self.secret.key).encrypt(nonce, value.encode("utf-8"), purpose.encode())
        return base64.b64encode(nonce + sealed).decode("ascii")

    def unseal(self, purpose: str, sealed: str) -> str:
        """The value :meth:`seal` sealed. Raises IntegrityError if it was sealed under
        another key or purpose, or altered."""
        try:
            data = base64.b64decode(sealed, validate=True)
            plain = AESGCM(self.secret.key).decrypt(
                data[:_NONCE_SIZE], data[_NONCE_SIZE:], purpose.encode()
            )
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise IntegrityError(
                f"a sealed {purpose} does not open with key {self.key_id}",
                "it was sealed under another archive's key, or altered",
            ) from exc
        return plain.decode("utf-8")

    def __repr__(self) -> str:
        return f"SealingKey(key_id={self.key_id!r})"


def load_sealing_key(paths: ArchivePaths, *, create: bool) -> SealingKey:
    """The sealing key of the archive at ``paths`` (created 0600 when missing and ``create``).

    Raises ConfigError if it is missing and not ``create``, readable by others, or malformed.
    """
    path = paths.sealing_key
    if path.exists():
        return SealingKey(read_secret_file(path, SEALING_KEY_HEADER))
    if not create:
        raise ConfigError(
            f"{path}: no sealing key there, so sealed names cannot be read",
            "restore private/sealing.key from the archive's backup",
        )
    return SealingKey(create_or_read_secret(path, SEALING_KEY_HEADER))
