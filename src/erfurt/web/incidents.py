"""Incidents and figures over the JSON API: public reads, staff writes.

Anyone may read the counted incidents, their counts and the published figures: values,
status, cites and history, never a sealed name (only names a reviewer marked publishable).
The text of a cited passage is shown only to those who may read its document. Recording and
editing incidents needs a signed-in role that may add evidence (``upload``).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from erfurt.archive import JSON, Archive, CollectionRules, Principal, can
from erfurt.incidents import (
    GROUPINGS,
    IncidentText,
    Passage,
    add_incident,
    build_incident,
    count_incidents,
    current_incident,
    edit_incident,
    history,
    parse_query,
    passage_json,
    passages,
    publishable_names,
    read_figure,
    read_incidents,
    read_publications,
    row_json,
    today,
)
from erfurt.web.api import ERRORS
from erfurt.web.idempotency import IDEMPOTENT, request_tag
from erfurt.web.security import caller, check_csrf, require, service_of

router = APIRouter(prefix="/api/v1", tags=["incidents"])

PER_PAGE = 100
MAX_PAGE = 10_000
Filters = Annotated[str, Query(max_length=1000, description="Terms as in `figures define`.")]
Claim = Annotated[str, Field(min_length=1, max_length=10_000)]


class IncidentIn(BaseModel):
    """An incident's values as ``VALUE@CITES``; on an edit, only those given change."""

    model_config = ConfigDict(extra="forbid")

    kind: Claim | None = None
    dates: list[Claim] = Field(default_factory=list, max_length=20)
    place: Claim | None = None
    region: str | None = Field(default=None, max_length=20)
    harmed: list[Claim] = Field(default_factory=list, max_length=20)
    responsible: list[Claim] = Field(default_factory=list, max_length=100)
    harmed_names: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, max_length=1000, description="Sealed before anything is stored."
    )
    witness_names: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, max_length=1000, description="Sealed before anything is stored."
    )
    disputed: str | None = Field(default=None, max_length=10_000)
    entities: dict[str, Annotated[str, Field(max_length=200)]] = Field(
        default_factory=dict,
        max_length=100,
        description="A responsible value, and the id of the entity it is.",
    )

    def text(self) -> IncidentText:
        """The values as the incidents package takes them."""
        names = [("harmed", n) for n in self.harmed_names] + [
            ("witness", n) for n in self.witness_names
        ]
        as_given = self.model_dump(exclude={"harmed_names", "witness_names", "entities"})
        return IncidentText(**as_given, names=names, entities=list(self.entities.items()))


class IncidentSaved(BaseModel):
    """A recorded version: the incident and its log record."""

    incident: str
    record: int


def _visible_documents(
    archive: Archive, rules: CollectionRules, principal: Principal, shown: list[Passage]
) -> set[str]:
    """The cited documents (blobs) the caller may read: one sighting in a visible collection."""
    if not can(principal, "read"):
        return set()
    blobs = {p.document for p in shown if p.document is not None}
    visible = set()
    with archive.query_views() as db:
        for blob in blobs:
            collections = db.execute(
                "SELECT DISTINCT collection FROM documents WHERE blob = ?", (blob,)
            ).fetchall()
            if any(rules.visible(principal, str(c)) for (c,) in collections):
                visible.add(blob)
    return visible


def _incident(request: Request, incident: str) -> dict[str, JSON]:
    service = service_of(request)
    archive, principal = service.archive, caller(request).principal
    archive.refresh()
    rows = read_incidents(archive, incident=incident)
    found = current_incident(archive, incident)
    if not rows or found is None:
        raise HTTPException(404, f"there is no incident {incident!r}")
    version = found[1]
    names = publishable_names(archive, (n.ref for n in version.names))
    shown = passages(archive, version)
    visible = _visible_documents(archive, service.rules(), principal, shown)
    return {
        **row_json(rows[0]),
        "responsible": [r.value for r in version.responsible],
        "entities": {r.value: r.entity for r in version.responsible if r.entity},
        "harmed_claims": [h.count for h in version.harmed],
        "disputed": version.disputed,
        # A sealed name is not even hinted at: only the publishable ones are listed.
        "names": [{"role": n.role, "name": names[n.ref]} for n in version.names if n.ref in names],
        "history": list(history(archive, incident)),
        "passages": [passage_json(p, with_text=p.document in visible) for p in shown],
    }


@router.get("/incidents", responses=ERRORS)
def api_incidents(
    request: Request,
    query: Filters = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> dict[str, Any]:
    """The counted incidents (merged duplicates left out), filtered, by id, a page at a time."""
    archive = service_of(request).archive
    archive.refresh()
    rows = read_incidents(
        archive,
        parse_query(query, today(archive)),
        limit=PER_PAGE + 1,
        offset=(page - 1) * PER_PAGE,
    )
    return {
        "query": query,
        "page": page,
        "has_next": len(rows) > PER_PAGE,
        "incidents": [row_json(r) for r in rows[:PER_PAGE]],
    }


@router.get("/incidents/counts", responses=ERRORS)
def api_incident_counts(
    request: Request, by: Annotated[str, Query(max_length=20)], query: Filters = ""
) -> dict[str, Any]:
    """Counted incidents and people harmed (lowest, highest) grouped ``by``."""
    if by not in GROUPINGS:
        raise HTTPException(400, f"cannot count by {by!r}: use one of {', '.join(GROUPINGS)}")
    archive = service_of(request).archive
    archive.refresh()
    rows = count_incidents(archive, by, parse_query(query, today(archive)))
    return {
        "by": by,
        "query": query,
        "rows": [
            {"key": r.key, "incidents": r.incidents, "harmed_low": r.low, "harmed_high": r.high}
            for r in rows
        ],
    }


@router.get("/incidents/{incident}", responses=ERRORS)
def api_incident(request: Request, incident: str) -> dict[str, JSON]:
    """An incident: values, status, sources, versions, and each passage it cites."""
    return _incident(request, incident)


@router.post("/incidents", responses=ERRORS, status_code=201, openapi_extra=IDEMPOTENT)
def api_add_incident(request: Request, body: IncidentIn) -> IncidentSaved:
    """Record an incident; answered once it is durable in the log. Sent again with the
    same ``Idempotency-Key`` header, it gets the first answer and records nothing."""
    who = require(request, "upload")
    check_csrf(request, None, who)
    tag = request_tag(request, who, body)
    archive = service_of(request).archive
    archive.refresh()
    incident = build_incident(archive, None, body.text())
    [index] = add_incident(archive, [incident], who.principal.name, request=tag)
    # A retry is answered with the first request's incident, read back from the log.
    recorded = incident.id if tag is None else str(archive.record(index)["incident"])
    return IncidentSaved(incident=recorded, record=index)


@router.patch("/incidents/{incident}", responses=ERRORS, openapi_extra=IDEMPOTENT)
def api_edit_incident(request: Request, incident: str, body: IncidentIn) -> IncidentSaved:
    """Record a new version of an incident: the values given replace the old ones (which
    stay in the log); names given are added, sealed. Sent again with the same
    ``Idempotency-Key`` header, it gets the first answer and records nothing."""
    who = require(request, "upload")
    check_csrf(request, None, who)
    tag = request_tag(request, who, body)
    archive = service_of(request).archive
    archive.refresh()
    found = current_incident(archive, incident)
    if found is None:
        raise HTTPException(404, f"there is no incident {incident!r}")
    edited = build_incident(archive, found[1], body.text())
    [index] = edit_incident(archive, [edited], who.principal.name, request=tag)
    return IncidentSaved(incident=incident, record=index)


@router.get("/figures", responses=ERRORS)
def api_figures(request: Request) -> dict[str, Any]:
    """Every published figure: each publication's value, log size and digest, oldest first."""
    archive = service_of(request).archive
    archive.refresh()
    return {"figures": [asdict(p) for p in read_publications(archive)]}


@router.get("/figures/{name}", responses=ERRORS)
def api_figure(
    request: Request, name: str, page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1
) -> dict[str, Any]:
    """A published figure: its query, its publications, and the incidents it counts now."""
    archive = service_of(request).archive
    archive.refresh()
    published = read_publications(archive, name)
    if not published:
        raise HTTPException(404, f"no figure {name!r} has been published")
    figure = read_figure(archive, name)
    rows = read_incidents(archive, figure.query, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE)
    return {
        "name": name,
        "measure": figure.query.measure,
        "filters": figure.query.filters(),
        "publications": [asdict(p) for p in published],
        "page": page,
        "has_next": len(rows) > PER_PAGE,
        "incidents": [row_json(r) for r in rows[:PER_PAGE]],
    }
