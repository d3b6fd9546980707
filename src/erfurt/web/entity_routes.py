"""Entity pages and their API twins: the entities found in the archive, one entity's
dossier with every passage that names it, and the entities a document names.

What was found only in documents of a collection hidden from the caller is left out, as if
those documents were not in the archive; an entity named only there is reported exactly
like a missing one. Only roles that may read documents see entities at all.
"""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, HTTPException, Query, Request, Response

from erfurt.archive import Archive, CollectionRules, Principal
from erfurt.entities import MAX_PER_PAGE, EntityFilter, EntityType, list_entities, read_dossier
from erfurt.errors import InputError
from erfurt.web.api import ERRORS
from erfurt.web.queries import visible_document
from erfurt.web.render import render
from erfurt.web.security import require, service_of

router = APIRouter()

PER_PAGE = 50


def entity_list(
    archive: Archive,
    rules: CollectionRules,
    principal: Principal,
    wanted: EntityFilter,
    *,
    document: int | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> dict[str, Any]:
    """One page of the entities ``principal`` may see (named in ``document`` when given:
    404 when that document is not visible to them)."""
    archive.refresh()
    hidden = rules.hidden_from(principal)
    if document is not None:
        record = visible_document(archive, rules, principal, document)
        wanted = EntityFilter(wanted.type, wanted.name, str(record["blob"]), wanted.listed)
    found = list_entities(
        archive,
        EntityFilter(wanted.type, wanted.name, wanted.source, wanted.listed, hidden),
        page=page,
        per_page=per_page,
    )
    form = {"type": wanted.type or "", "name": wanted.name, "document": document,
            "listed": wanted.listed}  # fmt: skip
    return {**found.to_json(), "filter": form}


def entity_dossier(
    archive: Archive, rules: CollectionRules, principal: Principal, entity: str
) -> dict[str, Any]:
    """The dossier of ``entity`` as ``principal`` may see it (404 when nothing they may see
    names it)."""
    archive.refresh()
    try:
        found = read_dossier(archive, entity, hidden=rules.hidden_from(principal))
    except InputError as exc:
        raise HTTPException(404, f"there is no entity {entity!r}") from exc
    return found.to_json()


Type = Annotated[EntityType | None, Query()]
Name = Annotated[str, Query(max_length=200)]
Page = Annotated[int, Query(ge=1, le=100_000)]


@router.get("/api/v1/entities", tags=["entities"], responses=ERRORS)
def api_entities(
    request: Request,
    type: Type = None,
    name: Name = "",
    document: Annotated[int | None, Query(ge=0)] = None,
    listed: bool = False,
    page: Page = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = PER_PAGE,
) -> dict[str, Any]:
    """Entities found in the documents the caller may see, most mentioned first, with
    their counts; filtered by type, name, document (record number) or list link; paged."""
    who = require(request, "read")
    service = service_of(request)
    wanted = EntityFilter(type, name, "", listed)
    return entity_list(service.archive, service.rules(), who.principal, wanted,
                       document=document, page=page, per_page=per_page)  # fmt: skip


@router.get("/api/v1/entities/{entity:path}", tags=["entities"], responses=ERRORS)
def api_entity(request: Request, entity: str) -> dict[str, Any]:
    """An entity's dossier: names, positions and every passage naming it (document, page,
    snippet, review status and, on OCR'd pages, the boxes of the name's words)."""
    who = require(request, "read")
    service = service_of(request)
    return entity_dossier(service.archive, service.rules(), who.principal, entity)


@router.get("/dossiers", include_in_schema=False)
def entities_page(
    request: Request,
    type: Annotated[str, Query(max_length=20)] = "",
    name: Name = "",
    document: Annotated[int | None, Query(ge=0)] = None,
    listed: bool = False,
    page: Page = 1,
) -> Response:
    """The entities found, with a filter form and pages."""
    who = require(request, "read")
    service = service_of(request)
    kind = cast(EntityType, type) if type in ("person", "organisation", "place") else None
    wanted = EntityFilter(kind, name, "", listed)
    data = entity_list(
        service.archive, service.rules(), who.principal, wanted, document=document, page=page
    )
    return render(request, "dossiers.html", data)


@router.get("/dossiers/{entity:path}", include_in_schema=False)
def entity_page(request: Request, entity: str) -> Response:
    """One entity: its names, positions and the passages naming it, each linked to its
    document and page."""
    who = require(request, "read")
    service = service_of(request)
    data = entity_dossier(service.archive, service.rules(), who.principal, entity)
    return render(request, "dossier.html", data)
