"""A declarant's identity: normalised, committed to, keyed-hashed; never stored in clear.

The identity is typed as ``NAME; BIRTH DATE``. Normalisation (Unicode NFKC, case folded,
whitespace collapsed; the date as ``YYYY-MM-DD``) makes "Wang  Xiaoming; 1990/1/2" and
"WANG Xiaoming；1990-01-02" the same person.

The rules are versioned, because commitments and keyed hashes are made over the
normalised form: a receipt must be opened with the rule its declaration was made with
(the record's ``identity_rule``; records without one used rule 1).

- Rule 1: NFKC, case folding, whitespace collapsed.
- Rule 2 (:data:`IDENTITY_RULE`, since issue 8): also removes format characters
  (zero-width spaces and joiners, bidi controls) and folds traditional Chinese
  characters to simplified (OpenCC ``t2s``), so 王曉明 and 王晓明 are one person.
  For a name written without either, both rules give the same bytes, so its keyed
  hash is unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from erfurt.archive import KeyedHash, RegistrySecret, Salt, commit, keyed_hash
from erfurt.errors import InputError

__all__ = ["IDENTITY_RULE", "Identity", "commit_identity", "hash_person", "parse_identity"]

IDENTITY_RULE = 2
"""The normalisation rule new declarations use (see the module docstring)."""
_MAX_TEXT = 1_000  # characters typed for "NAME; BIRTH DATE", before normalisation
_MAX_NAME = 200  # characters of the normalised name

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


def _parse_date(text: str, today: date | None) -> str:
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
            if today is not None and parsed > today:
                raise InputError(
                    f"identity: birth date {text!r} is in the future", "check the year"
                )
            return parsed.isoformat()
    raise InputError(
        f"identity: birth date {text!r} is not a date", "write the birth date as YYYY-MM-DD"
    )


@cache
def _to_simplified() -> Any:
    import opencc  # loaded on first use: a second's work only identities need

    return opencc.OpenCC("t2s")


def _fold_name(name: str, rule: int) -> str:
    if rule >= 2:
        name = "".join(c for c in name if unicodedata.category(c) != "Cf")
        name = str(_to_simplified().convert(name))
    # Case folding can undo NFKC composition (ΐ folds to ι + two combining marks), so
    # normalise again after it: the NFKC_Casefold of Unicode's identifier rules.
    return unicodedata.normalize("NFKC", " ".join(name.split()).casefold())


def parse_identity(text: str, *, rule: int = IDENTITY_RULE, today: date | None = None) -> Identity:
    """Normalise ``NAME; BIRTH DATE`` (full-width ``；`` works too) by rule ``rule``.

    Raises InputError (without echoing the name) when the separator, the name or the
    date is missing, the text or name is too long, the date is not a real date, or it
    is later than ``today`` (when given).
    """
    hint = 'write it as "NAME; BIRTH DATE", e.g. "Wang Xiaoming; 1990-01-02"'
    if len(text) > _MAX_TEXT:
        raise InputError(f"identity: {len(text):,} characters, more than {_MAX_TEXT:,}", hint)
    folded = unicodedata.normalize("NFKC", text)
    parts = folded.split(";")
    if len(parts) != 2:
        raise InputError("identity: expected a name and a birth date separated by ';'", hint)
    name = _fold_name(parts[0], rule)
    if not name:
        raise InputError("identity: the name is empty", hint)
    if len(name) > _MAX_NAME:
        raise InputError(
            f"identity: the name is {len(name):,} characters long, more than {_MAX_NAME}", hint
        )
    when = "".join(parts[1].split())
    if not when:
        raise InputError("identity: the birth date is empty", hint)
    return Identity(name=name, birth_date=_parse_date(when, today))


def commit_identity(identity: Identity, salt: Salt) -> str:
    """The salted commitment to ``identity`` that goes into the log (hex SHA-256)."""
    return commit(_COMMIT_PURPOSE, salt, identity.canonical())


def hash_person(secret: RegistrySecret, identity: Identity) -> KeyedHash:
    """The keyed hash that finds repeat declarations by the same person."""
    return keyed_hash(secret, _PERSON_PURPOSE, identity.canonical())
