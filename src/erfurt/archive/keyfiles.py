"""Recognise Erfurt's own secrets by their content, wherever a path to them leads.

A signing key, registry secret or writer link key reached through a symbolic link, a
hard link, a bind mount or a copy is still a secret: ingest asks this before preserving
any file.
"""

from __future__ import annotations

from erfurt.archive.sealed import SEALING_KEY_HEADER
from erfurt.archive.secrets import _SECRET_HEADER
from erfurt.archive.writelink import LINK_KEY_HEADER

__all__ = ["SECRET_SNIFF_BYTES", "is_erfurt_secret"]

# Go's note signing key format, in which the log's key is kept.
_SIGNING_KEY_PREFIX = b"PRIVATE+KEY+"
# The intake private key (erfurt.intake.keys writes it; this layer cannot import it).
_INTAKE_KEY_PREFIX = b"erfurt-intake-private-key"
_PREFIXES = (
    _SIGNING_KEY_PREFIX,
    _SECRET_HEADER.encode("ascii"),
    SEALING_KEY_HEADER.encode("ascii"),
    LINK_KEY_HEADER.encode("ascii"),
    _INTAKE_KEY_PREFIX,
)
SECRET_SNIFF_BYTES = 64
"""How many leading bytes :func:`is_erfurt_secret` needs to judge a file."""


def is_erfurt_secret(head: bytes) -> bool:
    """Whether a file starting with ``head`` is a signing key, registry secret, sealing key,
    writer link key or intake key."""
    start = head[: SECRET_SNIFF_BYTES * 2].lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith(_PREFIXES)
