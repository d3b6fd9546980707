"""An incident written as text (the CLI's options, the API's JSON), parsed and checked.

Every value is ``VALUE@CITES``; an edit replaces only the values it gives, and adds the
names it gives, sealed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from erfurt.archive import JSON, Archive
from erfurt.errors import InputError
from erfurt.incidents.model import (
    Incident,
    parse_count_claim,
    parse_date_claim,
    parse_value_claim,
)
from erfurt.incidents.recording import Passage, new_incident_id, today, with_names
from erfurt.incidents.view import IncidentRow

__all__ = ["IncidentText", "build_incident", "link_entities", "passage_json", "row_json"]

_MAX_ID = 200


@dataclass(frozen=True, slots=True)
class IncidentText:
    """The values of an incident as given (None or empty: not given)."""

    kind: str | None = None
    dates: Sequence[str] = ()
    place: str | None = None
    region: str | None = None
    harmed: Sequence[str] = ()
    responsible: Sequence[str] = ()
    names: Sequence[tuple[str, str]] = ()  # (role, name): sealed before anything is stored
    disputed: str | None = None
    entities: Sequence[tuple[str, str]] = ()  # (a responsible value, the entity id it is)


def build_incident(
    archive: Archive, base: Incident | None, given: IncidentText, prefix: str = ""
) -> Incident:
    """A new incident (``base`` None) or a new version of ``base`` with ``given`` values.

    Raises InputError naming the value that cannot be parsed (``prefix`` before its name:
    ``--`` for options), or what a new one lacks.
    """
    day, p = today(archive), prefix
    changes: dict[str, Any] = {}
    if given.kind:
        changes["kind"] = parse_value_claim(given.kind, f"{p}kind")
    if given.dates:
        changes["dates"] = tuple(parse_date_claim(d, day, f"{p}date") for d in given.dates)
    if given.place:
        changes["place"] = parse_value_claim(given.place, f"{p}place")
    if given.region is not None:
        changes["region"] = given.region.strip() or None
    if given.harmed:
        changes["harmed"] = tuple(parse_count_claim(h, f"{p}harmed") for h in given.harmed)
    if given.responsible:
        changes["responsible"] = tuple(
            parse_value_claim(r, f"{p}responsible") for r in given.responsible
        )
    if given.disputed is not None:
        changes["disputed"] = " ".join(given.disputed.split()) or None
    if base is None:
        missing = [f for f in ("kind", "dates", "place", "harmed") if f not in changes]
        if missing:
            raise InputError(
                f"a new incident needs {', '.join(p + m.rstrip('s') for m in missing)}",
                "give what happened, when, where and how many were harmed, each cited",
            )
        incident = Incident(id=new_incident_id(), **changes)
    else:
        incident = replace(base, **changes)
    if given.entities:
        incident = link_entities(incident, given.entities, f"{p}entity")
    return with_names(archive, incident, list(given.names))


def link_entities(incident: Incident, links: Sequence[tuple[str, str]], what: str) -> Incident:
    """``incident`` with each ``(responsible value, entity id)`` of ``links`` linked.

    Raises InputError for an id that is empty, too long or not printable, or a value that
    names no unit or person responsible for the incident.
    """
    by_value = dict(links)
    for value, entity in by_value.items():
        if not entity.strip() or len(entity) > _MAX_ID or not entity.isprintable():
            raise InputError(
                f"{what}: {entity!r} is not an entity id",
                "give an id as `erfurt entities list` shows it",
            )
        if value not in {r.value for r in incident.responsible}:
            raise InputError(
                f"{what}: {value!r} is not one of the units or persons responsible",
                "link a value given as responsible, written exactly as it was given",
            )
    responsible = tuple(
        replace(r, entity=by_value.get(r.value, r.entity)) for r in incident.responsible
    )
    return replace(incident, responsible=responsible)


def row_json(row: IncidentRow) -> dict[str, JSON]:
    """An incident as the view holds it, as JSON (no names: the view holds none)."""
    return {
        "incident": row.id,
        "record": row.record,
        "kind": row.kind,
        "from": row.first or None,
        "to": row.last,
        "place": row.place,
        "region": row.region,
        "harmed": {"low": row.low, "high": row.high},
        "sources": row.sources,
        "status": row.status,
        "merged_into": row.merged_into,
    }


def passage_json(passage: Passage, *, with_text: bool = True) -> dict[str, JSON]:
    """A cite and what it shows; ``with_text`` False leaves out the cited text and its
    document (only the position stays)."""
    cite, shown = passage.cite, with_text or passage.cite.record is None
    return {
        "field": passage.field,
        "record": cite.record,
        "start": cite.start if cite.record is not None else None,
        "end": cite.end if cite.record is not None else None,
        "document": passage.document if shown else None,
        "text": passage.text if shown else None,
        "note": cite.record is None,
    }
