"""The outreach view: calls by keyed hash, outcome counters, calls per registry secret."""

from __future__ import annotations

from erfurt.archive import ALL_BACKENDS, Archive, BlobReader, Record, ViewConnection
from erfurt.outreach.model import CALL_KIND, Call
from erfurt.outreach.stats import (
    OutcomeStats,
    Period,
    count_call,
    create_call_tables,
    query_stats,
)

__all__ = ["OutreachView", "read_stats"]


class OutreachView:
    """Keeps call look-up and outcome counters up to date as ``outreach.call`` is logged."""

    name = "outreach"
    version = 1
    kinds = frozenset({CALL_KIND})
    backends = ALL_BACKENDS

    def create(self, db: ViewConnection) -> None:
        """Create the call and counter tables."""
        create_call_tables(db)

    def apply(self, db: ViewConnection, index: int, record: Record, blobs: BlobReader) -> None:
        """Add one call."""
        count_call(db, index, Call.from_fields(record.fields))


def read_stats(archive: Archive, by: Period = "week") -> OutcomeStats:
    """Call outcomes per week or month (from the view's counters only)."""
    with archive.query_views() as db:
        return query_stats(db, by)
