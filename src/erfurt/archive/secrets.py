"""The operator's registry secret, keyed hashes and salted commitments.

Two privacy tools that features share:

- a **keyed hash** (HMAC-SHA256 under the registry secret, with a purpose label) turns an
  identifier (a phone number, a normalised identity) into a value that the operator can
  match again but that nobody without the secret can reverse or test guesses against;
- a **commitment** (SHA-256 over a domain-separated encoding of a 32-byte random salt and
  the value) binds a record to a value that only whoever holds the salt can open.

The secret lives in a file outside the archive folder, readable by its owner only (0600):
copying the archive never copies it. Losing it makes old keyed hashes unmatchable and
exposes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import NewType

from erfurt.errors import ConfigError, InputError

__all__ = [
    "SALT_SIZE",
    "KeyedHash",
    "RegistrySecret",
    "Salt",
    "commit",
    "create_or_read_secret",
    "derived_salt",
    "keyed_hash",
    "load_registry_secret",
    "new_salt",
    "read_secret_file",
]

_logger = logging.getLogger(__name__)

SALT_SIZE = 32
_SECRET_SIZE = 32
_SECRET_HEADER = "erfurt-registry-secret v1"
_COMMIT_DOMAIN = b"erfurt/commitment/v1"
_KEYED_DOMAIN = b"erfurt/keyed-hash/v1"
_KEY_ID_PURPOSE = "key-id"

Salt = NewType("Salt", bytes)  # SALT_SIZE random bytes
KeyedHash = NewType("KeyedHash", str)  # 64 lower-case hex digits


@dataclass(frozen=True, slots=True, repr=False)
class RegistrySecret:
    """The operator's 32-byte secret; ``key_id`` names it without revealing it."""

    key: bytes

    @property
    def key_id(self) -> str:
        """16 hex digits that tell which secret made a keyed hash (not the secret itself)."""
        return keyed_hash(self, _KEY_ID_PURPOSE, b"")[:16]

    def __repr__(self) -> str:
        return f"RegistrySecret(key_id={self.key_id!r})"


def _encode(*parts: bytes) -> bytes:
    # Each part is prefixed with its 8-byte length, so no two part lists share an encoding.
    return b"".join(len(p).to_bytes(8, "big") + p for p in parts)


def keyed_hash(secret: RegistrySecret, purpose: str, value: bytes) -> KeyedHash:
    """HMAC-SHA256 of ``value`` under ``secret``, separated by ``purpose`` (e.g. "phone")."""
    message = _encode(_KEYED_DOMAIN, purpose.encode("utf-8"), value)
    return KeyedHash(hmac.new(secret.key, message, hashlib.sha256).hexdigest())


def new_salt() -> Salt:
    """A fresh random salt of :data:`SALT_SIZE` bytes."""
    return Salt(secrets.token_bytes(SALT_SIZE))


def derived_salt(secret: RegistrySecret, purpose: str, value: bytes) -> Salt:
    """A salt that only the secret's holder can make again from ``value``, separated by
    ``purpose``: for a write its client may retry (an idempotency key), whose answer must
    open the commitment logged the first time. Without the secret it is as unpredictable
    as :func:`new_salt`'s."""
    return Salt(bytes.fromhex(keyed_hash(secret, purpose, value)))


def commit(purpose: str, salt: Salt, value: bytes) -> str:
    """The commitment (SHA-256, hex) to ``value`` under ``salt``, separated by ``purpose``.

    Raises InputError if the salt is not :data:`SALT_SIZE` bytes.
    """
    if len(salt) != SALT_SIZE:
        raise InputError(
            f"salt is {len(salt)} bytes, not {SALT_SIZE}",
            "use the salt exactly as the receipt holds it",
        )
    return hashlib.sha256(_encode(_COMMIT_DOMAIN, purpose.encode("utf-8"), salt, value)).hexdigest()


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _parse_secret(path: Path, text: str, header: str = _SECRET_HEADER) -> RegistrySecret:
    lines = text.splitlines()
    if len(lines) != 2 or lines[0] != header:
        raise ConfigError(
            f"{path}: not an Erfurt secret file (first line must be {header!r})",
            "point at the file Erfurt created, or at a new path to create one",
        )
    try:
        key = bytes.fromhex(lines[1])
    except ValueError as exc:
        raise ConfigError(
            f"{path} line 2: the secret is not hex", "restore it from your backup"
        ) from exc
    if len(key) != _SECRET_SIZE:
        raise ConfigError(
            f"{path} line 2: the secret is {len(key)} bytes, not {_SECRET_SIZE}",
            "restore it from your backup",
        )
    return RegistrySecret(key)


def create_or_read_secret(path: Path, header: str = _SECRET_HEADER) -> RegistrySecret:
    """Create a 32-byte secret file (0600, first line ``header``) whole, or read the one a
    parallel process created first. Raises ConfigError if what is there is malformed."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_bytes(_SECRET_SIZE)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(f"{header}\n{key.hex()}\n")
            out.flush()
            os.fsync(out.fileno())
        # link() never replaces: a secret another process put there first wins.
        os.link(temp, path)
    except FileExistsError:
        return _parse_secret(path, path.read_text(encoding="ascii"), header)
    finally:
        temp.unlink(missing_ok=True)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    secret = RegistrySecret(key)
    _logger.info("created a new secret %s at %s", secret.key_id, path)
    return secret


def load_registry_secret(path: Path, *, archive_root: Path, create: bool) -> RegistrySecret:
    """Read the registry secret from ``path``, creating it (0600) when missing and ``create``.

    Raises ConfigError if ``path`` lies inside ``archive_root`` (copying the archive would
    copy the secret), if the file is readable by anyone but its owner, if it is missing
    and ``create`` is false, or if it is malformed.
    """
    if _inside(path, archive_root):
        raise ConfigError(
            f"{path}: the registry secret must not live inside the archive folder {archive_root}",
            "keep it elsewhere, e.g. the default under your config directory",
        )
    if not path.exists():
        if not create:
            raise ConfigError(
                f"{path}: no registry secret there",
                "give --secret-file with the secret this registry uses (restore it from backup)",
            )
        return create_or_read_secret(path)
    return read_secret_file(path)


def read_secret_file(path: Path, header: str = _SECRET_HEADER) -> RegistrySecret:
    """Read an existing secret file whose first line is ``header``.

    Raises ConfigError if anyone but its owner may read it, or if it is malformed.
    """
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(
            f"{path}: the secret is readable by others (mode {mode:04o})",
            f"restrict it with: chmod 600 {path}",
        )
    return _parse_secret(path, path.read_text(encoding="ascii"), header)
