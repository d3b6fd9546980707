"""Birth date, country, identifiers and kind: what raises or lowers a name score, and
what keeps a query from an entity altogether."""

from __future__ import annotations

import dataclasses
import difflib

from erfurt.errors import InputError
from erfurt.names.countries import country_code, country_names
from erfurt.names.model import Entity, Query
from erfurt.names.score import Feature
from erfurt.names.weights import (
    COUNTRY_AGREES,
    COUNTRY_DIFFERS,
    DATE_AGREES,
    DATE_DIFFERS,
    IDENTIFIER_AGREES,
    YEAR_DIFFERS,
)

__all__ = ["check_query", "qualify", "same_kind"]

# What a query may be compared with: persons with persons, vessels with vessels, ...
_KINDS = {
    "Person": "person",
    "Vessel": "vessel",
    "Airplane": "aircraft",
    "Aircraft": "aircraft",
}


def _kind(schema: str) -> str:
    return _KINDS.get(schema, "organisation")


def check_query(query: Query) -> Query:
    """The query with its country as an ISO code; a birth date makes it a person.

    Raises InputError for a country that is neither an ISO code nor a country name,
    suggesting the nearest names.
    """
    country = query.country
    if country:
        code = country_code(country)
        if code is None:
            near = difflib.get_close_matches(country.lower(), country_names(), n=3, cutoff=0.6)
            hint = f"did you mean {' or '.join(repr(n) for n in near)}? " if near else ""
            raise InputError(
                f"country {country!r} is unknown",
                f"{hint}give an ISO 3166 code (cn, hk, tw) or an English country name",
            )
        country = code
    schema = query.schema or ("Person" if query.birth_date else None)
    return dataclasses.replace(query, country=country, schema=schema)


def same_kind(query: Query, entity: Entity) -> bool:
    """Whether a query may match an entity: a person query never matches a vessel or a
    company; a query of no schema matches any."""
    return query.schema is None or _kind(query.schema) == _kind(entity.schema)


def _date_feature(query: str, listed: tuple[str, ...]) -> Feature | None:
    if not listed:
        return None
    for date in listed:
        common = min(len(query), len(date))
        if query[:common] == date[:common]:
            return Feature("birth_date", DATE_AGREES, f"born {date}")
    if any(query[:4] == date[:4] for date in listed):
        return Feature("birth_date", DATE_DIFFERS, f"born {', '.join(listed)}, not {query}")
    return Feature("birth_date", YEAR_DIFFERS, f"born {', '.join(listed)}, not {query}")


def qualify(query: Query, entity: Entity) -> list[Feature]:
    """The features beyond the name: each a signed change to the score (the query's
    country already a code: see ``check_query``)."""
    features: list[Feature] = []
    if query.birth_date:
        feature = _date_feature(query.birth_date, entity.birth_dates)
        if feature:
            features.append(feature)
    code = query.country
    if code and entity.countries:
        if code in entity.countries:
            features.append(Feature("country", COUNTRY_AGREES, f"linked to {code}"))
        else:
            listed = ", ".join(entity.countries)
            features.append(Feature("country", COUNTRY_DIFFERS, f"linked to {listed}, not {code}"))
    wanted = {"".join(i.upper().split()) for i in query.identifiers}
    shared = sorted(wanted & set(entity.identifiers))
    if shared:
        features.append(Feature("identifier", IDENTIFIER_AGREES, f"same number {shared[0]}"))
    return features
