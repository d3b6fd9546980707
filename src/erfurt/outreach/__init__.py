"""The outreach log: call outcomes over time, phone numbers kept only as keyed hashes.

>>> from erfurt.outreach import normalise_phone
>>> normalise_phone("0086 138 0013 8000")
'+8613800138000'
"""

from erfurt.outreach.calls import CallHistory, LoggedCall, check_number, log_call
from erfurt.outreach.chart import OUTCOME_CHART_WORDS, chart_outreach, render_outcome_chart
from erfurt.outreach.model import CALL_KIND, OUTCOMES, Call, Outcome, check_outcome
from erfurt.outreach.phone import hash_phone, normalise_phone
from erfurt.outreach.stats import (
    PERIODS,
    CallSeen,
    OutcomeStats,
    Period,
    PeriodRow,
    calls_under_other_keys,
    count_call,
    create_call_tables,
    find_calls,
    query_stats,
)
from erfurt.outreach.view import OutreachView, read_stats

__all__ = [
    "CALL_KIND",
    "OUTCOMES",
    "OUTCOME_CHART_WORDS",
    "PERIODS",
    "Call",
    "CallHistory",
    "CallSeen",
    "LoggedCall",
    "Outcome",
    "OutcomeStats",
    "OutreachView",
    "Period",
    "PeriodRow",
    "calls_under_other_keys",
    "chart_outreach",
    "check_number",
    "check_outcome",
    "count_call",
    "create_call_tables",
    "find_calls",
    "hash_phone",
    "log_call",
    "normalise_phone",
    "query_stats",
    "read_stats",
    "render_outcome_chart",
]
