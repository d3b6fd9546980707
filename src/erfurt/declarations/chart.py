"""The daily chart: declarations per day (bars) and the running total (line)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path

from erfurt.archive import Archive
from erfurt.declarations.tally import TallyRow
from erfurt.declarations.view import read_tally
from erfurt.errors import InputError

__all__ = ["CHART_FORMATS", "chart_registry", "render_daily_chart"]

CHART_FORMATS = (".svg", ".png")


def render_daily_chart(days: Sequence[TallyRow], out: Path, title: str) -> None:
    """Draw declarations per day and the cumulative total into ``out`` (.svg or .png).

    Raises InputError for another file type or when there is nothing to draw.
    """
    suffix = out.suffix.lower()
    if suffix not in CHART_FORMATS:
        raise InputError(
            f"{out}: charts are written as SVG or PNG, not {suffix or 'no extension'}",
            "name the output file .svg or .png",
        )
    if not days:
        raise InputError("no declarations to chart yet", "declare or import some first")
    # matplotlib takes about a second to import: only charting commands pay for it.
    import matplotlib
    import numpy as np
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    when = np.array([row.key for row in days], dtype="datetime64[D]")
    daily = [row.declarations for row in days]
    # A bare Figure (no pyplot) renders without a screen and keeps no global state.
    figure = Figure(figsize=(10, 5), dpi=100)
    per_day = figure.add_subplot()
    per_day.bar(when, daily, color="#4878a8", label="declarations per day")
    per_day.set_xlabel("Date (UTC)")
    per_day.set_ylabel("Declarations per day")
    per_day.yaxis.set_major_locator(MaxNLocator(integer=True))
    cumulative = per_day.twinx()
    cumulative.plot(when, list(accumulate(daily)), color="#c0392b", marker=".")
    cumulative.set_ylabel("Cumulative total", color="#c0392b")
    cumulative.set_ylim(bottom=0)
    figure.autofmt_xdate()
    per_day.set_title(title)
    per_day.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    metadata = {"Date": None} if suffix == ".svg" else {}
    # Real <text> elements in SVG (not glyph outlines): searchable and screen-readable.
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(out, format=suffix[1:], metadata=metadata)


def chart_registry(archive: Archive, out: Path, title: str | None = None) -> int:
    """Chart the archive's registry day by day into ``out``; returns how many days.

    The default title names the archive's origin. Raises InputError as
    :func:`render_daily_chart` does.
    """
    days = read_tally(archive, "day").rows
    render_daily_chart(days, out, title or f"Declarations in {archive.config.origin}")
    return len(days)
