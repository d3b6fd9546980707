"""A yente-compatible screening surface, so existing sanctions-screening clients work as-is.

``POST /match/{dataset}``, ``GET /entities/{id}``, ``GET /algorithms`` and ``GET /catalog``
answer in the shapes yente 5 documents, scored by :mod:`erfurt.names`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from erfurt.errors import InputError
from erfurt.names import DEFAULT_THRESHOLD, Entity, Match, Matcher
from erfurt.names import Query as NameQuery
from erfurt.web.security import require, service_of

router = APIRouter(tags=["yente"])

ALGORITHM = "erfurt-names"
MAX_BATCH = 100
MAX_LIMIT = 500
SCHEMATA = frozenset({"Person", "Organization", "Company", "LegalEntity", "Vessel", "Thing"})
_CONFIG_KEYS = frozenset({"nationality_weight"})  # accepted, not used by this scorer


class EntityQuery(BaseModel):
    """One FollowTheMoney entity to screen."""

    id: str | None = None
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str] | str] = {}


class MatchRequest(BaseModel):
    """A batch of queries, keyed by the caller's own names for them."""

    queries: dict[str, EntityQuery]
    weights: dict[str, float] = {}
    config: dict[str, Any] = {}


def _values(properties: dict[str, list[str] | str], *names: str) -> list[str]:
    found: list[str] = []
    for name in names:
        value = properties.get(name, [])
        found += [value] if isinstance(value, str) else value
    return [v for v in found if v.strip()]


def _entity_json(entity: Entity) -> dict[str, Any]:
    properties: dict[str, list[str]] = {"name": list(entity.names)}
    if entity.birth_dates:
        properties["birthDate"] = list(entity.birth_dates)
    if entity.countries:
        properties["country"] = list(entity.countries)
    if entity.identifiers:
        properties["idNumber"] = list(entity.identifiers)
    return {
        "id": entity.id,
        "caption": entity.names[0] if entity.names else entity.id,
        "schema": entity.schema,
        "properties": properties,
        "datasets": [entity.list],
        "referents": [],
        "target": True,
        "first_seen": None,
        "last_seen": None,
        "last_change": None,
    }


def _result(entity: Entity, match: Match, threshold: float) -> dict[str, Any]:
    explanations = {
        feature.name: {"detail": feature.detail, "score": feature.value, "query": None}
        for feature in match.explanation
    }
    return {
        **_entity_json(entity),
        "score": round(match.score, 4),
        "match": match.score >= threshold,
        "explanations": explanations,
    }


def _screen(
    index: tuple[Matcher, dict[str, Entity]],
    query: EntityQuery,
    limit: int,
    threshold: float,
    excluded: set[str],
) -> dict[str, Any]:
    matcher, entities = index
    names = _values(query.properties, "name", "alias", "weakAlias")
    births = _values(query.properties, "birthDate")
    countries = _values(query.properties, "nationality", "country", "citizenship")
    schema = None if query.schema_ in {"LegalEntity", "Thing"} else query.schema_
    best: dict[str, Match] = {}
    refused: list[InputError] = []
    for name in names:
        asked = NameQuery(
            name,
            birth_date=births[0] if births else None,
            country=countries[0] if countries else None,
            schema=schema,
        )
        try:
            matches = matcher.match(asked, limit=limit + len(excluded))
        except InputError as exc:  # not a name (digits only, too long...): this query only
            refused.append(exc)
            continue
        for match in matches:
            kept = best.get(match.entity_id)
            if match.entity_id not in excluded and (kept is None or match.score > kept.score):
                best[match.entity_id] = match
    ranked = sorted(best.values(), key=lambda m: -m.score)[:limit]
    results = [_result(entities[m.entity_id], m, threshold) for m in ranked]
    if refused and len(refused) == len(names):
        return {
            "status": 400,
            "results": [],
            "total": {"value": 0, "relation": "eq"},
            "query": {"id": query.id, "schema": query.schema_, "properties": query.properties},
            "error": refused[0].message,
        }
    return {
        "status": 200,
        "results": results,
        "total": {"value": len(results), "relation": "eq"},
        "query": {"id": query.id, "schema": query.schema_, "properties": query.properties},
    }


@router.post("/match/{dataset}")
def match(
    request: Request,
    response: Response,
    dataset: str,
    body: MatchRequest,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 5,
    threshold: Annotated[float, Query(ge=0, le=1)] = DEFAULT_THRESHOLD,
    algorithm: str = "best",
    exclude_entity_ids: Annotated[list[str] | None, Query(max_length=50)] = None,
) -> dict[str, Any]:
    """Screen a batch of entities against the loaded lists (yente's ``/match``)."""
    require(request, "screen")
    if not body.queries:
        raise HTTPException(400, "no queries given")
    if len(body.queries) > MAX_BATCH:
        raise HTTPException(400, f"too many queries in one batch (at most {MAX_BATCH})")
    unknown = set(body.config) - _CONFIG_KEYS
    if unknown:
        raise HTTPException(400, f"unknown config keys: {', '.join(sorted(unknown))}")
    for key, query in body.queries.items():
        if query.schema_ not in SCHEMATA:
            raise HTTPException(400, f"query {key}: schema {query.schema_!r} cannot be matched")
    excluded = set(exclude_entity_ids or [])
    index = service_of(request).matcher()
    responses = {
        key: _screen(index, query, limit, threshold, excluded)
        for key, query in body.queries.items()
    }
    response.headers["x-batch-size"] = str(len(body.queries))
    return {"responses": responses, "limit": limit}


@router.get("/entities/{entity_id:path}")
def entity(request: Request, entity_id: str) -> dict[str, Any]:
    """One listed entity (yente's ``/entities/{id}``)."""
    require(request, "screen")
    _, entities = service_of(request).matcher()
    found = entities.get(entity_id)
    if found is None:
        raise HTTPException(404, f"there is no entity {entity_id!r}")
    return _entity_json(found)


@router.get("/algorithms")
def algorithms() -> dict[str, Any]:
    """The scoring algorithms offered (one: Erfurt's cross-script name matcher)."""
    return {
        "algorithms": [
            {
                "name": ALGORITHM,
                "description": "Names in any script: Han, pinyin, Wade-Giles, Cantonese, Latin",
                "features": {},
            }
        ],
        "default": ALGORITHM,
        "best": ALGORITHM,
    }


@router.get("/catalog")
def catalog(request: Request) -> dict[str, Any]:
    """The lists loaded in the archive, as yente's dataset catalog."""
    require(request, "screen")
    _, entities = service_of(request).matcher()
    lists = sorted({e.list for e in entities.values()})
    datasets = [{"name": name, "title": name, "load": True} for name in lists]
    datasets.append({"name": "default", "title": "All lists", "load": True, "children": lists})
    return {"datasets": datasets, "current": lists, "outdated": []}
