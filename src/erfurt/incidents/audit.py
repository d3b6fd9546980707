"""Auditing published figures: recompute each from the log alone and compare.

One pass over the log folds incidents in order; a ``figure.published`` record is checked
against the fold as it stood at the log size the figure names. Only when records landed
between that size and the publication (another writer, at the same moment) is the fold
redone up to that size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from erfurt.archive import Archive, PublishedLog, Record
from erfurt.errors import IntegrityError
from erfurt.incidents.book import BOOK_KINDS, IncidentBook
from erfurt.incidents.query import Query
from erfurt.incidents.view import FIGURE_DEFINED, FIGURE_PUBLISHED

__all__ = ["AuditReport", "FigureMismatch", "audit_figures", "audit_published"]

Records = Callable[[], Iterator[tuple[int, Record]]]
_AUDITED = BOOK_KINDS | {FIGURE_DEFINED, FIGURE_PUBLISHED}
Values = tuple[int, int, int, str]  # low, high, incidents, digest


@dataclass(frozen=True, slots=True)
class FigureMismatch:
    """A published figure the log does not support: what it says, what the log gives."""

    name: str
    record: int
    published: Values
    recomputed: Values | None
    reason: str


@dataclass(frozen=True, slots=True)
class AuditReport:
    """How many published figures were recomputed, and those that differ."""

    figures: int
    records: int
    mismatches: tuple[FigureMismatch, ...]

    @property
    def ok(self) -> bool:
        """True when every published figure equals its recomputation."""
        return not self.mismatches


def _up_to(records: Iterable[tuple[int, Record]], size: int) -> IncidentBook:
    book = IncidentBook()
    for index, record in records:
        if index >= size:
            break
        book.apply(index, record)
    return book


def _check(
    index: int, record: Record, book: IncidentBook, definitions: dict[int, Query]
) -> FigureMismatch | None:
    name, size = str(record["name"]), int(record["log_size"])
    published: Values = (
        int(record["low"]),
        int(record["high"]),
        int(record["incidents"]),
        str(record["digest"]),
    )
    query = definitions.get(int(record["definition"]))
    if query is None or int(record["definition"]) >= size:
        return FigureMismatch(
            name, index, published, None, "its definition is not a figure.defined it counts"
        )
    if size > index:
        return FigureMismatch(
            name, index, published, None, f"it counts {size} records, past itself"
        )
    value = book.figure(query)
    recomputed: Values = (value.low, value.high, value.count, value.digest)
    if recomputed != published:
        return FigureMismatch(name, index, published, recomputed, "the values differ")
    return None


def _audit(records: Records) -> AuditReport:
    book, definitions, mismatches = IncidentBook(), {}, []
    last_applied, figures, seen = -1, 0, 0
    for index, record in records():
        seen = index + 1
        if record.kind == FIGURE_DEFINED:
            try:
                definitions[index] = Query.from_record(
                    record["measure"], record["filters"], f"record {index}"
                )
            except IntegrityError:
                continue
        elif record.kind == FIGURE_PUBLISHED:
            figures += 1
            size = int(record["log_size"])
            at_size = book if last_applied < size else _up_to(records(), size)
            if (mismatch := _check(index, record, at_size, definitions)) is not None:
                mismatches.append(mismatch)
        else:
            book.apply(index, record)
            last_applied = index
    return AuditReport(figures, seen, tuple(mismatches))


def audit_figures(archive: Archive) -> AuditReport:
    """Recompute every figure published in ``archive`` from its log (not its views)."""
    return _audit(lambda: archive.records(kinds=_AUDITED))


def audit_published(log: PublishedLog) -> AuditReport:
    """Recompute every figure published in a verified published log, from that log alone."""
    return _audit(lambda: log.records(kinds=_AUDITED))
