"""One entity's dossier as a reader sees it: its names, positions and the passages that
state them, after review."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from erfurt.archive import Archive, PassageMask
from erfurt.entities.model import Box, Mention
from erfurt.entities.review import Decisions
from erfurt.entities.visible import Sightings, visible_claims, visible_mentions
from erfurt.errors import InputError

__all__ = [
    "Dossier",
    "Passage",
    "Position",
    "read_dossier",
]

_SNIPPET_CONTEXT = 60


@dataclass(frozen=True, slots=True)
class Passage:
    """Where a fact is stated: the document, page, quoted snippet, the review key, and
    the boxes of the name's words on the page image when OCR read the page."""

    key: str
    status: str  # "accepted", "rejected" or "unreviewed"
    source: str
    document: str
    page: int
    snippet: str
    surface: str
    method: str
    boxes: tuple[Box, ...] = ()
    record: int | None = None  # the document's record (its first the reader may see)

    def cited(self, unreviewed: bool) -> bool:
        """Whether an export states this passage as fact: accepted, or not yet reviewed
        when ``unreviewed`` (rejected never)."""
        return self.status == "accepted" or (unreviewed and self.status == "unreviewed")

    def to_json(self) -> dict[str, Any]:
        """The passage as `entities show --json` and the API give it."""
        return {"key": self.key, "status": self.status, "document": self.document,
                "source": self.source, "page": self.page, "boxes": [list(b) for b in self.boxes],
                "record": self.record, "snippet": self.snippet, "surface": self.surface,
                "method": self.method}  # fmt: skip


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

    def to_json(self) -> dict[str, Any]:
        """The dossier as `entities show --json` and the API give it."""
        return {
            "id": self.id, "type": self.type, "names": list(self.names),
            "members": list(self.members),
            "positions": [{"post": p.post, "organisation": p.organisation, "start": p.start,
                           "end": p.end, "passage": p.passage.to_json()} for p in self.positions],
            "mentions": [p.to_json() for p in self.mentions],
        }  # fmt: skip

    def sources(self) -> tuple[str, ...]:
        """The documents (blob digests) its passages cite, in order of first citation."""
        cited = [p.source for p in self.mentions] + [p.passage.source for p in self.positions]
        return tuple(dict.fromkeys(cited))


class _Texts:
    """Texts and document names read once per dossier, passages as they may be shown."""

    def __init__(self, archive: Archive, mask: PassageMask | None):
        self._archive = archive
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


def read_dossier(
    archive: Archive,
    entity: str,
    *,
    mask: PassageMask | None = None,
    hidden: frozenset[str] = frozenset(),
) -> Dossier:
    """The dossier of ``entity`` (an id from `entities list`, or a list entry it was linked
    to).

    With ``mask`` (how a published dossier is read), snippets are built from the masked
    text, and a mention or position is left out, with the name it gives, when the mask
    withholds its passage or masks any character of the name (of a position: of the
    sentence stating it, which holds the post and organisation). Whatever was found in
    documents only of the collections ``hidden`` (from the reader) is left out as if it
    were not in the archive, and so are the ids of entities merged into it that only
    those documents name. Raises InputError when nothing names the entity, or nothing
    that names it may be published.
    """
    with archive.query_views() as db:
        decisions = Decisions.read(db)
        wanted = decisions.entity(entity)
        sightings = Sightings(db, hidden)
        texts = _Texts(archive, mask)
        passages = []
        types: Counter[str] = Counter()
        withheld = 0
        seen = {wanted}  # the ids the reader sees named: a hidden one is a hashed name
        for owner, source, mention, text in visible_mentions(db, decisions, sightings):
            if owner != wanted:
                continue
            seen |= {mention.entity(), decisions.moved.get(mention.key(source), wanted)}
            snippet = texts.snippet(source, text, mention.start, mention.end)
            if snippet is None:
                withheld += 1
                continue
            types[mention.type] += 1
            key = mention.key(source)
            status = decisions.status.get(key, "unreviewed")
            passages.append(_passage(sightings, key, status, source, mention, snippet))
        if not passages:
            raise InputError(
                f"everything naming {entity!r} is redacted"
                if withheld
                else f"no entity {entity!r}",
                "see: erfurt entities list",
            )
        positions = []
        for owner, source, claim, text in visible_claims(db, decisions, sightings):
            holder = claim.holder
            if owner != wanted:
                continue
            snippet = texts.snippet(source, text, *claim.passage)
            if snippet is None or texts.snippet(source, text, holder.start, holder.end) is None:
                continue
            key = claim.key(source)
            status = decisions.status.get(key, "unreviewed")
            passage = _passage(sightings, key, status, source, holder, snippet, claim.method)
            positions.append(Position(claim.post, claim.organisation, claim.start_date,
                                      claim.end_date, passage))  # fmt: skip
    names = tuple(dict.fromkeys(p.surface for p in passages))
    return Dossier(
        wanted,
        types.most_common(1)[0][0],
        names,
        tuple(sorted(decisions.members(wanted) & seen if hidden else decisions.members(wanted))),
        tuple(passages),
        tuple(sorted(positions, key=lambda p: (p.start or "9999", p.post))),
    )


def _passage(
    sightings: Sightings,
    key: str,
    status: str,
    source: str,
    mention: Mention,
    snippet: str,
    method: str = "",
) -> Passage:
    first = sightings.first(source)
    return Passage(key, status, source, sightings.name(source), mention.page, snippet,
                   mention.surface, method or mention.method, mention.boxes,
                   first[0] if first else None)  # fmt: skip


def document_records(archive: Archive, sources: Iterable[str]) -> dict[str, int]:
    """The ``document.added`` record of each of ``sources`` (blob digests), the first
    when a file was added more than once. Raises InputError for a source no document
    record cites (the dossier cites a text whose document is not in this archive)."""
    out = {}
    with archive.query_views() as db:
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
