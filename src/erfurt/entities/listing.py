"""`entities list` and its API twin: every entity after review, filtered, counted and paged."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from erfurt.archive import Archive
from erfurt.entities.model import EntityType, Mention, name_key
from erfurt.entities.review import Decisions
from erfurt.entities.text import fold_han
from erfurt.entities.visible import Sightings, visible_claims, visible_mentions
from erfurt.errors import InputError

__all__ = ["MAX_PER_PAGE", "EntityFilter", "EntityPage", "EntitySummary", "list_entities"]

MAX_PER_PAGE = 1000


@dataclass(frozen=True, slots=True)
class EntitySummary:
    """One entity of the list: its most used name and type, every name form, the list
    entries it is linked to, and how much states it."""

    id: str
    type: str
    name: str
    names: tuple[str, ...]
    listed: tuple[str, ...]  # list entries it names or was linked to
    mentions: int
    accepted: int  # mentions a reviewer accepted
    documents: int
    positions: int

    def to_json(self) -> dict[str, Any]:
        """The row as `entities list --json` and the API give it."""
        return {"id": self.id, "type": self.type, "name": self.name, "names": list(self.names),
                "listed": list(self.listed), "mentions": self.mentions,
                "accepted": self.accepted, "documents": self.documents,
                "positions": self.positions}  # fmt: skip


@dataclass(frozen=True, slots=True)
class EntityFilter:
    """Which entities to list: of a ``type``, with a name form holding ``name`` (case and
    traditional/simplified folded), named in the document blob ``source``, or linked to a
    list entry (``listed``); ``hidden`` are the collections the reader may not see."""

    type: EntityType | None = None
    name: str = ""
    source: str = ""
    listed: bool = False
    hidden: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class EntityPage:
    """One page of the list, most mentioned first, with the total it is a page of."""

    entities: tuple[EntitySummary, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the list has (1 when it is empty)."""
        return max(1, -(-self.total // self.per_page))

    def to_json(self) -> dict[str, Any]:
        """The page as `entities list --json` and the API give it."""
        return {"total": self.total, "page": self.page, "pages": self.pages,
                "per_page": self.per_page,
                "entities": [e.to_json() for e in self.entities]}  # fmt: skip


def list_entities(
    archive: Archive, wanted: EntityFilter = EntityFilter(), *, page: int = 1, per_page: int = 100
) -> EntityPage:
    """Page ``page`` of every entity with a mention not rejected that ``wanted`` keeps,
    most mentioned first. Raises InputError for a page or page size out of range."""
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InputError(f"{per_page} per page", f"give a page size from 1 to {MAX_PER_PAGE}")
    if page < 1:
        raise InputError(f"page {page} is out of range", "pages are numbered from 1")
    with archive.query_views() as db:
        decisions = Decisions.read(db)
        sightings = Sightings(db, wanted.hidden)
        by_entity: dict[str, list[tuple[str, Mention, str]]] = {}
        for entity, source, mention, _ in visible_mentions(db, decisions, sightings):
            key = mention.key(source)
            by_entity.setdefault(entity, []).append((source, mention, key))
        in_source = (
            {e for e, rows in by_entity.items() if any(s == wanted.source for s, _, _ in rows)}
            if wanted.source
            else None
        )
        positions = Counter(e for e, *_ in visible_claims(db, decisions, sightings))
    summaries = [
        _summary(entity, rows, decisions, positions[entity])
        for entity, rows in by_entity.items()
        if in_source is None or entity in in_source
    ]
    kept = sorted((s for s in summaries if _keeps(wanted, s)), key=lambda e: (-e.mentions, e.name))
    start = (page - 1) * per_page
    return EntityPage(tuple(kept[start : start + per_page]), len(kept), page, per_page)


def _summary(
    entity: str, rows: list[tuple[str, Mention, str]], decisions: Decisions, positions: int
) -> EntitySummary:
    names = Counter(m.surface for _, m, _ in rows)
    types = Counter(m.type for _, m, _ in rows)
    listed = {m.known for _, m, _ in rows if m.known} | (
        decisions.members(entity) & decisions.linked
    )
    return EntitySummary(
        entity,
        types.most_common(1)[0][0],
        names.most_common(1)[0][0],
        tuple(n for n, _ in names.most_common()),
        tuple(sorted(listed)),
        len(rows),
        sum(decisions.status.get(key) == "accepted" for _, _, key in rows),
        len({s for s, _, _ in rows}),
        positions,
    )


def _keeps(wanted: EntityFilter, summary: EntitySummary) -> bool:
    if wanted.type is not None and summary.type != wanted.type:
        return False
    if wanted.listed and not summary.listed:
        return False
    if wanted.name:
        needle = name_key(fold_han(wanted.name))
        return any(needle in name_key(fold_han(n)) for n in summary.names)
    return True
