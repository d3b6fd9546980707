"""The outreach log: call outcomes over time, phone numbers kept only as keyed hashes.

>>> from erfurt.outreach import normalise_phone
>>> normalise_phone("0086 138 0013 8000")
'+8613800138000'
"""

from erfurt.outreach.chart import render_outcome_chart
from erfurt.outreach.model import CALL_KIND, CALL_VERSION, OUTCOMES, Call, Outcome, check_outcome
from erfurt.outreach.phone import hash_phone, normalise_phone
from erfurt.outreach.stats import (
    PERIODS,
    CallSeen,
    OutcomeStats,
    Period,
    PeriodRow,
    count_call,
    create_call_tables,
    find_calls,
    query_stats,
)

__all__ = [
    "CALL_KIND",
    "CALL_VERSION",
    "OUTCOMES",
    "PERIODS",
    "Call",
    "CallSeen",
    "Outcome",
    "OutcomeStats",
    "Period",
    "PeriodRow",
    "check_outcome",
    "count_call",
    "create_call_tables",
    "find_calls",
    "hash_phone",
    "normalise_phone",
    "query_stats",
    "render_outcome_chart",
]
