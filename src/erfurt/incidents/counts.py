"""Counts people read: incidents and people harmed grouped by place, region, period, unit.

Each row names its key, so the incidents behind any bar are a query away
(``erfurt incidents list --query 'place=Berlin'``). Incidents dated only "before" a day
have no month or year to group by: they appear under key None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from erfurt.archive import Archive
from erfurt.incidents.query import Query

__all__ = ["GROUPINGS", "CountRow", "Grouping", "count_incidents"]

Grouping = Literal["place", "region", "kind", "month", "year", "responsible"]
GROUPINGS: tuple[Grouping, ...] = ("place", "region", "kind", "month", "year", "responsible")
_KEYS: dict[str, str] = {
    "place": "place",
    "region": "region",
    "kind": "kind",
    "month": "nullif(substr(first, 1, 7), '')",
    "year": "nullif(substr(first, 1, 4), '')",
    "responsible": "r.name",
}


@dataclass(frozen=True, slots=True)
class CountRow:
    """One group: its key, how many incidents, and the lowest and highest count harmed."""

    key: str | None
    incidents: int
    low: int
    high: int


def count_incidents(archive: Archive, by: Grouping, query: Query | None = None) -> list[CountRow]:
    """Counted incidents (merged duplicates left out) matching ``query``, grouped ``by``.

    By responsible, an incident with several units counts once under each.
    """
    where, params = (query or Query()).where()
    join = (
        " JOIN incidents_responsible r ON r.id = incidents_incident.id"
        if by == "responsible"
        else ""
    )
    key = _KEYS[by]  # written out: PostgreSQL takes an alias only as a whole ORDER BY term
    with archive.query_views() as db:
        rows = db.execute(
            f"SELECT {key} AS k, count(*), sum(low), sum(high) FROM incidents_incident"
            f"{join} WHERE {where} GROUP BY {key} ORDER BY {key} IS NULL, k",
            params,
        ).fetchall()
    return [CountRow(k, int(n), int(lo), int(hi)) for k, n, lo, hi in rows]
