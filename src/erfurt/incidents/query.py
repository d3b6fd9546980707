"""A figure's query: what to count (incidents or people harmed) over which incidents.

Written as ``field=value`` terms (shell quoting for spaces):
``count=harmed kind=killing since=1961 until=1989 place="East Berlin"``. A period keeps
incidents whose every possible day lies inside it: an incident dated only "before 1970"
is not counted in 1961-1970, because it may lie earlier.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from erfurt.archive import JSON
from erfurt.errors import InputError, IntegrityError
from erfurt.incidents.model import STATUSES, parse_date_claim

__all__ = ["FILTERS", "MEASURES", "Measure", "Query", "Summary", "parse_query"]

Measure = Literal["incidents", "harmed"]
MEASURES: tuple[Measure, ...] = ("incidents", "harmed")
FILTERS = ("kind", "since", "until", "place", "region", "status", "responsible", "entity")


@dataclass(frozen=True, slots=True)
class Summary:
    """What a figure needs to know of one counted incident (its current version)."""

    id: str
    kind: str
    first: str
    last: str
    place: str
    region: str | None
    low: int
    high: int
    status: str
    responsible: frozenset[str]
    entities: frozenset[str] = frozenset()  # the entities the responsible are linked to


@dataclass(frozen=True, slots=True)
class Query:
    """The measure and the filters (None: any)."""

    measure: Measure = "incidents"
    kind: str | None = None
    since: str | None = None
    until: str | None = None
    place: str | None = None
    region: str | None = None
    status: str | None = None
    responsible: str | None = None
    entity: str | None = None

    def filters(self) -> dict[str, JSON]:
        """The filters that are set, as stored in ``figure.defined``."""
        return {f: getattr(self, f) for f in FILTERS if getattr(self, f) is not None}

    @classmethod
    def from_record(cls, measure: Any, filters: Any, source: str) -> Query:
        """Read a stored query; raises IntegrityError if it is malformed."""
        if measure not in MEASURES or not isinstance(filters, Mapping):
            raise IntegrityError(f"{source}: not a figure query")
        unknown = set(filters) - set(FILTERS)
        if unknown or not all(isinstance(v, str) for v in filters.values()):
            raise IntegrityError(f"{source}: unknown or malformed filters {sorted(unknown)}")
        return cls(measure, **filters)

    def matches(self, incident: Summary) -> bool:
        """Whether ``incident`` is counted."""
        return (
            (self.kind is None or incident.kind == self.kind)
            and (self.since is None or incident.first >= self.since)
            and (self.until is None or incident.last <= self.until)
            and (self.place is None or incident.place == self.place)
            and (self.region is None or incident.region == self.region)
            and (self.status is None or incident.status == self.status)
            and (self.responsible is None or self.responsible in incident.responsible)
            and (self.entity is None or self.entity in incident.entities)
        )

    def where(self) -> tuple[str, list[str]]:
        """The same filter as :meth:`matches`, as SQL over the ``incidents_incident`` view."""
        clauses, params = ["merged_into IS NULL"], []
        for name, test in (
            ("kind", "kind = ?"),
            ("since", "first >= ?"),
            ("until", "last <= ?"),
            ("place", "place = ?"),
            ("region", "region = ?"),
            ("status", "status = ?"),
            (
                "responsible",
                "incidents_incident.id IN (SELECT id FROM incidents_responsible WHERE name = ?)",
            ),
            (
                "entity",
                "incidents_incident.id IN (SELECT id FROM incidents_responsible WHERE entity = ?)",
            ),
        ):
            value = getattr(self, name)
            if value is not None:
                clauses.append(test)
                params.append(value)
        return " AND ".join(clauses), params


def parse_query(text: str, today: date) -> Query:
    """Parse ``count=... kind=... since=... until=...`` terms.

    ``since``/``until`` take a day, month or year (``until=1989`` ends on 1989-12-31).
    Raises InputError naming the term that is wrong and what the terms are.
    """
    hint = f"terms: count=incidents|harmed, {', '.join(f'{f}=...' for f in FILTERS)}"
    try:
        terms = shlex.split(text)
    except ValueError as exc:
        raise InputError(f"query: {exc}", hint) from exc
    measure: Measure = "incidents"
    filters: dict[str, str] = {}
    for term in terms:
        name, eq, value = term.partition("=")
        if not eq or not value:
            raise InputError(f"query: {term!r} is not name=value", hint)
        if name == "count":
            if value not in MEASURES:
                raise InputError(f"query: count={value}: count incidents or harmed", hint)
            measure = "incidents" if value == "incidents" else "harmed"
            continue
        if name in ("since", "until"):
            claim = parse_date_claim(f"{value}@note:query", today, f"query {name}")
            value = claim.first if name == "since" else claim.last
        elif name == "status" and value not in STATUSES:
            raise InputError(f"query: status={value}", f"status is one of {', '.join(STATUSES)}")
        if name in FILTERS:
            filters[name] = value
        else:
            raise InputError(f"query: unknown term {name!r}", hint)
    return Query.from_record(measure, filters, "query")
