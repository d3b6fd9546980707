"""The log's signing key: created once, owner-only, never inside the published log."""

from __future__ import annotations

import os
from pathlib import Path

from erfurt.archive.paths import ArchivePaths
from erfurt.config import ArchiveConfig
from erfurt.errors import ConfigError
from erfurt.log import Cosigner, LogError, Signer, Verifier

__all__ = [
    "archive_verifier",
    "create_signing_key",
    "create_witness_keys",
    "find_signing_key",
    "load_signing_key",
    "load_witness_keys",
    "refuse_published_key",
]


def _write_owner_only(path: Path, text: str) -> None:
    """Write a new secret file (mode 0600, in a 0700 folder); refuse to replace one."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise ConfigError(
            f"{path} already exists", "a key is never overwritten: choose another file"
        ) from exc
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())


def _read_owner_only(path: Path, what: str, hint: str) -> str:
    """Read a secret file, refusing one that other users can read."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {what} {path}", hint) from exc
    if path.stat().st_mode & 0o077:
        raise ConfigError(
            f"{path} can be read by other users",
            f"run: chmod 600 {path}, and consider the key exposed if others had access",
        )
    return text


def create_signing_key(path: Path, name: str) -> Signer:
    """Generate an Ed25519 note key named ``name`` and write it to ``path`` (mode 0600).

    The folder is created with mode 0700. Raises :class:`ConfigError` if a key is there.
    """
    signer = Signer.generate(name)
    _write_owner_only(path, signer.skey + "\n")
    return signer


def load_signing_key(path: Path) -> Signer:
    """Read the signing key; raises :class:`ConfigError` if it is missing or malformed."""
    text = _read_owner_only(
        path,
        "the log's signing key",
        "restore it from your backup, or pass the right --key-file; without it the "
        "archive can be read and verified but not appended to",
    )
    try:
        return Signer.from_skey(text)
    except LogError as exc:
        raise ConfigError(f"{path}: {exc}", "restore the signing key from your backup") from exc


def create_witness_keys(path: Path, name: str) -> tuple[Cosigner, ...]:
    """Generate a witness's keys named ``name`` (Ed25519 and ML-DSA-44) into ``path`` (0600)."""
    cosigners = (Cosigner.generate(name, "ed25519"), Cosigner.generate(name, "ml-dsa-44"))
    _write_owner_only(path, "".join(c.skey + "\n" for c in cosigners))
    return cosigners


def load_witness_keys(path: Path) -> tuple[Cosigner, ...]:
    """Read a witness's signing keys (one per line); raises :class:`ConfigError`."""
    text = _read_owner_only(
        path, "the witness's key file", "give the file written by `erfurt witness keygen`"
    )
    try:
        cosigners = tuple(Cosigner.from_skey(line) for line in text.splitlines() if line)
    except LogError as exc:
        raise ConfigError(
            f"{path}: {exc}", "give the file written by `erfurt witness keygen`"
        ) from exc
    if not cosigners:
        raise ConfigError(
            f"{path} holds no key", "give the file written by `erfurt witness keygen`"
        )
    return cosigners


def find_signing_key(paths: ArchivePaths, key_file: Path | None) -> Signer | None:
    """The signing key from ``key_file``, else ``private/log.key`` if present, else None."""
    if key_file is not None:
        return load_signing_key(key_file)
    if paths.signing_key.exists():
        return load_signing_key(paths.signing_key)
    return None


def archive_verifier(config: ArchiveConfig, signer: Signer | None) -> Verifier:
    """The archive's verifier key: the one pinned in ``erfurt.toml``, matched by the signer.

    Archives made before the key was pinned there use the signer's. Raises
    :class:`ConfigError` if the signer is not the pinned key's, or there is neither.
    """
    if not config.vkey:
        if signer is None:
            raise ConfigError(
                "this archive has no verifier key in erfurt.toml and no signing key here",
                "pass --key-file (or set ERFURT_KEY_FILE) to the key made by `erfurt init`",
            )
        return signer.verifier
    try:
        pinned = Verifier.from_vkey(config.vkey)
    except LogError as exc:
        raise ConfigError(f"erfurt.toml: vkey: {exc}", "restore erfurt.toml from a backup") from exc
    if signer is not None and signer.verifier != pinned:
        raise ConfigError(
            f"the signing key given is not this archive's key (erfurt.toml pins {config.vkey})",
            "pass the --key-file made by `erfurt init` for this archive",
        )
    return pinned


def refuse_published_key(paths: ArchivePaths, key_file: Path | None) -> None:
    """Refuse a signing key path inside the published ``log/`` folder."""
    if key_file is None:
        return
    log = paths.log.resolve()
    if key_file.resolve() == log or log in key_file.resolve().parents:
        raise ConfigError(
            f"{key_file} is inside the log folder, which is published",
            "keep the signing key outside the archive, e.g. in ~/.config/erfurt/",
        )
