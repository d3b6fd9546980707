"""The incidents view: each incident's current version, its sources, figures published.

Sources are the documents behind the text records an incident cites; a document marked a
copy counts as the one it copies, and a merged duplicate's sources count for the incident
it was merged into (which alone is counted). A mark or merge refreshes only the incidents
it touches, so applying a record stays cheap as the view grows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from erfurt.archive import ALL_BACKENDS, Archive, BlobReader, Record, ViewConnection, upsert_sql
from erfurt.incidents.model import INCIDENT_KINDS, Incident, copy_root, status_of
from erfurt.incidents.query import Query

__all__ = [
    "COPIED",
    "FIGURE_DEFINED",
    "FIGURE_PUBLISHED",
    "MERGED",
    "PUBLISHABLE",
    "TEXT",
    "IncidentRow",
    "IncidentsView",
    "original_in_view",
    "read_incidents",
]

MERGED, COPIED, PUBLISHABLE = "incident.merged", "source.copied", "name.publishable"
FIGURE_DEFINED, FIGURE_PUBLISHED = "figure.defined", "figure.published"
TEXT = "text.extracted"

_COVERED = "first, last, place, region, status, low, high, merged_into"
_TABLES = (
    "CREATE TABLE IF NOT EXISTS incidents_incident (id TEXT PRIMARY KEY, record INTEGER NOT"
    " NULL, kind TEXT NOT NULL, first TEXT NOT NULL, last TEXT NOT NULL, place TEXT NOT NULL,"
    " region TEXT, low INTEGER NOT NULL, high INTEGER NOT NULL, conflict INTEGER NOT NULL,"
    " sources INTEGER NOT NULL, status TEXT NOT NULL, merged_into TEXT, key TEXT, row TEXT)",
    "CREATE INDEX IF NOT EXISTS incidents_by_key ON incidents_incident (key)",
    # Partial indexes: "merged_into IS NULL" (every figure's filter) would otherwise pick the
    # merge index and sort; the counted ones cover every filter column, by id and by kind.
    "CREATE INDEX IF NOT EXISTS incidents_by_merge ON incidents_incident (merged_into)"
    " WHERE merged_into IS NOT NULL",
    f"CREATE INDEX IF NOT EXISTS incidents_counted ON incidents_incident (id, kind, {_COVERED})"
    " WHERE merged_into IS NULL",
    f"CREATE INDEX IF NOT EXISTS incidents_counted_by_kind ON incidents_incident (kind, id,"
    f" {_COVERED}) WHERE merged_into IS NULL",
    "CREATE TABLE IF NOT EXISTS incidents_version (id TEXT NOT NULL, record INTEGER NOT NULL,"
    " PRIMARY KEY (id, record)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS incidents_responsible (name TEXT NOT NULL, id TEXT NOT NULL,"
    " entity TEXT, PRIMARY KEY (name, id)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS incidents_responsible_by_entity ON incidents_responsible"
    " (entity) WHERE entity IS NOT NULL",
    # A new version of an incident replaces its rows here and in incidents_sealed by id:
    # without these, each import scanned every incident's rows (quadratic in the view).
    "CREATE INDEX IF NOT EXISTS incidents_responsible_by_id ON incidents_responsible (id)",
    "CREATE TABLE IF NOT EXISTS incidents_cited (blob TEXT NOT NULL, id TEXT NOT NULL,"
    " PRIMARY KEY (blob, id)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS incidents_cited_by_id ON incidents_cited (id)",
    "CREATE TABLE IF NOT EXISTS incidents_text (record INTEGER PRIMARY KEY, source TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS incidents_copy (copy TEXT PRIMARY KEY, original TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS incidents_copy_by_original ON incidents_copy (original)",
    "CREATE TABLE IF NOT EXISTS incidents_sealed (ref TEXT NOT NULL, id TEXT NOT NULL,"
    " role TEXT NOT NULL, PRIMARY KEY (ref, id, role)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS incidents_sealed_by_id ON incidents_sealed (id)",
    "CREATE TABLE IF NOT EXISTS incidents_name (ref TEXT PRIMARY KEY, name TEXT NOT NULL,"
    " reason TEXT NOT NULL, record INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS incidents_figure (name TEXT PRIMARY KEY, definition INTEGER"
    " NOT NULL, measure TEXT NOT NULL, filters TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS incidents_published (record INTEGER PRIMARY KEY, name TEXT NOT"
    " NULL, log_size INTEGER NOT NULL, low INTEGER NOT NULL, high INTEGER NOT NULL,"
    " incidents INTEGER NOT NULL, digest TEXT NOT NULL)",
)


def original_in_view(db: ViewConnection, blob: str) -> str | None:
    """The document ``blob`` is marked a copy of, if any."""
    row = db.execute("SELECT original FROM incidents_copy WHERE copy = ?", (blob,)).fetchone()
    return None if row is None else str(row[0])


class IncidentsView:
    """Keeps incidents, their independent sources and status, and figures up to date."""

    name = "incidents"
    version = 3
    kinds = frozenset(
        {*INCIDENT_KINDS, MERGED, COPIED, PUBLISHABLE, FIGURE_DEFINED, FIGURE_PUBLISHED, TEXT}
    )
    backends = ALL_BACKENDS

    def create(self, db: ViewConnection) -> None:
        """Create the view's tables."""
        for statement in _TABLES:
            db.execute(statement)

    def apply(self, db: ViewConnection, index: int, record: Record, blobs: BlobReader) -> None:
        """Apply one record."""
        if record.kind == TEXT:
            db.execute(
                "INSERT OR IGNORE INTO incidents_text VALUES (?, ?)", (index, record["source"])
            )
        elif record.kind in INCIDENT_KINDS:
            self._version(db, index, Incident.from_fields(record.fields, f"record {index}"))
        elif record.kind == MERGED:
            duplicate, into = str(record["duplicate"]), str(record["into"])
            db.execute(
                "UPDATE incidents_incident SET merged_into = ? WHERE id = ? OR merged_into = ?",
                (into, duplicate, duplicate),
            )
            _refresh(db, into)
        elif record.kind == COPIED:
            db.execute(
                "INSERT OR IGNORE INTO incidents_copy VALUES (?, ?)",
                (record["copy"], record["original"]),
            )
            _refresh_copies_of(db, str(record["copy"]))
        elif record.kind == PUBLISHABLE:
            db.execute(
                upsert_sql("incidents_name", ("ref", "name", "reason", "record"), ("ref",)),
                (record["ref"], record["name"], record["reason"], index),
            )
        elif record.kind == FIGURE_DEFINED:
            db.execute(
                upsert_sql(
                    "incidents_figure", ("name", "definition", "measure", "filters"), ("name",)
                ),
                (record["name"], index, record["measure"], json.dumps(record["filters"])),
            )
        elif record.kind == FIGURE_PUBLISHED:
            db.execute(
                "INSERT INTO incidents_published VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    index,
                    *(
                        record[f]
                        for f in ("name", "log_size", "low", "high", "incidents", "digest")
                    ),
                ),
            )

    def _version(self, db: ViewConnection, index: int, incident: Incident) -> None:
        low, high = incident.harmed_range
        db.execute(
            "INSERT INTO incidents_incident"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', NULL, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET record = excluded.record, kind = excluded.kind,"
            " first = excluded.first, last = excluded.last, place = excluded.place,"
            " region = excluded.region, low = excluded.low, high = excluded.high,"
            " conflict = excluded.conflict, key = excluded.key, row = excluded.row",
            (
                incident.id,
                index,
                incident.kind.value,
                incident.first,
                incident.last,
                incident.place.value,
                incident.region,
                low,
                high,
                int(incident.conflict),
                incident.key,
                incident.row,
            ),
        )
        db.execute("INSERT OR IGNORE INTO incidents_version VALUES (?, ?)", (incident.id, index))
        db.execute("DELETE FROM incidents_responsible WHERE id = ?", (incident.id,))
        db.executemany(
            "INSERT OR IGNORE INTO incidents_responsible VALUES (?, ?, ?)",
            [(r.value, incident.id, r.entity) for r in incident.responsible],
        )
        db.execute("DELETE FROM incidents_sealed WHERE id = ?", (incident.id,))
        db.executemany(
            "INSERT OR IGNORE INTO incidents_sealed VALUES (?, ?, ?)",
            [(n.ref, incident.id, n.role) for n in incident.names],
        )
        db.execute("DELETE FROM incidents_cited WHERE id = ?", (incident.id,))
        records = sorted(incident.cited_records())
        db.executemany(
            "INSERT OR IGNORE INTO incidents_cited"
            " SELECT source, CAST(? AS TEXT) FROM incidents_text WHERE record = ?",
            [(incident.id, r) for r in records],
        )
        (merged_into,) = db.execute(
            "SELECT merged_into FROM incidents_incident WHERE id = ?", (incident.id,)
        ).fetchone()
        _refresh(db, merged_into or incident.id)


def _refresh(db: ViewConnection, group: str) -> None:
    """Recount the independent sources of incident ``group`` (with what was merged into it)."""
    cited = db.execute(
        "SELECT blob FROM incidents_cited WHERE id = ? UNION SELECT c.blob FROM"
        " incidents_incident i JOIN incidents_cited c ON c.id = i.id WHERE i.merged_into = ?",
        (group, group),
    ).fetchall()
    sources = len({copy_root(str(b), lambda x: original_in_view(db, x)) for (b,) in cited})
    row = db.execute("SELECT conflict FROM incidents_incident WHERE id = ?", (group,)).fetchone()
    if row is not None:
        db.execute(
            "UPDATE incidents_incident SET sources = ?, status = ? WHERE id = ?",
            (sources, status_of(bool(row[0]), sources), group),
        )


def _refresh_copies_of(db: ViewConnection, copy: str) -> None:
    """Recount every incident citing ``copy`` or a document that copies it (transitively)."""
    affected, frontier = {copy}, [copy]
    while frontier:
        for (blob,) in db.execute(
            "SELECT copy FROM incidents_copy WHERE original = ?", (frontier.pop(),)
        ).fetchall():
            if blob not in affected:
                affected.add(blob)
                frontier.append(blob)
    groups: set[str] = set()
    for blob in affected:
        groups.update(
            str(g)
            for (g,) in db.execute(
                "SELECT coalesce(i.merged_into, i.id) FROM incidents_cited c"
                " JOIN incidents_incident i ON i.id = c.id WHERE c.blob = ?",
                (blob,),
            )
        )
    for group in sorted(groups):
        _refresh(db, group)


@dataclass(frozen=True, slots=True)
class IncidentRow:
    """An incident as the view holds it: its current version and what was derived."""

    id: str
    record: int
    kind: str
    first: str
    last: str
    place: str
    region: str | None
    low: int
    high: int
    sources: int
    status: str
    merged_into: str | None


_NO_LIMIT = 2**63 - 1  # both backends' largest LIMIT: SQLite's -1 is not PostgreSQL's


def read_incidents(
    archive: Archive,
    query: Query | None = None,
    *,
    incident: str | None = None,
    limit: int = -1,
    offset: int = 0,
) -> list[IncidentRow]:
    """The incidents ``query`` counts (by id), or the one named ``incident`` (merged or not);
    ``limit`` of them (-1: all) after the first ``offset``."""
    where, params = ("id = ?", [incident]) if incident is not None else (query or Query()).where()
    with archive.query_views() as db:
        rows = db.execute(
            "SELECT id, record, kind, first, last, place, region, low, high, sources, status,"
            f" merged_into FROM incidents_incident WHERE {where} ORDER BY id LIMIT ? OFFSET ?",
            [*params, limit if limit >= 0 else _NO_LIMIT, offset],
        ).fetchall()
    return [IncidentRow(*row) for row in rows]
