"""Entities as a reader sees them: every mention grouped by entity after review, and one
entity's dossier with its names, positions and the passages that state them."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass

from erfurt.archive import Archive
from erfurt.entities.model import Claim, Mention
from erfurt.entities.review import Decisions
from erfurt.errors import InputError

__all__ = ["Dossier", "EntitySummary", "Passage", "Position", "list_entities", "read_dossier"]

_SNIPPET_CONTEXT = 60


@dataclass(frozen=True, slots=True)
class EntitySummary:
    """One line of `entities list`."""

    id: str
    type: str
    name: str
    mentions: int
    documents: int


@dataclass(frozen=True, slots=True)
class Passage:
    """Where a fact is stated: the document, page, quoted snippet, and the review key."""

    key: str
    status: str  # "accepted", "rejected" or "unreviewed"
    source: str
    document: str
    page: int
    snippet: str
    surface: str
    method: str


@dataclass(frozen=True, slots=True)
class Position:
    """A position claim with the passage stating it."""

    post: str
    organisation: str
    start: str
    end: str
    passage: Passage


@dataclass(frozen=True, slots=True)
class Dossier:
    """One entity: every name form, positions with dates, each with its passages."""

    id: str
    type: str
    names: tuple[str, ...]
    members: tuple[str, ...]
    mentions: tuple[Passage, ...]
    positions: tuple[Position, ...]


def _mentions(db: sqlite3.Connection, decisions: Decisions) -> list[tuple[str, str, Mention, str]]:
    """Every mention not rejected: (entity after review, source, mention, text blob)."""
    out = []
    for source, text, data in db.execute("SELECT source, text, data FROM ent_mentions"):
        mention = Mention.from_json(json.loads(data))
        key = mention.key(source)
        if decisions.status.get(key) != "rejected":
            out.append((decisions.entity(mention.entity(), key), source, mention, text))
    return out


def list_entities(archive: Archive, *, kind: str | None = None) -> list[EntitySummary]:
    """Every entity with at least one mention not rejected, most mentioned first."""
    with archive.read_views() as db:
        decisions = Decisions.read(db)
        rows = _mentions(db, decisions)
    by_entity: dict[str, list[tuple[str, Mention]]] = {}
    for entity, source, mention, _ in rows:
        by_entity.setdefault(entity, []).append((source, mention))
    out = []
    for entity, found in by_entity.items():
        names = Counter(m.surface for _, m in found)
        types = Counter(m.type for _, m in found)
        first_type = types.most_common(1)[0][0]
        if kind is None or first_type == kind:
            out.append(EntitySummary(entity, first_type, names.most_common(1)[0][0],
                                     len(found), len({s for s, _ in found})))  # fmt: skip
    return sorted(out, key=lambda e: (-e.mentions, e.name))


class _Texts:
    """Texts and document names read once per dossier."""

    def __init__(self, archive: Archive, db: sqlite3.Connection) -> None:
        self._archive = archive
        self._db = db
        self._texts: dict[str, str] = {}

    def snippet(self, text: str, start: int, end: int) -> str:
        if text not in self._texts:
            self._texts[text] = self._archive.read_blob(text).decode("utf-8", "replace")
        whole = self._texts[text]
        before = whole[max(0, start - _SNIPPET_CONTEXT) : start]
        after = whole[end : end + _SNIPPET_CONTEXT]
        return re.sub(r"\s+", " ", f"…{before}«{whole[start:end]}»{after}…")

    def document(self, source: str) -> str:
        row = self._db.execute("SELECT name FROM ent_names WHERE blob = ?", (source,)).fetchone()
        return str(row[0]) if row else source


def read_dossier(archive: Archive, entity: str) -> Dossier:
    """The dossier of ``entity`` (an id from `entities list`, or a list entry it was linked
    to). Raises InputError when nothing names it."""
    with archive.read_views() as db:
        decisions = Decisions.read(db)
        wanted = decisions.entity(entity)
        texts = _Texts(archive, db)
        passages = []
        types: Counter[str] = Counter()
        for owner, source, mention, text in _mentions(db, decisions):
            if owner == wanted:
                types[mention.type] += 1
                key = mention.key(source)
                passages.append(Passage(key, decisions.status.get(key, "unreviewed"), source,
                                        texts.document(source), mention.page,
                                        texts.snippet(text, mention.start, mention.end),
                                        mention.surface, mention.method))  # fmt: skip
        if not passages:
            raise InputError(f"no entity {entity!r}", "see: erfurt entities list")
        positions = []
        for source, text, data in db.execute("SELECT source, text, data FROM ent_claims"):
            claim = Claim.from_json(json.loads(data))
            holder = claim.holder
            if decisions.entity(holder.entity(), holder.key(source)) != wanted:
                continue
            key = claim.key(source)
            status = decisions.status.get(key, "unreviewed")
            if status == "rejected":
                continue
            passage = Passage(
                key,
                status,
                source,
                texts.document(source),
                holder.page,
                texts.snippet(text, *claim.passage),
                holder.surface,
                claim.method,
            )
            positions.append(Position(claim.post, claim.organisation, claim.start_date,
                                      claim.end_date, passage))  # fmt: skip
    names = tuple(dict.fromkeys(p.surface for p in passages))
    return Dossier(
        wanted,
        types.most_common(1)[0][0],
        names,
        tuple(sorted(decisions.members(wanted))),
        tuple(passages),
        tuple(sorted(positions, key=lambda p: (p.start or "9999", p.post))),
    )
