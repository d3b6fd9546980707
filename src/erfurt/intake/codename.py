"""Codenames: the only thing a source keeps, and the keys derived from it.

The word list is generated, not copied: every consonant-vowel-consonant-vowel word over 14
consonants and 5 vowels (4,900 words, 12.26 bits each). Seven words give 85 bits, beyond
guessing even by someone holding the server's data.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from itertools import product

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "CODENAME_WORDS",
    "WORDS",
    "new_codename",
    "normalise_codename",
    "source_id",
    "source_key",
]

_CONSONANTS = "bdfgklmnprstvz"
_VOWELS = "aeiou"
WORDS: tuple[str, ...] = tuple(
    "".join(letters) for letters in product(_CONSONANTS, _VOWELS, _CONSONANTS, _VOWELS)
)
CODENAME_WORDS = 7
_WORD_SET = frozenset(WORDS)


def new_codename() -> str:
    """A fresh random codename of :data:`CODENAME_WORDS` words."""
    return " ".join(secrets.choice(WORDS) for _ in range(CODENAME_WORDS))


def normalise_codename(text: str) -> str | None:
    """The codename as words joined by single spaces, or None if it cannot be one."""
    words = text.lower().replace("-", " ").split()
    if len(words) != CODENAME_WORDS or not all(w in _WORD_SET for w in words):
        return None
    return " ".join(words)


def source_id(server_secret: bytes, codename: str) -> str:
    """The keyed hash of a codename: how the server knows a returning source."""
    return hmac.new(server_secret, codename.encode(), hashlib.sha256).hexdigest()[:32]


def source_key(codename: str) -> X25519PrivateKey:
    """The source's reply key: only someone holding the codename can derive it."""
    seed = HKDF(hashes.SHA256(), 32, b"erfurt-intake", b"source reply key v1").derive(
        codename.encode()
    )
    return X25519PrivateKey.from_private_bytes(seed)
