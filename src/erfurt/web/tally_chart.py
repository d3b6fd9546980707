"""The public tally's charts, kept until the log grows: over time, and by organisation or place.

The chart over time is drawn by the declarations feature; the charts by organisation and
by place (bars, largest first) are drawn here; each is titled and described in the page's
language. Each is an SVG with real text; the page shows it with its alt text and the
plotted numbers as a table, so nothing in it is only visible.
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from erfurt.archive import Archive
from erfurt.charts import (
    BAR_COLOUR,
    as_typed,
    check_chart_path,
    font_context,
    new_figure,
    save_chart,
)
from erfurt.declarations import (
    DAILY_CHART_WORDS,
    Grouping,
    TallyRow,
    read_tally,
    render_daily_chart,
)
from erfurt.web.i18n import chart_words, translate

if TYPE_CHECKING:
    from matplotlib.axes import Axes

GROUPED: tuple[Grouping, ...] = ("organisation", "place")
"""The groupings drawn as bars, one per organisation or place."""
MOST_BARS = 20
"""Bars drawn at most: the largest; the table beside the chart holds every row."""


@dataclass(frozen=True, slots=True)
class TallyChart:
    """One drawing of the tally: the SVG, its description and the numbers it plots."""

    size: int  # the log size it was drawn at
    svg: bytes
    alt: str
    unit: str
    rows: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class GroupedChart:
    """One drawing of the tally by organisation or place, in one language."""

    size: int  # the log size it was drawn at
    svg: bytes
    alt: str


class TallyCharts:
    """The latest tally charts of one archive, redrawn only when the log has grown."""

    def __init__(self) -> None:
        self._latest: dict[str, TallyChart] = {}
        self._grouped: dict[tuple[Grouping, str], GroupedChart] = {}
        self._lock = threading.Lock()

    def get(self, archive: Archive, language: str) -> TallyChart | None:
        """The chart in ``language`` for the log as it is now; None while there are no
        declarations."""
        archive.refresh()
        with self._lock:
            drawn = self._latest.get(language)
            if drawn is None or drawn.size != archive.size:
                drawn = self._latest[language] = _draw(archive, language)
            return drawn if drawn.rows else None

    def grouped(self, archive: Archive, by: Grouping, language: str) -> GroupedChart | None:
        """The chart by ``by`` (one of :data:`GROUPED`) in ``language`` for the log as it
        is now; None while there are no declarations."""
        archive.refresh()
        with self._lock:
            drawn = self._grouped.get((by, language))
            if drawn is None or drawn.size != archive.size:
                drawn = self._grouped[(by, language)] = _draw_grouped(archive, by, language)
            return drawn if drawn.svg else None


def _draw(archive: Archive, language: str) -> TallyChart:
    size = archive.size
    days = read_tally(archive, "day").rows
    if not days:
        return TallyChart(size, b"", "", "", ())
    with tempfile.TemporaryDirectory(prefix="erfurt-tally-") as folder:
        image = Path(folder) / "tally.svg"
        title = translate("tally_chart_title", language).format(origin=archive.config.origin)
        words = chart_words("tally_chart_", DAILY_CHART_WORDS, language)
        line = render_daily_chart(days, image, title, words)
        svg = image.read_bytes()
        alt = image.with_suffix(".alt.txt").read_text(encoding="utf-8").strip()
    rows = tuple(
        {"period": one.label, "declarations": one.total, "cumulative": running}
        for one, running in zip(line.bins, line.cumulative(), strict=True)
    )
    return TallyChart(size, svg, alt, line.unit, rows)


def _draw_grouped(archive: Archive, by: Grouping, language: str) -> GroupedChart:
    size = archive.size
    rows = sorted(read_tally(archive, by).rows, key=lambda row: (-row.declarations, row.key))
    if not rows:
        return GroupedChart(size, b"", "")
    shown = rows[:MOST_BARS]
    title = translate(f"chart_by_{by}", language)
    alt = translate("chart_grouped_alt", language).format(
        title=title, shown=len(shown), count=len(rows), top=shown[0].key,
        top_count=shown[0].declarations,
    )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="erfurt-tally-") as folder:
        chart = check_chart_path(Path(folder) / "tally.svg")
        with font_context():
            figure, axes = new_figure()
            _bars(axes, shown)
            axes.set_title(as_typed(title))
            axes.set_xlabel(translate("declarations", language))
            save_chart(
                figure, chart, alt, [by, "declarations"], [(r.key, r.declarations) for r in shown]
            )
        svg = chart.image.read_bytes()
    return GroupedChart(size, svg, alt)


def _bars(axes: Axes, rows: list[TallyRow]) -> None:
    """Horizontal bars, largest at the top, each numbered at its end."""
    from matplotlib.ticker import MaxNLocator

    positions = list(range(len(rows)))
    bars = axes.barh(positions, [row.declarations for row in rows], color=BAR_COLOUR)
    axes.set_yticks(positions, [as_typed(row.key) for row in rows])
    axes.invert_yaxis()
    axes.bar_label(bars, padding=2, fontsize=8)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="x", alpha=0.3)
