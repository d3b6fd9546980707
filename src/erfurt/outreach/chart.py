"""The outcome chart: each outcome's share of the calls, period by period, with counts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from erfurt.archive import Archive
from erfurt.charts import (
    TIMELINE_WORDS,
    Timeline,
    add_note,
    as_typed,
    check_chart_path,
    font_context,
    new_figure,
    outlier_note,
    save_chart,
    set_bin_labels,
    timeline,
)
from erfurt.errors import InputError
from erfurt.outreach.model import OUTCOMES
from erfurt.outreach.stats import OutcomeStats, Period
from erfurt.outreach.view import read_stats

__all__ = ["OUTCOME_CHART_WORDS", "chart_outreach", "render_outcome_chart"]

_COLOURS = {
    "hung-up": "#7f8c8d",
    "abusive": "#c0392b",
    "listened": "#f39c12",
    "thanked": "#27ae60",
    "declared": "#2c3e50",
}
# A share below this many percent is too thin a slice to hold its count.
_SMALLEST_LABELLED = 8.0
_MOST_ANNOTATED = 40

OUTCOME_CHART_WORDS: Mapping[str, str] = {
    **TIMELINE_WORDS,
    "title": "Outreach call outcomes by {unit} ({calls} calls)",
    "y_label": "Share of calls (%); white: number of calls",
    "alt": (
        "Outreach call outcomes by {unit}: stacked bars of each outcome's share of the calls,"
        " {periods} {unit}s from {first} to {last}, {calls} calls in all: {totals}.{note}"
    ),
}
"""The chart's words in English; a page in another language passes its own, and may add
the period names (``week``, ``month``) and the outcomes' names."""


def _period_start(period: str) -> date:
    if "-W" in period:
        year, week = period.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    return date.fromisoformat(period + "-01")


def render_outcome_chart(
    stats: OutcomeStats, out: Path, words: Mapping[str, str] = OUTCOME_CHART_WORDS
) -> Timeline:
    """Draw stacked outcome shares (percent of calls) per period into ``out`` (.svg/.png),
    titled and described with ``words`` (the keys of :data:`OUTCOME_CHART_WORDS`).

    Each bar is labelled with its number of calls and each slice large enough with its
    count; periods without calls show as zero; far outlying periods are left off and
    named in a note. Writes the plotted numbers (.csv) and a description (.alt.txt)
    beside ``out``. Returns what was plotted. Raises InputError for another file type or
    when no call is logged.
    """
    chart = check_chart_path(out)
    if not stats.rows:
        raise InputError("no calls to chart yet", "log some calls first")
    line = timeline(
        (
            (_period_start(row.period), [dict(row.outcomes)[o] for o in OUTCOMES])
            for row in stats.rows
        ),
        OUTCOMES,
        unit=stats.by,
    )
    calls = [one.total for one in line.bins]
    positions = list(range(len(calls)))
    note = outlier_note(line, "call", words)
    with font_context():
        figure, axes = new_figure()
        bottom = [0.0] * len(calls)
        for i, outcome in enumerate(OUTCOMES):
            counts = [one.counts[i] for one in line.bins]
            shares = [100 * c / n if n else 0.0 for c, n in zip(counts, calls, strict=True)]
            slices = axes.bar(
                positions,
                shares,
                bottom=bottom,
                width=0.8,
                label=words.get(outcome, outcome),
                color=_COLOURS[outcome],
            )
            if len(calls) <= _MOST_ANNOTATED:
                labels = [
                    f"{c:,}" if s >= _SMALLEST_LABELLED else ""
                    for c, s in zip(counts, shares, strict=True)
                ]
                axes.bar_label(
                    slices, labels=labels, label_type="center", color="white", fontsize=8
                )
            bottom = [b + s for b, s in zip(bottom, shares, strict=True)]
        if len(calls) <= _MOST_ANNOTATED:
            for x, n in zip(positions, calls, strict=True):
                axes.annotate(
                    f"n={n:,}",
                    (x, 100),
                    textcoords="offset points",
                    xytext=(0, 3),
                    ha="center",
                    fontsize=8,
                )
        axes.set_ylim(0, 108)
        unit = words.get(stats.by, stats.by)
        axes.set_ylabel(words["y_label"])
        set_bin_labels(axes, line, words)
        axes.set_title(as_typed(words["title"].format(unit=unit, calls=f"{sum(calls):,}")))
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
        add_note(axes, note)
        totals = {o: sum(one.counts[i] for one in line.bins) for i, o in enumerate(OUTCOMES)}
        alt_text = words["alt"].format(
            unit=unit, periods=f"{len(calls):,}", first=line.bins[0].label,
            last=line.bins[-1].label, calls=f"{sum(calls):,}",
            totals=", ".join(f"{words.get(o, o)} {n:,}" for o, n in totals.items()),
            note=f" {note}" if note else "",
        )  # fmt: skip
        save_chart(
            figure,
            chart,
            alt_text,
            ["period_start", stats.by, "calls", *OUTCOMES],
            [(one.start.isoformat(), one.label, one.total, *one.counts) for one in line.bins],
        )
    return line


def chart_outreach(archive: Archive, by: Period, out: Path) -> Timeline:
    """Chart the archive's call outcomes per ``by`` into ``out``; returns what was plotted."""
    stats = read_stats(archive, by)
    return render_outcome_chart(stats, out)
