"""FollowTheMoney export: each incident an Event, with the units and persons involved.

Only what may be published leaves: responsible units and persons (as LegalEntity), the
names of people harmed that a reviewer marked publishable (as Person), never a sealed
name, a keyed reference or a witness.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from erfurt.archive import JSON, Archive
from erfurt.incidents.query import Query
from erfurt.incidents.recording import current_incident, publishable_names
from erfurt.incidents.view import IncidentRow, read_incidents

__all__ = ["ftm_entities"]


def _entity_id(kind: str, value: str) -> str:
    return f"erfurt-{kind}-" + hashlib.sha256(value.encode()).hexdigest()[:20]


def _dates(row: IncidentRow) -> dict[str, JSON]:
    if row.first == row.last:
        return {"date": [row.first]}
    if row.first and row.first[:7] == row.last[:7] and row.first.endswith("-01"):
        return {"date": [row.first[:7]]}  # a whole month, as recorded
    if row.first and row.first[:4] == row.last[:4] and row.first.endswith("-01-01"):
        return {"date": [row.first[:4]]}
    return {"endDate": [row.last], **({"startDate": [row.first]} if row.first else {})}


def ftm_entities(archive: Archive, query: Query | None = None) -> Iterator[dict[str, JSON]]:
    """The entities, each as FollowTheMoney JSON (``id``, ``schema``, ``properties``)."""
    seen: set[str] = set()
    for row in read_incidents(archive, query):
        found = current_incident(archive, row.id)
        if found is None:
            continue
        incident = found[1]
        involved: list[JSON] = []
        for unit in incident.responsible:
            entity = _entity_id("responsible", unit.value)
            involved.append(entity)
            if entity not in seen:
                seen.add(entity)
                yield {"id": entity, "schema": "LegalEntity", "properties": {"name": [unit.value]}}
        harmed = [n.ref for n in incident.names if n.role == "harmed"]
        for ref, name in sorted(publishable_names(archive, harmed).items()):
            entity = _entity_id("person", ref)
            involved.append(entity)
            if entity not in seen:
                seen.add(entity)
                yield {"id": entity, "schema": "Person", "properties": {"name": [name]}}
        count = str(row.low) if row.low == row.high else f"{row.low} to {row.high}"
        yield {
            "id": _entity_id("incident", row.id),
            "schema": "Event",
            "properties": {
                "name": [f"{row.kind}, {row.place}"],
                "location": [row.place],
                "summary": [
                    f"{row.kind}: {count} people harmed; {row.status},"
                    f" {row.sources} independent sources"
                ],
                "keywords": [row.kind],
                "recordId": [row.id],
                "involved": involved,
                **_dates(row),
            },
        }
