"""Calls by number (for look-up) and outcome counters by week and month (for stats).

Counters are kept up to date call by call, so stats read a few rows per period and
never the calls themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

from erfurt.archive import ViewConnection
from erfurt.outreach.model import OUTCOMES, Call, Outcome

__all__ = [
    "PERIODS",
    "CallSeen",
    "OutcomeStats",
    "Period",
    "PeriodRow",
    "calls_under_other_keys",
    "count_call",
    "create_call_tables",
    "find_calls",
    "query_stats",
]

Period = Literal["week", "month"]
PERIODS: tuple[Period, ...] = get_args(Period)


@dataclass(frozen=True, slots=True)
class CallSeen:
    """One earlier call to a number: when, how it went, and who called."""

    log_index: int
    time: str
    outcome: Outcome
    volunteer: str | None


@dataclass(frozen=True, slots=True)
class PeriodRow:
    """Calls in one week (``2026-W48``) or month (``2026-11``), by outcome (all outcomes)."""

    period: str
    calls: int
    outcomes: tuple[tuple[Outcome, int], ...]

    def share_permille(self, outcome: Outcome) -> int:
        """The outcome's share of the period's calls, in thousandths (rounded)."""
        count = dict(self.outcomes)[outcome]
        return round(1000 * count / self.calls) if self.calls else 0


@dataclass(frozen=True, slots=True)
class OutcomeStats:
    """Outcome counts per period, in period order."""

    by: Period
    rows: tuple[PeriodRow, ...]


def create_call_tables(db: ViewConnection) -> None:
    """Create the call look-up and counter tables (the view's own tables)."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS outreach_call ("
        " number BLOB NOT NULL, log_index INTEGER NOT NULL, time TEXT NOT NULL,"
        " outcome TEXT NOT NULL, volunteer TEXT,"
        " PRIMARY KEY (number, log_index)) WITHOUT ROWID"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS outreach_count ("
        " period TEXT NOT NULL, key TEXT NOT NULL, outcome TEXT NOT NULL,"
        " calls INTEGER NOT NULL, PRIMARY KEY (period, key, outcome)) WITHOUT ROWID"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS outreach_secret ("
        " key_id TEXT PRIMARY KEY, calls INTEGER NOT NULL) WITHOUT ROWID"
    )


def _period_keys(time: str) -> dict[Period, str]:
    year, week, _ = date.fromisoformat(time[:10]).isocalendar()
    return {"week": f"{year}-W{week:02d}", "month": time[:7]}


def count_call(db: ViewConnection, log_index: int, call: Call) -> None:
    """Add one logged call to the look-up table and the counters."""
    db.execute(
        "INSERT INTO outreach_call VALUES (?, ?, ?, ?, ?)",
        (bytes.fromhex(call.number), log_index, call.time, call.outcome, call.volunteer),
    )
    db.executemany(
        "INSERT INTO outreach_count VALUES (?, ?, ?, 1) ON CONFLICT (period, key, outcome)"
        " DO UPDATE SET calls = outreach_count.calls + 1",
        [(period, key, call.outcome) for period, key in _period_keys(call.time).items()],
    )
    db.execute(
        "INSERT INTO outreach_secret VALUES (?, 1) ON CONFLICT (key_id)"
        " DO UPDATE SET calls = outreach_secret.calls + 1",
        (call.key_id,),
    )


def find_calls(db: ViewConnection, number: str) -> tuple[CallSeen, ...]:
    """Earlier calls logged under the keyed hash ``number``, oldest first."""
    rows = db.execute(
        "SELECT log_index, time, outcome, volunteer FROM outreach_call"
        " WHERE number = ? ORDER BY log_index",
        (bytes.fromhex(number),),
    )
    return tuple(CallSeen(i, t, o, v) for i, t, o, v in rows)


def calls_under_other_keys(db: ViewConnection, key_id: str) -> int:
    """How many calls were logged under a registry secret other than ``key_id``."""
    row = db.execute(
        "SELECT COALESCE(SUM(calls), 0) FROM outreach_secret WHERE key_id != ?", (key_id,)
    ).fetchone()
    return int(row[0])


def query_stats(db: ViewConnection, by: Period) -> OutcomeStats:
    """Outcome counts per week or month (reads the counters only)."""
    counts: dict[str, dict[str, int]] = {}
    for key, outcome, calls in db.execute(
        "SELECT key, outcome, calls FROM outreach_count WHERE period = ? ORDER BY key", (by,)
    ):
        counts.setdefault(key, {})[outcome] = calls
    rows = tuple(
        PeriodRow(
            period=key,
            calls=sum(per.values()),
            outcomes=tuple((o, per.get(o, 0)) for o in OUTCOMES),
        )
        for key, per in counts.items()
    )
    return OutcomeStats(by=by, rows=rows)
