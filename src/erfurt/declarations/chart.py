"""The registry chart: declarations per period (bars) and the running total (line)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from erfurt.archive import Archive
from erfurt.charts import (
    BARS_ALT,
    CHART_FORMATS,
    TIMELINE_WORDS,
    Timeline,
    add_note,
    as_typed,
    bars_alt_text,
    check_chart_path,
    draw_bars,
    font_context,
    new_figure,
    number_bars,
    outlier_note,
    save_chart,
    set_bin_labels,
    timeline,
)
from erfurt.declarations.tally import TallyRow
from erfurt.declarations.view import read_tally
from erfurt.errors import InputError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["CHART_FORMATS", "DAILY_CHART_WORDS", "chart_registry", "render_daily_chart"]

_LINE = "#c0392b"

DAILY_CHART_WORDS: Mapping[str, str] = {
    **TIMELINE_WORDS,
    "per_period": "Declarations per {unit}",
    "per_period_alt": "declarations per {unit}",
    "cumulative": "Cumulative total",
    "shown": "Line: the cumulative total; {total} declarations shown.",
    "alt": BARS_ALT,
}
"""The chart's words in English; a page in another language passes its own, and may add
the period names (``day``, ``week``, ``month``, ``year``)."""


def render_daily_chart(
    days: Sequence[TallyRow], out: Path, title: str, words: Mapping[str, str] = DAILY_CHART_WORDS
) -> Timeline:
    """Draw declarations per period and the running total into ``out`` (.svg or .png),
    labelled and described with ``words`` (the keys of :data:`DAILY_CHART_WORDS`).

    ``days`` are the tally by day; the period (day, week, month or year) follows their
    span, and dates far from all the others are left off and named in a note. Writes
    the plotted numbers to ``out`` with suffix .csv and a description to .alt.txt.
    Returns what was plotted. Raises InputError for another file type or when there is
    nothing to draw.
    """
    chart = check_chart_path(out)
    if not days:
        raise InputError("no declarations to chart yet", "declare or import some first")
    line = timeline(
        ((date.fromisoformat(row.key), (row.declarations,)) for row in days), ["declarations"]
    )
    counts = [one.total for one in line.bins]
    running = line.cumulative()
    unit = words.get(line.unit, line.unit)
    positions = list(range(len(counts)))
    note = outlier_note(line, "declaration", words)
    with font_context():
        figure, per_period = new_figure()
        draw_bars(per_period, counts, words["per_period"].format(unit=unit), numbered=False)
        # One bar is its own total: no line of one point.
        top = (
            _draw_running_total(per_period, positions, running, words["cumulative"])
            if len(counts) > 1
            else None
        )
        number_bars(per_period, counts, on=top)
        set_bin_labels(per_period, line, words)
        per_period.set_title(as_typed(title))
        add_note(per_period, note)
        shown = words["shown"].format(total=f"{running[-1]:,}")
        bars = words["per_period_alt"].format(unit=unit)
        alt_text = bars_alt_text(title, line, bars, shown, note, words["alt"], unit)
        save_chart(
            figure,
            chart,
            alt_text,
            ["period_start", line.unit, "declarations", "cumulative"],
            [
                (one.start.isoformat(), one.label, one.total, run)
                for one, run in zip(line.bins, running, strict=True)
            ],
        )
    return line


def _draw_running_total(
    per_period: Axes, positions: list[int], running: list[int], label: str
) -> Axes:
    from matplotlib.ticker import MaxNLocator

    total = per_period.twinx()
    total.plot(positions, running, color=_LINE, marker="o", markersize=4)
    total.annotate(
        f"{running[-1]:,}",
        (positions[-1], running[-1]),
        textcoords="offset points",
        xytext=(-6, 6),  # left of the last point: to its right it ran into the axis labels
        ha="right",
        va="bottom",
        color=_LINE,
        fontsize=9,
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1},
    )
    total.set_ylabel(label, color=_LINE)
    total.set_ylim(0, max(running[-1], 1) * 1.15)
    total.yaxis.set_major_locator(MaxNLocator(integer=True))
    return total


def chart_registry(archive: Archive, out: Path, title: str | None = None) -> Timeline:
    """Chart the archive's registry into ``out`` (and its .csv and .alt.txt).

    The default title names the archive's origin. Returns what was plotted; raises
    InputError as :func:`render_daily_chart` does.
    """
    days = read_tally(archive, "day").rows
    return render_daily_chart(days, out, title or f"Declarations in {archive.config.origin}")
