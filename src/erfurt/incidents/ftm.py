"""FollowTheMoney export: each incident an Event, with the units and persons involved.

Only what may be published leaves: responsible units and persons (as LegalEntity), the
names of people harmed that a reviewer marked publishable (as Person), never a sealed
name, a keyed reference or a witness. Given a mask of what is redacted (the CLI builds it
from the redactions in force), a text value that a redacted stretch of a cited passage
holds, or that holds one, is left out too: a responsible unit or a name copied from a
redacted passage does not leave through the export.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from itertools import groupby

from erfurt.archive import JSON, Archive, PassageMask
from erfurt.incidents.model import Incident
from erfurt.incidents.query import Query
from erfurt.incidents.recording import current_incident, passages, publishable_names
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


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _published(value: str, hidden: list[str]) -> bool:
    """Whether ``value`` neither holds nor is held by a redacted stretch in ``hidden``."""
    folded = _folded(value)
    return not any(h in folded or folded in h for h in hidden)


def _redacted(archive: Archive, incident: Incident, mask: PassageMask) -> list[str]:
    """The stretches ``mask`` hides in the passages ``incident`` cites (a withheld passage
    whole), folded for comparison."""
    hidden = []
    for passage in passages(archive, incident):
        if passage.document is None or passage.text_blob is None:
            continue  # a reviewer's note
        text = passage.text
        shown = mask(passage.document, passage.text_blob, passage.cite.start, text)
        stretches = [text] if shown is None else [
            "".join(raw for raw, _ in pairs)
            for masked, pairs in groupby(zip(text, shown, strict=True), lambda p: p[0] != p[1])
            if masked
        ]  # fmt: skip
        hidden += [folded for stretch in stretches if (folded := _folded(stretch))]
    return hidden


def ftm_entities(
    archive: Archive, query: Query | None = None, *, mask: PassageMask | None = None
) -> Iterator[dict[str, JSON]]:
    """The entities, each as FollowTheMoney JSON (``id``, ``schema``, ``properties``).

    With ``mask``, text values a redacted stretch of a cited passage holds (or that hold
    one) are left out: a unit or person, the kind or the place of the event.
    """
    seen: set[str] = set()
    for row in read_incidents(archive, query):
        found = current_incident(archive, row.id)
        if found is None:
            continue
        incident = found[1]
        hidden = [] if mask is None else _redacted(archive, incident, mask)

        involved: list[JSON] = []
        for unit in (u for u in incident.responsible if _published(u.value, hidden)):
            entity = _entity_id("responsible", unit.value)
            involved.append(entity)
            if entity not in seen:
                seen.add(entity)
                yield {"id": entity, "schema": "LegalEntity", "properties": {"name": [unit.value]}}
        harmed = [n.ref for n in incident.names if n.role == "harmed"]
        for ref, name in sorted(publishable_names(archive, harmed).items()):
            if not _published(name, hidden):
                continue
            entity = _entity_id("person", ref)
            involved.append(entity)
            if entity not in seen:
                seen.add(entity)
                yield {"id": entity, "schema": "Person", "properties": {"name": [name]}}
        count = str(row.low) if row.low == row.high else f"{row.low} to {row.high}"
        kind = [row.kind] if _published(row.kind, hidden) else []
        place = [row.place] if _published(row.place, hidden) else []
        yield {
            "id": _entity_id("incident", row.id),
            "schema": "Event",
            "properties": {
                "name": [", ".join(kind + place) or f"incident {row.id}"],
                "location": place,
                "summary": [
                    f"{(kind or ['incident'])[0]}: {count} people harmed; {row.status},"
                    f" {row.sources} independent sources"
                ],
                "keywords": kind,
                "recordId": [row.id],
                "involved": involved,
                **_dates(row),
            },
        }
