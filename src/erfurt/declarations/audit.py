"""Auditing the tally: recount every declaration in the log and compare with the view."""

from __future__ import annotations

from dataclasses import dataclass

from erfurt.archive import Archive
from erfurt.declarations.registry import declarations_in_log
from erfurt.declarations.tally import read_all_counts, tally_declarations

__all__ = ["AuditReport", "Mismatch", "audit_tally"]


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One counter where the view and the log disagree: (declarations, new persons) each."""

    grouping: str
    key: str
    in_log: tuple[int, int]
    in_view: tuple[int, int]


@dataclass(frozen=True, slots=True)
class AuditReport:
    """The recount: declarations and persons in the log, and every counter that differs."""

    declarations: int
    persons: int
    counters: int
    mismatches: tuple[Mismatch, ...]

    @property
    def ok(self) -> bool:
        """True when the view's tally equals the recount from the log."""
        return not self.mismatches


def audit_tally(archive: Archive) -> AuditReport:
    """Recount every counter from the log's ``declaration.made`` records alone and compare.

    Returns the report (check ``ok``); it does not raise on a difference, so the caller
    can show all of them.
    """
    from_log = tally_declarations(d for _, d in declarations_in_log(archive))
    with archive.read_views() as db:
        from_view = read_all_counts(db)
    zero = (0, 0)
    mismatches = tuple(
        Mismatch(
            grouping, key, from_log.get((grouping, key), zero), from_view.get((grouping, key), zero)
        )
        for grouping, key in sorted(from_log.keys() | from_view.keys())
        if from_log.get((grouping, key), zero) != from_view.get((grouping, key), zero)
    )
    declarations, persons = from_log.get(("total", ""), zero)
    return AuditReport(declarations, persons, len(from_log), mismatches)
