"""Counts over time, binned for a chart: a sensible unit, empty periods kept, outliers apart.

Pure functions over dates and counts (no plotting). The unit follows the span of the
data: days up to about six weeks, ISO weeks up to a year, months up to eight years,
then years, so one day of data is one bar and three years are 36 monthly bars. Every
period between the first and the last is a bin, zero when nothing happened. A date far
from all the others (a declaration dated 2099 among ones from 2026) is reported as an
outlier instead of stretching the axis by decades.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

__all__ = ["UNITS", "Bin", "Outlier", "Timeline", "Unit", "period_start", "timeline"]

Unit = Literal["day", "week", "month", "year"]
UNITS: tuple[Unit, ...] = ("day", "week", "month", "year")

# The longest span (in days) each unit is chosen for, before the next one takes over.
_SPAN_LIMIT: dict[Unit, int] = {"day": 45, "week": 366, "month": 8 * 366}
# A group of dates joins the main one when the gap between them is at most this many
# days, or at most twice the span the main group already covers (whichever is larger):
# a quiet year inside three years of data is a gap, 2099 after a week of 2026 is not.
_GAP_DAYS = 366


@dataclass(frozen=True, slots=True)
class Bin:
    """One period: its first day, its label, and one count per series."""

    start: date
    label: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        """All series together."""
        return sum(self.counts)


@dataclass(frozen=True, slots=True)
class Outlier:
    """A date left off the chart because it lies far from all the others."""

    day: date
    count: int


@dataclass(frozen=True, slots=True)
class Timeline:
    """What a chart plots: consecutive bins of one unit, and what was left off."""

    unit: Unit
    series: tuple[str, ...]
    bins: tuple[Bin, ...]
    outliers: tuple[Outlier, ...]

    def cumulative(self) -> list[int]:
        """The running total of all series, bin by bin."""
        running, out = 0, []
        for one in self.bins:
            running += one.total
            out.append(running)
        return out


def period_start(day: date, unit: Unit) -> date:
    """The first day of the ``unit`` holding ``day`` (weeks start on Monday, as in ISO 8601)."""
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def _next(start: date, unit: Unit) -> date:
    if unit == "day":
        return start + timedelta(days=1)
    if unit == "week":
        return start + timedelta(days=7)
    if unit == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def _label(start: date, unit: Unit) -> str:
    if unit == "day":
        return start.isoformat()
    if unit == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if unit == "month":
        return start.strftime("%Y-%m")
    return str(start.year)


def _main_dates(days: Sequence[date], counts: dict[date, int]) -> set[date]:
    """The dates that belong together: grown from the busiest run of close dates."""
    runs: list[list[date]] = [[days[0]]]
    for day in days[1:]:
        if (day - runs[-1][-1]).days > _GAP_DAYS:
            runs.append([])
        runs[-1].append(day)
    first = last = max(range(len(runs)), key=lambda i: sum(counts[d] for d in runs[i]))
    grown = True
    while grown:
        grown = False
        widest = max(_GAP_DAYS, 2 * (runs[last][-1] - runs[first][0]).days)
        if first > 0 and (runs[first][0] - runs[first - 1][-1]).days <= widest:
            first, grown = first - 1, True
        elif last < len(runs) - 1 and (runs[last + 1][0] - runs[last][-1]).days <= widest:
            last, grown = last + 1, True
    return {day for run in runs[first : last + 1] for day in run}


def _unit_for(span_days: int) -> Unit:
    for unit, limit in _SPAN_LIMIT.items():
        if span_days <= limit:
            return unit
    return "year"


def timeline(
    points: Iterable[tuple[date, Sequence[int]]],
    series: Sequence[str],
    *,
    unit: Unit | None = None,
) -> Timeline:
    """Bin ``points`` (a day and one count per series) into consecutive periods.

    ``unit`` fixes the period; by default it follows the span of the data. Raises
    ValueError when there are no points or a point's counts do not match ``series``.
    """
    per_day: dict[date, list[int]] = {}
    for day, counts in points:
        if len(counts) != len(series):
            raise ValueError(f"{day}: {len(counts)} counts for {len(series)} series")
        row = per_day.setdefault(day, [0] * len(series))
        for i, count in enumerate(counts):
            row[i] += count
    if not per_day:
        raise ValueError("nothing to chart")
    days = sorted(per_day)
    kept = _main_dates(days, {day: sum(per_day[day]) for day in days})
    outliers = tuple(Outlier(day, sum(per_day[day])) for day in days if day not in kept)
    first, last = min(kept), max(kept)
    unit = unit or _unit_for((last - first).days)
    sums: dict[date, list[int]] = {}
    for day in kept:
        row = sums.setdefault(period_start(day, unit), [0] * len(series))
        for i, count in enumerate(per_day[day]):
            row[i] += count
    bins = []
    start, end = period_start(first, unit), period_start(last, unit)
    while start <= end:
        bins.append(Bin(start, _label(start, unit), tuple(sums.get(start, [0] * len(series)))))
        start = _next(start, unit)
    return Timeline(unit, tuple(series), tuple(bins), outliers)
