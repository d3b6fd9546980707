"""Helpers for the input-safety tests: what an archive holds after a hostile input."""

from __future__ import annotations

import hashlib

from erfurt.archive import Archive, Record


def documents(archive: Archive) -> dict[str, Record]:
    """Every document.added record, by recorded name."""
    return {r["name"]: r for _, r in archive.records(kinds={"document.added"})}


def stored(archive: Archive, data: bytes) -> bool:
    """Whether any blob holds exactly ``data``."""
    return archive.has_blob(hashlib.sha256(data).hexdigest())
