"""A declarant's identity: normalised, committed to, keyed-hashed; never stored in clear.

The identity is typed as ``NAME; BIRTH DATE``. Normalisation (Unicode NFKC, case folded,
whitespace collapsed; the date as ``YYYY-MM-DD``) makes "Wang  Xiaoming; 1990/1/2" and
"WANG Xiaoming；1990-01-02" the same person.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from erfurt.archive import KeyedHash, RegistrySecret, Salt, commit, keyed_hash
from erfurt.errors import InputError

__all__ = ["Identity", "commit_identity", "hash_person", "parse_identity"]

_COMMIT_PURPOSE = "declaration.identity"
_PERSON_PURPOSE = "declaration.person"

_DATE_FORMS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


@dataclass(frozen=True, slots=True, repr=False)
class Identity:
    """A normalised identity; ``repr`` hides it so it never reaches a log line."""

    name: str
    birth_date: str  # YYYY-MM-DD

    def canonical(self) -> bytes:
        """The bytes committed to and hashed: name, a unit separator, the date."""
        return f"{self.name}\x1f{self.birth_date}".encode()

    def __repr__(self) -> str:
        return "Identity(<hidden>)"


def _parse_date(text: str) -> str:
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                parsed = date(year, month, day)
            except ValueError as exc:
                raise InputError(
                    f"identity: birth date {text!r} is not a date ({exc})",
                    "write the birth date as YYYY-MM-DD",
                ) from exc
            if parsed.year < 1900:
                raise InputError(f"identity: birth date {text!r} is before 1900", "check the year")
            return parsed.isoformat()
    raise InputError(
        f"identity: birth date {text!r} is not a date", "write the birth date as YYYY-MM-DD"
    )


def parse_identity(text: str) -> Identity:
    """Normalise ``NAME; BIRTH DATE`` (full-width ``；`` works too).

    Raises InputError (without echoing the name) when the separator, the name or the
    date is missing or the date is not a real date.
    """
    folded = unicodedata.normalize("NFKC", text)
    parts = folded.split(";")
    hint = 'write it as "NAME; BIRTH DATE", e.g. "Wang Xiaoming; 1990-01-02"'
    if len(parts) != 2:
        raise InputError("identity: expected a name and a birth date separated by ';'", hint)
    # Case folding can undo NFKC composition (ΐ folds to ι + two combining marks), so
    # normalise again after it: the NFKC_Casefold of Unicode's identifier rules.
    name = unicodedata.normalize("NFKC", " ".join(parts[0].split()).casefold())
    if not name:
        raise InputError("identity: the name is empty", hint)
    when = "".join(parts[1].split())
    if not when:
        raise InputError("identity: the birth date is empty", hint)
    return Identity(name=name, birth_date=_parse_date(when))


def commit_identity(identity: Identity, salt: Salt) -> str:
    """The salted commitment to ``identity`` that goes into the log (hex SHA-256)."""
    return commit(_COMMIT_PURPOSE, salt, identity.canonical())


def hash_person(secret: RegistrySecret, identity: Identity) -> KeyedHash:
    """The keyed hash that finds repeat declarations by the same person."""
    return keyed_hash(secret, _PERSON_PURPOSE, identity.canonical())
