"""Birth date, country and identifiers: what raises or lowers a name score."""

from __future__ import annotations

from erfurt.names.model import Entity, Query, country_code
from erfurt.names.score import Feature

__all__ = ["MOST_RAISED", "qualify"]

DATE_AGREES = 0.05
YEAR_DIFFERS = -0.25  # as logic-v2: a different birth date is strong evidence
DATE_DIFFERS = -0.1  # same year, different month or day
COUNTRY_AGREES = 0.02
COUNTRY_DIFFERS = -0.1
IDENTIFIER_AGREES = 0.3
MOST_RAISED = DATE_AGREES + COUNTRY_AGREES + IDENTIFIER_AGREES


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
    """The features beyond the name: each a signed change to the score."""
    features: list[Feature] = []
    if query.birth_date:
        feature = _date_feature(query.birth_date, entity.birth_dates)
        if feature:
            features.append(feature)
    code = country_code(query.country) if query.country else None
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
