"""Codenames: the only thing a source keeps, and the keys derived from it.

The word list is generated, not copied: every consonant-vowel-consonant-vowel word over 14
consonants and 5 vowels (4,900 words, 12.26 bits each). Seven words give 85 bits, beyond
guessing even by someone holding the server's data.

A new source's form carries a key drawn with it (:func:`new_form_key`), from which the
server derives the codename (:func:`form_codename`): a form sent twice (a double click, a
reload of a page that never came, a retry after a dropped connection) is filed under one
codename and shows it again, so a source whose first answer was lost is not left with a
codename it never saw. The key is never stored; the derivation also needs the server's
secret. A key only does this for :data:`FORM_KEY_HOURS` after its form was drawn.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from itertools import product

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "CODENAME_WORDS",
    "FORM_KEY_HOURS",
    "WORDS",
    "form_codename",
    "new_codename",
    "new_form_key",
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


FORM_KEY_HOURS = 24
"""How long after its form was drawn a form key still derives its codename."""
_FORM_KEY_BYTES = 20  # the hour the form was drawn (4 bytes) and 16 random bytes
_FORM_KEY = re.compile(r"[A-Za-z0-9_-]{27}")  # unpadded base64url of those 20 bytes
_FORM_LABEL = b"erfurt intake form codename v1\x00"


def new_form_key(now: float) -> str:
    """The key of a new source's form drawn at ``now`` (seconds since the epoch): the
    hour it was drawn and 128 random bits, as 27 characters of unpadded base64url."""
    raw = int(now // 3600).to_bytes(4, "big") + secrets.token_bytes(16)
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def form_codename(server_secret: bytes, form_key: str, now: float) -> str | None:
    """The codename a new source's form key stands for, or None once the form is older
    than :data:`FORM_KEY_HOURS` (or drawn over an hour ahead of ``now``): the source then
    gets a fresh codename, as without a key.

    The hour is part of what is hashed, so an old key given a new hour stands for another
    codename. Raises ValueError for a key :func:`new_form_key` did not make.
    """
    raw = base64.urlsafe_b64decode(form_key + "=") if _FORM_KEY.fullmatch(form_key) else b""
    # The last character carries 2 unused bits: only one spelling of each key is taken.
    if len(raw) != _FORM_KEY_BYTES or base64.urlsafe_b64encode(raw).decode() != form_key + "=":
        raise ValueError("a form key is 27 characters of base64url, as the form gives it")
    age = int(now // 3600) - int.from_bytes(raw[:4], "big")
    if not -1 <= age < FORM_KEY_HOURS:
        return None
    digest = hmac.new(server_secret, _FORM_LABEL + raw, hashlib.sha256).digest()
    # 256 bits spread over 4,900**7 (about 2**86) codenames: the bias is below 2**-170.
    number = int.from_bytes(digest, "big")
    words = []
    for _ in range(CODENAME_WORDS):
        number, index = divmod(number, len(WORDS))
        words.append(WORDS[index])
    return " ".join(words)


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
