"""Drawing a timeline: one figure style, readable labels, and the numbers beside the image.

Every chart Erfurt writes comes with two files next to it: ``NAME.csv`` (the plotted
numbers, one row per bin) and ``NAME.alt.txt`` (a text description for screen readers
and captions, also embedded in the image's metadata). Chinese text is drawn with a CJK
font (WenQuanYi Zen Hei, from fonts-wqy-zenhei) when Latin fonts lack the glyphs.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from erfurt.charts.cells import write_csv
from erfurt.charts.timeline import Timeline
from erfurt.errors import InputError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "BAR_COLOUR",
    "CHART_FORMATS",
    "MAX_LABELS",
    "MOST_ANNOTATED",
    "Chart",
    "add_note",
    "check_chart_path",
    "draw_bars",
    "font_context",
    "label_every",
    "new_figure",
    "number_bars",
    "outlier_note",
    "save_chart",
    "set_bin_labels",
]

CHART_FORMATS = (".svg", ".png")
MAX_LABELS = 16
MOST_ANNOTATED = 40
"""Above this many bars, per-bar numbers would overlap."""
BAR_COLOUR = "#4878a8"
# Latin text in DejaVu Sans; characters it lacks (汉字) fall back to WenQuanYi Zen Hei.
_FONTS = ["DejaVu Sans", "WenQuanYi Zen Hei"]


@dataclass(frozen=True, slots=True)
class Chart:
    """Where a chart goes: the image and, beside it, its CSV and alt text."""

    image: Path

    @property
    def csv(self) -> Path:
        """The plotted numbers, one row per bin."""
        return self.image.with_suffix(".csv")

    @property
    def alt_text(self) -> Path:
        """A description of the chart in words."""
        return self.image.with_suffix(".alt.txt")


def check_chart_path(out: Path) -> Chart:
    """The chart's files for ``out``; raises InputError unless it is named .svg or .png."""
    suffix = out.suffix.lower()
    if suffix not in CHART_FORMATS:
        raise InputError(
            f"{out}: charts are written as SVG or PNG, not {suffix or 'no extension'}",
            "name the output file .svg or .png",
        )
    return Chart(out)


def new_figure() -> tuple[Figure, Axes]:
    """A bare figure (no pyplot: renders without a screen, keeps no global state)."""
    # matplotlib takes about a second to import: only charting commands pay for it.
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 5.5), dpi=100)
    return figure, figure.add_subplot()


def label_every(count: int, most: int = MAX_LABELS) -> int:
    """Show every n-th of ``count`` labels so that at most ``most`` are shown, evenly."""
    return max(1, math.ceil(count / most))


TIMELINE_WORDS: Mapping[str, str] = {
    "chart_axis": "{name} (UTC){every}",
    "chart_axis_every": ", labelled every {step} {period}s",
    "chart_axis_day": "Day",
    "chart_axis_week": "ISO week",
    "chart_axis_month": "Month",
    "chart_axis_year": "Year",
    "chart_left_off": "Left off, far from the other dates: {dated}.",
    "chart_left_off_date": "{count} {noun} dated {day}",
}
"""A chart over time's own words in English: the axis of periods (``{name}`` is the
period's ``chart_axis_<unit>``, ``{period}`` its name in a sentence, the words' ``<unit>``)
and the note naming dates left off."""


def set_bin_labels(
    axes: Axes, timeline: Timeline, words: Mapping[str, str] = TIMELINE_WORDS
) -> list[str]:
    """Put the bins at 0, 1, 2... with their labels (thinned evenly), the axis labelled
    with ``words`` (the keys of :data:`TIMELINE_WORDS`); returns the labels shown.

    A few bins keep a normal bar width instead of filling the plot.
    """
    count = len(timeline.bins)
    step = label_every(count)
    positions = list(range(0, count, step))
    shown = [timeline.bins[i].label for i in positions]
    slanted = count > 6
    axes.set_xticks(
        positions, shown, rotation=45 if slanted else 0, ha="right" if slanted else "center"
    )
    pad = max(0.6, (6 - count) / 2)
    axes.set_xlim(-pad, count - 1 + pad)
    period = words.get(timeline.unit, timeline.unit)
    every = words["chart_axis_every"].format(step=step, period=period) if step > 1 else ""
    name = words[f"chart_axis_{timeline.unit}"]
    axes.set_xlabel(words["chart_axis"].format(name=name, every=every))
    return shown


def draw_bars(
    axes: Axes,
    counts: Sequence[int],
    ylabel: str,
    color: str = BAR_COLOUR,
    *,
    numbered: bool = True,
) -> None:
    """One bar per bin at 0, 1, 2..., numbered (see :func:`number_bars`) unless told not to.

    A chart that draws a line over the bars numbers them itself, on the line's axes.
    """
    from matplotlib.ticker import MaxNLocator

    axes.bar(range(len(counts)), counts, width=0.8, color=color)
    if numbered:
        number_bars(axes, counts)
    axes.set_ylabel(ylabel, color=color)
    axes.set_ylim(0, max(max(counts, default=0), 1) * 1.15)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="y", alpha=0.3)


def number_bars(axes: Axes, counts: Sequence[int], on: Axes | None = None) -> None:
    """Each bar's count above it, when few enough bars to stay readable.

    ``on`` is the uppermost axes (a line's twin), so that the line never hides a number.
    """
    if len(counts) > MOST_ANNOTATED:
        return
    for position, count in enumerate(counts):
        (on or axes).annotate(
            f"{count:,}",
            (position, count),
            xycoords=axes.transData,
            textcoords="offset points",
            xytext=(0, 2),
            ha="center",
            va="bottom",
            fontsize=8,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 0.5},
        )


def outlier_note(timeline: Timeline, noun: str, words: Mapping[str, str] = TIMELINE_WORDS) -> str:
    """A sentence naming what was left off the chart (``noun`` singular, made plural by an
    "s" where ``words`` use it), or ""."""
    if not timeline.outliers:
        return ""
    dated = ", ".join(
        words["chart_left_off_date"].format(
            count=f"{o.count:,}", noun=noun if o.count == 1 else noun + "s", day=o.day.isoformat()
        )
        for o in timeline.outliers
    )
    return words["chart_left_off"].format(dated=dated)


BARS_ALT = (
    "{title}. Bars: {bars}, {periods} {unit}s from {first} to {last}.{shown}"
    " The busiest {unit} was {busiest} with {busiest_count}.{note}"
)
"""The English description of a bar chart over time: a chart drawn in another language
passes its own template with the same fields."""


def bars_alt_text(
    title: str,
    timeline: Timeline,
    bars: str,
    shown: str,
    note: str,
    template: str = BARS_ALT,
    unit: str = "",
) -> str:
    """The description of a bar chart of ``timeline``: ``bars`` says what a bar counts
    ("incidents"), ``shown`` what else is drawn (a sentence, or ""), ``note`` what was
    left off; ``template`` and ``unit`` (the period's name, default the timeline's unit)
    give it in another language."""
    bins = timeline.bins
    busiest = max(bins, key=lambda one: one.total)
    return template.format(
        title=title, bars=bars, periods=f"{len(bins):,}", unit=unit or timeline.unit,
        first=bins[0].label, last=bins[-1].label, shown=f" {shown}" if shown else "",
        busiest=busiest.label, busiest_count=f"{busiest.total:,}",
        note=f" {note}" if note else "",
    )  # fmt: skip


def as_typed(text: str) -> str:
    """``text`` drawn as typed: a "$" would otherwise start matplotlib's mathtext."""
    return text.replace("$", r"\$")


def add_note(axes: Axes, note: str) -> None:
    """Write ``note`` under the axis label (where tight_layout makes room for it)."""
    if note:
        axes.set_xlabel(f"{axes.get_xlabel()}\n{note}")


def save_chart(
    figure: Figure,
    chart: Chart,
    alt_text: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
) -> None:
    """Write the image (with ``alt_text`` as its description), the CSV and the alt text."""
    import matplotlib

    figure.tight_layout()
    suffix = chart.image.suffix.lower()
    metadata = (
        {"Date": None, "Description": alt_text} if suffix == ".svg" else {"Description": alt_text}
    )
    # Real <text> elements in SVG (not glyph outlines): searchable and screen-readable.
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(chart.image, format=suffix[1:], metadata=metadata)
    write_csv(chart.csv, header, rows)
    chart.alt_text.write_text(alt_text + "\n", encoding="utf-8")


@contextmanager
def font_context() -> Iterator[None]:
    """Draw text in DejaVu Sans with a CJK fallback, inside this context."""
    import matplotlib

    # WenQuanYi Zen Hei comes in weight 500 only; matplotlib would warn on every chart
    # that it uses 500 for "normal", which is right and not worth a message.
    fonts_log = logging.getLogger("matplotlib.font_manager")
    level = fonts_log.level
    fonts_log.setLevel(logging.ERROR)
    try:
        with matplotlib.rc_context({"font.family": _FONTS, "svg.fonttype": "none"}):
            yield
    finally:
        fonts_log.setLevel(level)
