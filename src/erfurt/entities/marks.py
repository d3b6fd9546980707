"""The mentions of one text as a document viewer marks them: every person and organisation
named in it, after review, each with the entity whose dossier it belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from erfurt.archive import Archive
from erfurt.entities.model import EntityType
from erfurt.entities.review import Decisions
from erfurt.entities.visible import Sightings, visible_mentions

__all__ = ["MARKED_TYPES", "MarkedMention", "marked_mentions"]

MARKED_TYPES: frozenset[EntityType] = frozenset({"person", "organisation"})
"""What a viewer marks: places are found too, but a dossier is about who acted."""


@dataclass(frozen=True, slots=True)
class MarkedMention:
    """A name to mark: characters ``start``-``end`` of ``page`` (offsets within the page,
    pages split at form feeds), the entity it names after review, and the review key and
    status of the mention."""

    page: int
    start: int
    end: int
    entity: str
    type: EntityType
    surface: str
    key: str
    status: str  # "accepted" or "unreviewed": rejected mentions are not marked

    def to_json(self) -> dict[str, Any]:
        """The mark as the document page's JSON gives it."""
        return {"page": self.page, "start": self.start, "end": self.end,
                "entity": self.entity, "type": self.type, "surface": self.surface,
                "key": self.key, "status": self.status}  # fmt: skip


def marked_mentions(
    archive: Archive,
    source: str,
    text: str,
    pages: tuple[str, ...],
    *,
    hidden: frozenset[str] = frozenset(),
) -> tuple[MarkedMention, ...]:
    """The persons and organisations to mark in ``pages``, the text blob ``text`` of the
    document blob ``source`` split at form feeds, in text order.

    Nothing is marked when the latest entities run over ``source`` read another text than
    ``text`` (its offsets would point at the wrong characters), nor when every document of
    ``source`` is in a collection ``hidden`` from the reader. A mention whose span does not
    hold its name on its page is left out.
    """
    starts = [0]
    for page in pages:
        starts.append(starts[-1] + len(page) + 1)  # +1: the form feed between pages
    marks = []
    with archive.query_views() as db:
        decisions = Decisions.read(db)
        sightings = Sightings(db, hidden)
        for entity, _, mention, read in visible_mentions(db, decisions, sightings, source):
            if read != text or mention.type not in MARKED_TYPES:
                continue
            if not 1 <= mention.page <= len(pages):
                continue
            base = starts[mention.page - 1]
            start, end = mention.start - base, mention.end - base
            if start < 0 or pages[mention.page - 1][start:end] != mention.surface:
                continue
            key = mention.key(source)
            status = decisions.status.get(key, "unreviewed")
            marks.append(MarkedMention(mention.page, start, end, entity, mention.type,
                                       mention.surface, key, status))  # fmt: skip
    return tuple(sorted(marks, key=lambda m: (m.page, m.start)))
