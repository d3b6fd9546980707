"""What a reader may see of the entities view: mentions after review, each from a document
in a collection the reader may see (a restricted collection hidden from them is treated as
if its documents were not in the archive).

What was found is stored per text, and a text per file, not per copy: a reader from whom
some collection is hidden sees what a run found only when their first visible copy of the
file predates the text that run read. A text made for a hidden copy, read at once through
a copy the reader added later, would tell them that a hidden collection holds the file;
that copy's entities show, as a new file's do, once a run reads the text extracted again
for it (``pending_blobs(resighted=True)``, then ``pending_texts``)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from erfurt.archive import ViewConnection
from erfurt.entities.model import Claim, Mention
from erfurt.entities.review import Decisions

__all__ = ["Sightings", "visible_claims", "visible_mentions"]


class Sightings:
    """The documents (``document.added`` records) of each source blob in the collections
    not ``hidden``; with nothing hidden every source is shown, named or not."""

    def __init__(self, db: ViewConnection, hidden: frozenset[str] = frozenset()) -> None:
        self._db = db
        self._hidden = hidden
        self._first: dict[str, tuple[int, str] | None] = {}
        self._read: dict[str, int] = {}  # the record of the text the latest run read

    def first(self, source: str) -> tuple[int, str] | None:
        """(record, file name) of the first document of ``source`` the reader may see."""
        if source not in self._first:
            rows = self._db.execute(
                "SELECT d.record, d.name, d.collection, r.text_record FROM ent_documents d"
                " LEFT JOIN ent_runs r ON r.source = d.blob WHERE d.blob = ? ORDER BY d.record",
                (source,),
            ).fetchall()
            self._read[source] = -1 if not rows or rows[0][3] is None else int(rows[0][3])
            self._first[source] = next(
                ((int(r), str(n)) for r, n, c, _ in rows if c not in self._hidden), None
            )
        return self._first[source]

    def visible(self, source: str) -> bool:
        """Whether the reader may see what was found in ``source``: with some collection
        hidden, only when their first copy of it predates the text the run read."""
        if not self._hidden:
            return True
        first = self.first(source)
        return first is not None and first[0] < self._read[source]

    def name(self, source: str) -> str:
        """The file name to cite ``source`` by (its digest when no document names it)."""
        first = self.first(source)
        return first[1] if first else source


def visible_mentions(
    db: ViewConnection, decisions: Decisions, sightings: Sightings, source: str = ""
) -> Iterator[tuple[str, str, Mention, str]]:
    """Every mention not rejected, of a source the reader may see (only ``source``'s when
    given): (entity after review, source, mention, text blob)."""
    where, args = ("WHERE source = ?", (source,)) if source else ("", ())
    rows = db.execute(f"SELECT source, text, data FROM ent_mentions {where} ORDER BY seq", args)
    for found, text, data in rows:
        if not sightings.visible(found):
            continue
        mention = Mention.from_json(json.loads(data))
        key = mention.key(found)
        if decisions.status.get(key) != "rejected":
            yield decisions.entity(mention.entity(), key), found, mention, text


def visible_claims(
    db: ViewConnection, decisions: Decisions, sightings: Sightings
) -> Iterator[tuple[str, str, Claim, str]]:
    """Every claim not rejected, of a source the reader may see: (holder's entity after
    review, source, claim, text blob)."""
    for source, text, data in db.execute("SELECT source, text, data FROM ent_claims ORDER BY seq"):
        if not sightings.visible(source):
            continue
        claim = Claim.from_json(json.loads(data))
        holder = claim.holder
        if decisions.status.get(claim.key(source)) != "rejected":
            yield decisions.entity(holder.entity(), holder.key(source)), source, claim, text
