"""The extractions view: for each blob, its latest text or its latest failure."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass

from erfurt.archive import (
    ALL_BACKENDS,
    Archive,
    BlobReader,
    Record,
    ViewConnection,
    dialect_of,
    upsert_sql,
)

__all__ = [
    "LOW_CONFIDENCE",
    "ExtractionsView",
    "Failure",
    "LowConfidence",
    "any_pending",
    "failures",
    "low_confidence",
    "pending_blobs",
]


LOW_CONFIDENCE = 90
"""OCR pages under this confidence (0-100) are worth a person's look: on the dev half of
the OCR evaluation, pages under it had the high error rates (docs/performance.md)."""


_COLUMNS = (
    "source",
    "record",
    "ok",
    "extractor",
    "extractor_version",
    "media_type",
    "text",
    "layout",
    "pages",
    "chars",
    "reason",
    "hint",
    "warnings",
    "ocr_confidence",
)
_UPSERT = upsert_sql("extractions", _COLUMNS, ("source",))
_FIRST_DOCUMENT = (
    "d.record = (SELECT MIN(f.record) FROM documents f WHERE f.blob = {blob}"
    " AND (CAST(? AS TEXT) IS NULL OR f.collection = ?))"
)
"""The first document (in log order) holding a blob, in a collection if one is given."""
_RESIGHTED = (
    "EXISTS (SELECT 1 FROM documents s WHERE s.blob = d.blob AND s.record > e.record"
    " AND NOT EXISTS (SELECT 1 FROM documents p WHERE p.blob = d.blob"
    " AND p.record < e.record AND p.collection = s.collection))"
)
"""A blob (``d.blob``, its latest extraction ``e``) seen since that extraction in a
collection that held no copy of it then: its text was made for copies another reader
of that collection may not see."""


class ExtractionsView:
    """``extractions``: one row per source blob, from its latest extraction record."""

    name = "extractions"
    version = 2
    kinds = frozenset({"text.extracted", "extraction.failed"})
    backends = ALL_BACKENDS
    deferred_indexes = frozenset(
        {"extractions_by_outcome"}
    )  # no apply reads them: made after a load

    def create(self, db: ViewConnection) -> None:
        """Create the table."""
        db.execute(
            "CREATE TABLE extractions (source TEXT PRIMARY KEY, record INTEGER NOT NULL, "
            "ok INTEGER NOT NULL, extractor TEXT NOT NULL, extractor_version TEXT NOT NULL, "
            "media_type TEXT NOT NULL, text TEXT, layout TEXT, pages INTEGER NOT NULL, "
            "chars INTEGER NOT NULL, reason TEXT NOT NULL, hint TEXT NOT NULL, "
            "warnings TEXT NOT NULL, ocr_confidence TEXT)"
        )
        db.execute("CREATE INDEX extractions_by_outcome ON extractions (ok, extractor)")

    def apply(self, db: ViewConnection, index: int, record: Record, blobs: BlobReader) -> None:
        """Record the latest outcome for the record's source blob."""
        ok = record.kind == "text.extracted"
        db.execute(
            _UPSERT,
            (
                record["source"],
                index,
                int(ok),
                record["extractor"],
                record["extractor_version"],
                record["media_type"],
                record.get("text"),
                record.get("layout"),
                record.get("pages", 0),
                record.get("chars", 0),
                record.get("reason", ""),
                record.get("hint", ""),
                json.dumps(record.get("warnings", []), ensure_ascii=False),
                json.dumps(record.get("ocr_confidence")) if record.get("ocr_confidence") else None,
            ),
        )


@dataclass(frozen=True, slots=True)
class Failure:
    """A blob whose latest extraction failed, with one document that holds it."""

    record: int
    document: int
    name: str
    collection: str
    source: str
    extractor: str
    reason: str
    hint: str


def failures(db: ViewConnection, collection: str | None = None) -> list[Failure]:
    """Every blob whose latest extraction failed, in log order."""
    rows = db.execute(
        "SELECT e.record, d.record, d.name, d.collection, e.source, e.extractor, e.reason,"
        " e.hint FROM extractions e JOIN documents d ON "
        + _FIRST_DOCUMENT.format(blob="e.source")
        + " WHERE e.ok = 0 ORDER BY e.record",
        (collection, collection),
    ).fetchall()
    return [Failure(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class LowConfidence:
    """A blob whose latest text has OCR pages read with low confidence, with one document
    that holds it; ``pages`` (page number from 1, confidence 0-100)."""

    record: int
    document: int
    name: str
    collection: str
    source: str
    pages: tuple[tuple[int, int], ...]


def low_confidence(
    db: ViewConnection, below: int, collection: str | None = None
) -> list[LowConfidence]:
    """Every blob whose latest text has OCR pages of confidence under ``below``, in log order."""
    rows = db.execute(
        "SELECT e.record, d.record, d.name, d.collection, e.source, e.ocr_confidence"
        " FROM extractions e JOIN documents d ON "
        + _FIRST_DOCUMENT.format(blob="e.source")
        + " WHERE e.ok = 1 AND e.ocr_confidence IS NOT NULL ORDER BY e.record",
        (collection, collection),
    ).fetchall()
    found = []
    for record, document, name, coll, source, confidence in rows:
        pages = tuple(
            (number, value)
            for number, value in enumerate(json.loads(confidence), 1)
            if value is not None and value < below
        )
        if pages:
            found.append(LowConfidence(record, document, name, coll, source, pages))
    return found


def pending_blobs(
    db: ViewConnection,
    *,
    retry_failed: bool,
    collection: str | None = None,
    extractor: str | None = None,
    only: Collection[str] | None = None,
    after: int = -1,
    limit: int = -1,
    resighted: bool = False,
) -> list[tuple[int, str, str, str, int]]:
    """Blobs to extract, as (first document record, blob, name, collection, size), in log order.

    Blobs never extracted; with ``retry_failed``, also those whose latest attempt failed
    (among the blobs ``only`` names, when given); with ``extractor``, instead those whose
    latest text came from an extractor whose name contains it (re-extraction); with
    ``resighted``, also blobs added to a new collection since their latest extraction
    (see :data:`_RESIGHTED`; among the blobs ``only`` names, when given), so that copy
    gets text of its own: until then search holds its hits back from whoever may not see
    the copies the text was made for (``erfurt.search.find``). Only blobs
    first logged after record ``after``, and at most ``limit`` of them (-1: all), so
    that a long list can be read a page at a time.
    """
    sqlite = dialect_of(db) == "sqlite"
    # One JSON parameter, so any number of blobs fits in the query.
    listed = (
        "SELECT value FROM json_each(?)"
        if sqlite
        else "SELECT jsonb_array_elements_text(CAST(? AS jsonb))"
    )
    if extractor is not None:
        contains = "instr(e.extractor, ?) > 0" if sqlite else "strpos(e.extractor, ?) > 0"
        condition = f"e.ok = 1 AND {contains}"
        params: tuple[object, ...] = (extractor,)
    elif retry_failed and only is not None:
        condition = f"e.source IS NULL OR (e.ok = 0 AND d.blob IN ({listed}))"
        params = (json.dumps(sorted(only)),)
    else:
        condition = "e.source IS NULL" + (" OR e.ok = 0" if retry_failed else "")
        params = ()
    if resighted and extractor is None:
        among = "" if only is None else f" AND d.blob IN ({listed})"
        condition = f"{condition} OR (e.source IS NOT NULL{among} AND {_RESIGHTED})"
        params += () if only is None else (json.dumps(sorted(only)),)
    rows = db.execute(
        "SELECT d.record, d.blob, d.name, d.collection, d.size FROM documents d"
        " LEFT JOIN extractions e ON e.source = d.blob"
        f" WHERE ({condition}) AND "
        + _FIRST_DOCUMENT.format(blob="d.blob")
        + " AND d.record > ? ORDER BY d.record LIMIT ?",
        (*params, collection, collection, after, limit if limit >= 0 or sqlite else None),
    ).fetchall()
    return [(int(r[0]), str(r[1]), str(r[2]), str(r[3]), int(r[4])) for r in rows]


def any_pending(archive: Archive, *, resighted: bool = False) -> bool:
    """Whether any preserved file waits for its first extraction (or, with
    ``resighted``, for one of its copy in a new collection: see :func:`pending_blobs`)."""
    with archive.query_views() as db:
        return bool(pending_blobs(db, retry_failed=False, limit=1, resighted=resighted))
