"""The outcome chart: each outcome's share of the calls, period by period."""

from __future__ import annotations

from pathlib import Path

from erfurt.archive import Archive
from erfurt.errors import InputError
from erfurt.outreach.model import OUTCOMES
from erfurt.outreach.stats import OutcomeStats, Period
from erfurt.outreach.view import read_stats

__all__ = ["chart_outreach", "render_outcome_chart"]

_COLOURS = {
    "hung-up": "#7f8c8d",
    "abusive": "#c0392b",
    "listened": "#f39c12",
    "thanked": "#27ae60",
    "declared": "#2c3e50",
}


def render_outcome_chart(stats: OutcomeStats, out: Path) -> None:
    """Draw stacked outcome shares (percent of calls) per period into ``out`` (.svg/.png).

    Raises InputError for another file type or when no call is logged.
    """
    suffix = out.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise InputError(
            f"{out}: charts are written as SVG or PNG, not {suffix or 'no extension'}",
            "name the output file .svg or .png",
        )
    if not stats.rows:
        raise InputError("no calls to chart yet", "log some calls first")
    # matplotlib takes about a second to import: only charting commands pay for it.
    import matplotlib
    from matplotlib.figure import Figure

    periods = [row.period for row in stats.rows]
    # A bare Figure (no pyplot) renders without a screen and keeps no global state.
    figure = Figure(figsize=(10, 5), dpi=100)
    axes = figure.add_subplot()
    bottom = [0.0] * len(periods)
    for outcome in OUTCOMES:
        shares = [row.share_permille(outcome) / 10 for row in stats.rows]
        axes.bar(periods, shares, bottom=bottom, label=outcome, color=_COLOURS[outcome])
        bottom = [b + s for b, s in zip(bottom, shares, strict=True)]
    axes.set_ylim(0, 100)
    axes.set_xlabel(stats.by.capitalize())
    axes.set_ylabel("Share of calls (%)")
    axes.set_title(f"Outreach call outcomes by {stats.by}")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    axes.tick_params(axis="x", labelrotation=45)
    figure.tight_layout()
    metadata = {"Date": None} if suffix == ".svg" else {}
    # Real <text> elements in SVG (not glyph outlines): searchable and screen-readable.
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(out, format=suffix[1:], metadata=metadata)


def chart_outreach(archive: Archive, by: Period, out: Path) -> int:
    """Chart the archive's call outcomes per ``by`` into ``out``; returns how many periods."""
    stats = read_stats(archive, by)
    render_outcome_chart(stats, out)
    return len(stats.rows)
