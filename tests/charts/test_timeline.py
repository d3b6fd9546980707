"""Binning for charts: a unit that suits the span, every period present, outliers apart."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from erfurt.charts import Outlier, label_every, period_start, timeline


def _days(first: date, count: int, step: int = 1) -> list[tuple[date, list[int]]]:
    return [(first + timedelta(days=i * step), [1]) for i in range(count)]


def test_one_day_is_one_daily_bin() -> None:
    line = timeline([(date(2026, 11, 20), [7])], ["declarations"])
    assert (line.unit, [(b.label, b.counts) for b in line.bins]) == ("day", [("2026-11-20", (7,))])
    assert line.cumulative() == [7] and line.outliers == ()


def test_empty_days_are_bins_of_zero_and_the_running_total_stays_flat() -> None:
    line = timeline([(date(2026, 11, 1), [2]), (date(2026, 11, 4), [3])], ["d"])
    assert [b.total for b in line.bins] == [2, 0, 0, 3]
    assert line.cumulative() == [2, 2, 2, 5]


@pytest.mark.parametrize(
    ("span_days", "unit", "bins"),
    [
        (1, "day", 1),
        (30, "day", 30),
        (120, "week", 18),
        (3 * 365, "month", 36),
        (20 * 365, "year", 20),
    ],
)
def test_the_unit_follows_the_span(span_days: int, unit: str, bins: int) -> None:
    first = date(2024, 1, 1)
    line = timeline(_days(first, span_days), ["d"])
    assert line.unit == unit and len(line.bins) == bins
    assert sum(b.total for b in line.bins) == span_days  # nothing lost to binning


def test_a_date_in_2099_is_an_outlier_not_a_stretched_axis() -> None:
    points = [*_days(date(2026, 11, 20), 3), (date(2099, 1, 1), [1])]
    line = timeline(points, ["d"])
    assert line.unit == "day" and [b.label for b in line.bins][-1] == "2026-11-22"
    assert line.outliers == (Outlier(date(2099, 1, 1), 1),)


def test_years_of_data_with_a_quiet_year_are_not_outliers() -> None:
    points = [*_days(date(2020, 1, 1), 12, 30), *_days(date(2022, 1, 1), 12, 30)]
    line = timeline(points, ["d"])
    assert line.outliers == () and line.unit == "month"
    assert line.bins[12].total == 0  # 2021 is there, empty


def test_weeks_and_months_start_where_iso_and_calendars_say() -> None:
    assert period_start(date(2026, 11, 22), "week") == date(2026, 11, 16)  # a Sunday
    assert period_start(date(2026, 11, 22), "month") == date(2026, 11, 1)
    line = timeline([(date(2026, 12, 31), [1]), (date(2027, 1, 4), [1])], ["d"], unit="week")
    assert [b.label for b in line.bins] == ["2026-W53", "2027-W01"]


def test_labels_are_thinned_evenly() -> None:
    assert [label_every(n) for n in (1, 16, 17, 36, 365)] == [1, 1, 2, 3, 23]


def test_counts_must_match_the_series() -> None:
    with pytest.raises(ValueError, match="2 counts for 1 series"):
        timeline([(date(2026, 1, 1), [1, 2])], ["d"])
    with pytest.raises(ValueError, match="nothing to chart"):
        timeline([], ["d"])
