"""Auditing the tally: recount every declaration in the log and compare.

Two audits, one recount: :func:`audit_tally` compares the recount with the view the
registry answers queries from; :func:`audit_published` recounts from a published log
folder (no archive needed) and compares with the published ``tally.json``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from erfurt.archive import Archive, PublishedLog, Record, parse_json
from erfurt.declarations.model import DECLARATION_KIND, Declaration
from erfurt.declarations.registry import declarations_in_log
from erfurt.declarations.tally import GROUPINGS, Counts, read_all_counts, tally_declarations
from erfurt.errors import InputError, VerificationError

__all__ = ["AuditReport", "Mismatch", "audit_published", "audit_tally"]


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One counter where the log and the other side disagree: (declarations, new persons)."""

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
        """True when the other side's tally equals the recount from the log."""
        return not self.mismatches


def _report(from_log: Counts, other: Counts) -> AuditReport:
    zero = (0, 0)
    mismatches = tuple(
        Mismatch(
            grouping, key, from_log.get((grouping, key), zero), other.get((grouping, key), zero)
        )
        for grouping, key in sorted(from_log.keys() | other.keys())
        if from_log.get((grouping, key), zero) != other.get((grouping, key), zero)
    )
    declarations, persons = from_log.get(("total", ""), zero)
    return AuditReport(declarations, persons, len(from_log), mismatches)


def audit_tally(archive: Archive) -> AuditReport:
    """Recount every counter from the log's ``declaration.made`` records and compare with
    the view. Returns the report (check ``ok``) rather than raising, so every difference
    can be shown.
    """
    from_log = tally_declarations(d for _, d in declarations_in_log(archive))
    with archive.query_views() as db:
        return _report(from_log, read_all_counts(db))


def _published_counts(data: bytes, source: str) -> tuple[int | None, Counts]:
    try:
        document = parse_json(data, source=source)
        last = document["last_log_index"]
        counts: Counts = {
            (grouping, str(row["key"])): (int(row["declarations"]), int(row["persons"]))
            for grouping in GROUPINGS
            for row in document[grouping]
        }
    except (InputError, ValueError, KeyError, TypeError) as exc:
        raise VerificationError(
            f"{source}: not a tally.json ({exc})",
            "use the tally.json written by `erfurt declarations publish`",
        ) from exc
    if last is not None and not isinstance(last, int):
        raise VerificationError(f"{source}: last_log_index {last!r} is not an index")
    return last, counts


def _declarations(records: Iterable[tuple[int, Record]], last: int | None) -> Iterable[Declaration]:
    for index, record in records:
        if last is None or index > last:
            return
        yield Declaration.from_fields(record.fields, source=f"published log record {index}")


def audit_published(log: PublishedLog, tally: bytes, source: str = "tally.json") -> AuditReport:
    """Recount the declarations in a verified published log up to the position the
    published tally names (``last_log_index``), and compare with that tally.

    Raises VerificationError if the tally file is malformed or names a position past the
    log's end (a tally the log does not support).
    """
    last, published = _published_counts(tally, source)
    if last is not None and last >= log.tree_size:
        raise VerificationError(
            f"{source} counts up to record {last}, but the published log holds {log.tree_size}",
            "fetch the log again: it must include every record the tally counts",
        )
    records = log.records(kinds={DECLARATION_KIND})
    return _report(tally_declarations(_declarations(records, last)), published)
