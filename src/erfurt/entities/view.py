"""The ``entities`` view: the latest run's mentions and claims per source, texts and the
documents (names, collections) to cite them by, and every review decision in log order."""

from __future__ import annotations

import json

from erfurt.archive import ALL_BACKENDS, BlobReader, Record, ViewConnection, upsert_sql
from erfurt.entities.model import FOUND_KIND, REVIEW_KIND, Found
from erfurt.entities.review import Decisions

__all__ = ["EntitiesView"]

_TABLES = (
    "CREATE TABLE ent_texts (source TEXT PRIMARY KEY, text TEXT NOT NULL, "
    "record INTEGER NOT NULL, layout TEXT)",
    "CREATE TABLE ent_documents (record INTEGER PRIMARY KEY, blob TEXT NOT NULL, "
    "name TEXT NOT NULL, collection TEXT NOT NULL)",
    "CREATE INDEX ent_documents_blob ON ent_documents (blob)",
    "CREATE TABLE ent_runs (source TEXT PRIMARY KEY, record INTEGER NOT NULL, "
    "text TEXT NOT NULL, found TEXT NOT NULL, extractor_version TEXT NOT NULL, "
    "text_record INTEGER NOT NULL)",
    "CREATE TABLE ent_mentions (seq INTEGER PRIMARY KEY, source TEXT NOT NULL, "
    "text TEXT NOT NULL, data TEXT NOT NULL, entity TEXT NOT NULL)",
    "CREATE INDEX ent_mentions_entity ON ent_mentions (entity)",
    "CREATE INDEX ent_mentions_source ON ent_mentions (source)",
    "CREATE TABLE ent_claims (seq INTEGER PRIMARY KEY, source TEXT NOT NULL, "
    "text TEXT NOT NULL, data TEXT NOT NULL, holder TEXT NOT NULL)",
    "CREATE INDEX ent_claims_source ON ent_claims (source)",
    "CREATE TABLE ent_reviews (record INTEGER PRIMARY KEY, action TEXT NOT NULL, "
    "target TEXT NOT NULL, other TEXT NOT NULL, reviewer TEXT NOT NULL, "
    "reason TEXT NOT NULL, time TEXT NOT NULL)",
)


_UPSERT_TEXT = upsert_sql("ent_texts", ("source", "text", "record", "layout"), ("source",))
_UPSERT_RUN = upsert_sql(
    "ent_runs",
    ("source", "record", "text", "found", "extractor_version", "text_record"),
    ("source",),
)


_PER_RECORD = 2**24  # rows one record may add: extraction keeps at most MAX_MENTIONS


def _log_order(index: int, position: int) -> int:
    """The ``seq`` of the ``position``-th mention or claim of record ``index``: rows in
    the order the log found them (SQLite keeps its rows in this order, as its rowid)."""
    return index * _PER_RECORD + position


class EntitiesView:
    """Replays ``entities.found`` (a newer run of a source replaces its rows here; the log
    keeps both), ``entity.reviewed``, and the texts and names the citations need."""

    name = "entities"
    # 2: ent_texts.layout (the OCR layout mentions take their boxes from), and every
    # sighting of a document with its collection (who may see a mention); 3: mentions and
    # claims numbered in log order (`seq`), which readers order by on both backends; 4:
    # ent_runs.text_record, the text a run read (who may see what it found: visible.py)
    version = 4
    kinds = frozenset({FOUND_KIND, REVIEW_KIND, "text.extracted", "document.added"})
    subject_kinds = frozenset({REVIEW_KIND})
    backends = ALL_BACKENDS
    deferred_indexes = frozenset({"ent_documents_blob"})  # no apply reads them: made after a load

    def create(self, db: ViewConnection) -> None:
        """Create the view's tables."""
        for statement in _TABLES:
            db.execute(statement)

    def apply(self, db: ViewConnection, index: int, record: Record, blobs: BlobReader) -> None:
        """Apply one record."""
        fields = record.fields
        if record.kind == "document.added":
            db.execute("INSERT INTO ent_documents VALUES (?, ?, ?, ?)",
                       (index, fields["blob"], fields["name"], fields["collection"]))  # fmt: skip
        elif record.kind == "text.extracted":
            db.execute(_UPSERT_TEXT,
                       (fields["source"], fields["text"], index, fields.get("layout")))  # fmt: skip
        elif record.kind == REVIEW_KIND:
            db.execute(
                "INSERT INTO ent_reviews VALUES (?, ?, ?, ?, ?, ?, ?)",
                (index, fields["action"], fields["target"], fields.get("other", ""),
                 fields["who"], fields["reason"], fields["time"]),
            )  # fmt: skip
        else:
            self._found(db, index, record, blobs)

    def subject_sources(self, db: ViewConnection, record: Record) -> list[set[str]]:
        """The blobs behind each entity a merge or link names (a list entry a link names
        is public: not asked), so one known only from sealed documents seals it."""
        action = record.get("action")
        if record.kind != REVIEW_KIND or action not in ("merge", "link"):
            return []
        named = [record["target"], record["other"]] if action == "merge" else [record["target"]]
        decisions = Decisions.read(db)
        return [decisions.sources(db, str(entity)) for entity in named]

    def _found(self, db: ViewConnection, index: int, record: Record, blobs: BlobReader) -> None:
        source, text = str(record["source"]), str(record["text"])
        found = Found.from_bytes(blobs.read_blob(str(record["found"])))
        db.execute("DELETE FROM ent_mentions WHERE source = ?", (source,))
        db.execute("DELETE FROM ent_claims WHERE source = ?", (source,))
        read = db.execute(
            "SELECT record FROM ent_texts WHERE source = ? AND text = ?", (source, text)
        ).fetchone()
        # -1 when a newer text replaced it meanwhile: no copy predates it (visible.py),
        # and the newer text is still to read (run.py)
        text_record = -1 if read is None else int(read[0])
        db.execute(
            _UPSERT_RUN,
            (source, index, text, record["found"], record["extractor_version"], text_record),
        )
        db.executemany(
            "INSERT INTO ent_mentions VALUES (?, ?, ?, ?, ?)",
            ((_log_order(index, i), source, text, json.dumps(m.to_json(), ensure_ascii=False),
              m.entity()) for i, m in enumerate(found.mentions)),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO ent_claims VALUES (?, ?, ?, ?, ?)",
            ((_log_order(index, i), source, text, json.dumps(c.to_json(), ensure_ascii=False),
              c.holder.entity()) for i, c in enumerate(found.claims)),
        )  # fmt: skip
