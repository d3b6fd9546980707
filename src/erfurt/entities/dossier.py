"""Entities as a reader sees them: every mention grouped by entity after review, and one
entity's dossier with its names, positions and the passages that state them."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from erfurt.archive import Archive, PassageMask
from erfurt.entities.model import Claim, Mention
from erfurt.entities.review import Decisions
from erfurt.errors import InputError

__all__ = [
    "Dossier",
    "EntitySummary",
    "Passage",
    "Position",
    "list_entities",
    "read_dossier",
]

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

    def cited(self, unreviewed: bool) -> bool:
        """Whether an export states this passage as fact: accepted, or not yet reviewed
        when ``unreviewed`` (rejected never)."""
        return self.status == "accepted" or (unreviewed and self.status == "unreviewed")


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

    def cited(self, unreviewed: bool) -> Dossier:
        """The dossier with only the passages an export states (see :meth:`Passage.cited`)."""
        return replace(
            self,
            mentions=tuple(p for p in self.mentions if p.cited(unreviewed)),
            positions=tuple(p for p in self.positions if p.passage.cited(unreviewed)),
        )

    def sources(self) -> tuple[str, ...]:
        """The documents (blob digests) its passages cite, in order of first citation."""
        cited = [p.source for p in self.mentions] + [p.passage.source for p in self.positions]
        return tuple(dict.fromkeys(cited))


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
    """Texts and document names read once per dossier, passages as they may be shown."""

    def __init__(self, archive: Archive, db: sqlite3.Connection, mask: PassageMask | None):
        self._archive = archive
        self._db = db
        self._mask = mask
        self._texts: dict[str, str] = {}

    def snippet(self, source: str, text: str, start: int, end: int) -> str | None:
        """Characters ``start``-``end`` of ``text`` quoted with their context, masked as
        the mask says; None when the mask withholds them or masks any of ``start``-``end``."""
        if text not in self._texts:
            self._texts[text] = self._archive.read_blob(text).decode("utf-8", "replace")
        begin = max(0, start - _SNIPPET_CONTEXT)
        raw = self._texts[text][begin : end + _SNIPPET_CONTEXT]
        shown = raw if self._mask is None else self._mask(source, text, begin, raw)
        inner = slice(start - begin, end - begin)
        if shown is None or shown[inner] != raw[inner]:
            return None
        return re.sub(r"\s+", " ", f"…{shown[: inner.start]}«{shown[inner]}»{shown[inner.stop :]}…")

    def document(self, source: str) -> str:
        row = self._db.execute("SELECT name FROM ent_names WHERE blob = ?", (source,)).fetchone()
        return str(row[0]) if row else source


def read_dossier(archive: Archive, entity: str, *, mask: PassageMask | None = None) -> Dossier:
    """The dossier of ``entity`` (an id from `entities list`, or a list entry it was linked
    to).

    With ``mask`` (how a published dossier is read), snippets are built from the masked
    text, and a mention or position is left out, with the name it gives, when the mask
    withholds its passage or masks any character of the name (of a position: of the
    sentence stating it, which holds the post and organisation). Raises InputError when
    nothing names the entity, or nothing that names it may be published.
    """
    with archive.read_views() as db:
        decisions = Decisions.read(db)
        wanted = decisions.entity(entity)
        texts = _Texts(archive, db, mask)
        passages = []
        types: Counter[str] = Counter()
        withheld = 0
        for owner, source, mention, text in _mentions(db, decisions):
            if owner != wanted:
                continue
            snippet = texts.snippet(source, text, mention.start, mention.end)
            if snippet is None:
                withheld += 1
                continue
            types[mention.type] += 1
            key = mention.key(source)
            passages.append(Passage(key, decisions.status.get(key, "unreviewed"), source,
                                    texts.document(source), mention.page, snippet,
                                    mention.surface, mention.method))  # fmt: skip
        if not passages:
            raise InputError(
                f"everything naming {entity!r} is redacted"
                if withheld
                else f"no entity {entity!r}",
                "see: erfurt entities list",
            )
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
            snippet = texts.snippet(source, text, *claim.passage)
            if snippet is None or texts.snippet(source, text, holder.start, holder.end) is None:
                continue
            passage = Passage(key, status, source, texts.document(source), holder.page, snippet,
                              holder.surface, claim.method)  # fmt: skip
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


def document_records(archive: Archive, sources: Iterable[str]) -> dict[str, int]:
    """The ``document.added`` record of each of ``sources`` (blob digests), the first
    when a file was added more than once. Raises InputError for a source no document
    record cites (the dossier cites a text whose document is not in this archive)."""
    out = {}
    with archive.read_views() as db:
        for source in sources:
            row = db.execute(
                "SELECT min(record) FROM citations WHERE blob = ? AND kind = 'document.added' "
                "AND field = 'blob'",
                (source,),
            ).fetchone()
            if row is None or row[0] is None:
                raise InputError(
                    f"no document record cites {source}", "run `erfurt log check` on the archive"
                )
            out[source] = int(row[0])
    return out
