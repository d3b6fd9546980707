"""The ``redactions`` view: which redaction applies to each original, latest first."""

from __future__ import annotations

import json
from dataclasses import dataclass

from erfurt.archive import ALL_BACKENDS, BlobReader, Record, ViewConnection
from erfurt.redaction.marks import Region, Span

__all__ = ["REDACTION_KIND", "Redaction", "RedactionsView", "latest_redaction", "redactions"]

REDACTION_KIND = "redaction.marked"


@dataclass(frozen=True, slots=True)
class Redaction:
    """One ``redaction.marked`` record, as the view keeps it."""

    record: int
    original: str
    text_record: int | None
    spans: tuple[Span, ...]
    regions: tuple[Region, ...]
    redacted: str | None
    redacted_text: str
    reason: str
    who: str
    time: str

    def to_json(self) -> dict[str, object]:
        """The redaction as JSON (``erfurt redactions list --json``): never the text removed."""
        return {
            "record": self.record,
            "original": self.original,
            "text_record": self.text_record,
            "spans": [[s.start, s.end] for s in self.spans],
            "regions": [r.to_json() for r in self.regions],
            "redacted": self.redacted,
            "redacted_text": self.redacted_text,
            "reason": self.reason,
            "who": self.who,
            "time": self.time,
        }


class RedactionsView:
    """``redactions(record, original, text_record, spans, regions, ...)``, one row a record.

    A later redaction of the same original supersedes the earlier ones: each is made on
    the whole of what is to be hidden (``erfurt redact`` adds the earlier marks to it).
    """

    name = "redactions"
    version = 1
    kinds = frozenset({REDACTION_KIND})
    backends = ALL_BACKENDS
    deferred_indexes = frozenset({"redactions_original"})  # no apply reads them: made after a load

    def create(self, db: ViewConnection) -> None:
        """Create the table, indexed by original."""
        db.execute(
            "CREATE TABLE redactions (record INTEGER PRIMARY KEY, original TEXT NOT NULL, "
            "text_record INTEGER, spans TEXT NOT NULL, regions TEXT NOT NULL, redacted TEXT, "
            "redacted_text TEXT NOT NULL, reason TEXT NOT NULL, who TEXT NOT NULL, "
            "time TEXT NOT NULL)"
        )
        db.execute("CREATE INDEX redactions_original ON redactions (original, record)")

    def apply(self, db: ViewConnection, index: int, record: Record, blobs: BlobReader) -> None:
        """Keep one redaction record."""
        db.execute(
            "INSERT INTO redactions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                index,
                record["original"],
                record.get("text_record"),
                json.dumps(record["spans"]),
                json.dumps(record["regions"]),
                record.get("redacted"),
                record["redacted_text"],
                record["reason"],
                record["who"],
                record["time"],
            ),
        )


_COLUMNS = (
    "record, original, text_record, spans, regions, redacted, redacted_text, reason, who, time"
)


def _row(row: tuple[object, ...]) -> Redaction:
    spans = json.loads(str(row[3]))
    regions = json.loads(str(row[4]))
    return Redaction(
        record=int(str(row[0])),
        original=str(row[1]),
        text_record=None if row[2] is None else int(str(row[2])),
        spans=tuple(Span(int(a), int(b)) for a, b in spans),
        regions=tuple(Region(*(int(v) for v in r)) for r in regions),
        redacted=None if row[5] is None else str(row[5]),
        redacted_text=str(row[6]),
        reason=str(row[7]),
        who=str(row[8]),
        time=str(row[9]),
    )


def latest_redaction(db: ViewConnection, original: str) -> Redaction | None:
    """The redaction in force for blob ``original``, if any."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM redactions WHERE original = ? ORDER BY record DESC LIMIT 1",
        (original,),
    ).fetchone()
    return None if row is None else _row(row)


def redactions(db: ViewConnection, original: str | None = None) -> list[Redaction]:
    """Every redaction (of ``original`` only, when given), in log order."""
    where, params = ("WHERE original = ?", (original,)) if original else ("", ())
    rows = db.execute(f"SELECT {_COLUMNS} FROM redactions {where} ORDER BY record", params)
    return [_row(row) for row in rows]
