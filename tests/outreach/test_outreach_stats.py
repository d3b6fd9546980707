"""Calls are found again by keyed hash; outcome counts add up by ISO week and by month."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from erfurt.archive import ViewConnection
from erfurt.errors import InputError
from erfurt.outreach import (
    Call,
    OutcomeStats,
    check_outcome,
    count_call,
    create_call_tables,
    find_calls,
    query_stats,
    render_outcome_chart,
)

ONE, TWO = "11" * 32, "22" * 32


def _db(calls: list[Call], db: ViewConnection | None = None) -> ViewConnection:
    db = db or sqlite3.connect(":memory:")
    create_call_tables(db)
    for index, call in enumerate(calls):
        count_call(db, index, call)
    return db


CALLS = [
    Call(ONE, "k", "hung-up", "2026-10-30T10:00:00Z"),  # ISO week 2026-W44, October
    Call(TWO, "k", "hung-up", "2026-11-01T10:00:00Z"),  # still week 44, November
    Call(ONE, "k", "listened", "2026-11-02T10:00:00Z", volunteer="V1"),  # week 45
    Call(TWO, "k", "thanked", "2026-11-03T10:00:00Z"),
]


def test_check_finds_earlier_calls_to_a_number_oldest_first(view_db: ViewConnection) -> None:
    seen = find_calls(_db(CALLS, view_db), ONE)
    assert [(s.log_index, s.outcome, s.volunteer) for s in seen] == [
        (0, "hung-up", None),
        (2, "listened", "V1"),
    ]
    assert find_calls(view_db, "33" * 32) == ()


def test_stats_by_week_and_month(view_db: ViewConnection) -> None:
    db = _db(CALLS, view_db)
    weeks = query_stats(db, "week")
    assert [(r.period, r.calls) for r in weeks.rows] == [("2026-W44", 2), ("2026-W45", 2)]
    assert weeks.rows[0].share_permille("hung-up") == 1000
    assert weeks.rows[1].share_permille("listened") == 500
    assert weeks.rows[1].share_permille("abusive") == 0
    months = query_stats(db, "month")
    assert [(r.period, dict(r.outcomes)["hung-up"]) for r in months.rows] == [
        ("2026-10", 1),
        ("2026-11", 1),
    ]


def test_call_records_round_trip_and_unknown_outcomes_are_refused() -> None:
    assert Call.from_fields(CALLS[2].to_fields()) == CALLS[2]
    with pytest.raises(InputError, match="unknown outcome 'rude'"):
        check_outcome("rude")


def test_outcome_chart_svg_and_png(tmp_path: Path) -> None:
    stats = query_stats(_db(CALLS), "week")
    render_outcome_chart(stats, tmp_path / "o.svg")
    text = (tmp_path / "o.svg").read_text(encoding="utf-8")
    assert "Outreach call outcomes by week" in text
    assert "Share of calls (%)" in text
    render_outcome_chart(stats, tmp_path / "o.png")
    assert (tmp_path / "o.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(InputError, match="no calls"):
        render_outcome_chart(OutcomeStats("week", ()), tmp_path / "e.svg")
