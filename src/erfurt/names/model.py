"""The values the name engine takes and returns: entities, queries, matches."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from erfurt.errors import InputError
from erfurt.names.countries import country_code
from erfurt.names.score import Feature

__all__ = ["Entity", "Match", "Query", "country_code", "parse_date"]

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, slots=True)
class Entity:
    """A listed person or organisation: its names and the facts that qualify a match."""

    id: str
    schema: str  # FollowTheMoney schema: Person, Organization, Company, Vessel, ...
    names: tuple[str, ...]  # the first is the main name
    list: str  # which list it comes from
    birth_dates: tuple[str, ...] = ()  # ISO 8601 prefixes: "1957", "1957-05", "1957-05-13"
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2, lower case
    identifiers: tuple[str, ...] = ()  # passport and ID numbers, upper case, no spaces


@dataclass(frozen=True, slots=True)
class Query:
    """A name to screen, with what else is known about whoever bears it."""

    name: str
    birth_date: str | None = None
    country: str | None = None  # ISO code or English name
    schema: str | None = None  # "Person", "Organization" or None for any
    identifiers: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The query as the CLI and the web API write it out."""
        return {
            "name": self.name,
            "birth_date": self.birth_date,
            "country": self.country,
            "schema": self.schema,
        }


@dataclass(frozen=True, slots=True)
class Match:
    """One listed entity that matched a query, with why."""

    entity_id: str
    score: float
    name: str  # the listed name that matched best
    list: str
    explanation: tuple[Feature, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        """The match with the features that explain its score, rounded to three decimals."""
        return {
            "entity_id": self.entity_id,
            "score": round(self.score, 3),
            "name": self.name,
            "list": self.list,
            "explanation": [
                {"feature": f.name, "value": round(f.value, 3), "detail": f.detail}
                for f in self.explanation
            ],
        }


def parse_date(text: str, where: str = "birth date") -> str:
    """Check an ISO 8601 date or prefix ("1957", "1957-05", "1957-05-13"); return it.

    Raises InputError naming ``where`` when it is not a real date.
    """
    match = _DATE.match(text.strip())
    if match is None:
        raise InputError(
            f"{where} {text!r} is not a date", "write it as YYYY, YYYY-MM or YYYY-MM-DD"
        )
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError as exc:
        raise InputError(
            f"{where} {text!r} is not a date: {exc}", "write it as YYYY, YYYY-MM or YYYY-MM-DD"
        ) from exc
    return text.strip()
