"""The log's signing key: created once, owner-only, never inside the published log."""

from __future__ import annotations

import os
from pathlib import Path

from erfurt.errors import ConfigError
from erfurt.log import LogError, Signer

__all__ = ["create_signing_key", "load_signing_key"]


def create_signing_key(path: Path, name: str) -> Signer:
    """Generate an Ed25519 note key named ``name`` and write it to ``path`` (mode 0600).

    The folder is created with mode 0700. Raises :class:`ConfigError` if a key is there.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    signer = Signer.generate(name)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise ConfigError(
            f"{path} already exists", "an archive keeps the key it was created with"
        ) from exc
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(signer.skey + "\n")
        out.flush()
        os.fsync(out.fileno())
    return signer


def load_signing_key(path: Path) -> Signer:
    """Read the signing key; raises :class:`ConfigError` if it is missing or malformed."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"cannot read the log's signing key {path}",
            "restore private/log.key from your backup; without it the archive can be "
            "read and verified but not appended to",
        ) from exc
    if path.stat().st_mode & 0o077:
        raise ConfigError(
            f"{path} can be read by other users",
            f"run: chmod 600 {path}, and consider the key exposed if others had access",
        )
    try:
        return Signer.from_skey(text)
    except LogError as exc:
        raise ConfigError(f"{path}: {exc}", "restore private/log.key from your backup") from exc
