"""Incidents folded from log records alone, in memory: what audits recompute figures from.

The same rules as the view (:mod:`erfurt.incidents.view`), applied to records read from a
log (an archive's, or a published folder with no archive around it), so a figure can be
recomputed by anyone holding the log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from erfurt.archive import Record
from erfurt.incidents.model import INCIDENT_KINDS, Incident, copy_root, status_of
from erfurt.incidents.query import Measure, Query, Summary
from erfurt.incidents.view import COPIED, MERGED, TEXT

__all__ = ["BOOK_KINDS", "FigureValue", "IncidentBook", "figure_value"]

BOOK_KINDS = frozenset({*INCIDENT_KINDS, MERGED, COPIED, TEXT})


@dataclass(frozen=True, slots=True)
class FigureValue:
    """A figure: its lowest and highest value, and the incidents behind it.

    The ids are kept as one string, sorted and one per line (what the digest is over), so
    a figure over a million incidents holds one string rather than a million.
    """

    low: int
    high: int
    joined_ids: str

    @property
    def count(self) -> int:
        """How many incidents are behind the figure."""
        return self.joined_ids.count("\n") + 1 if self.joined_ids else 0

    @property
    def incidents(self) -> tuple[str, ...]:
        """The ids of the incidents behind the figure, sorted."""
        return tuple(self.joined_ids.split("\n")) if self.joined_ids else ()

    @property
    def digest(self) -> str:
        """SHA-256 (hex) of the sorted incident ids, one per line: what a publication commits to."""
        return hashlib.sha256(self.joined_ids.encode()).hexdigest()


def figure_value(rows: Iterable[tuple[str, int, int]], measure: Measure) -> FigureValue:
    """The figure over ``(id, low, high)`` rows sorted by id: a count of incidents, or the
    sums of the lowest and of the highest counts of people harmed."""
    ids, low, high = [], 0, 0
    for incident, lowest, highest in rows:
        ids.append(incident)
        low, high = low + lowest, high + highest
    if measure == "incidents":
        low = high = len(ids)
    return FigureValue(low, high, "\n".join(ids))


@dataclass(frozen=True, slots=True)
class _Held:
    summary: Summary  # status left empty: it depends on the sources at figure time
    conflict: bool
    cited: frozenset[str]


class IncidentBook:
    """Incidents, merges, copy marks and text records, applied in log order."""

    def __init__(self) -> None:
        self._texts: dict[int, str] = {}
        self._incidents: dict[str, _Held] = {}
        self._merged_into: dict[str, str] = {}
        self._copies: dict[str, str] = {}

    def apply(self, index: int, record: Record) -> None:
        """Apply one record of a :data:`BOOK_KINDS` kind (others are ignored)."""
        if record.kind == TEXT:
            self._texts.setdefault(index, str(record["source"]))
        elif record.kind in INCIDENT_KINDS:
            incident = Incident.from_fields(record.fields, f"record {index}")
            low, high = incident.harmed_range
            summary = Summary(
                incident.id,
                incident.kind.value,
                incident.first,
                incident.last,
                incident.place.value,
                incident.region,
                low,
                high,
                "",
                frozenset(r.value for r in incident.responsible),
                frozenset(r.entity for r in incident.responsible if r.entity is not None),
            )
            cited = frozenset(self._texts[r] for r in incident.cited_records() if r in self._texts)
            self._incidents[incident.id] = _Held(summary, incident.conflict, cited)
        elif record.kind == MERGED:
            duplicate, into = str(record["duplicate"]), str(record["into"])
            if duplicate in self._incidents:
                self._merged_into[duplicate] = into
            for other, target in list(self._merged_into.items()):
                if target == duplicate:
                    self._merged_into[other] = into
        elif record.kind == COPIED:
            self._copies.setdefault(str(record["copy"]), str(record["original"]))

    def summaries(self) -> Iterator[Summary]:
        """Every counted incident (merged duplicates left out), by id, with its status."""
        merged: dict[str, set[str]] = {}
        for duplicate, into in self._merged_into.items():
            merged.setdefault(into, set()).update(self._incidents[duplicate].cited)
        for incident in sorted(self._incidents):
            if incident in self._merged_into:
                continue
            held = self._incidents[incident]
            cited = held.cited | merged.get(incident, set())
            sources = len({copy_root(b, self._copies.get) for b in cited})
            yield replace(held.summary, status=status_of(held.conflict, sources))

    def figure(self, query: Query) -> FigureValue:
        """The figure ``query`` defines, over the records applied so far."""
        return figure_value(
            ((s.id, s.low, s.high) for s in self.summaries() if query.matches(s)), query.measure
        )
