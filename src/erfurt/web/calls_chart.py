"""The calls page's chart: each week's call outcomes as shares, drawn by the outreach feature.

Drawn with :func:`erfurt.outreach.render_outcome_chart` (the chart of ``erfurt outreach
chart``), kept until the log grows; the page shows it with its alt text beside the table
of the numbers it plots, so nothing in it is only visible.
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from erfurt.archive import Archive
from erfurt.outreach import read_stats, render_outcome_chart

__all__ = ["CallsChart", "CallsCharts"]


@dataclass(frozen=True, slots=True)
class CallsChart:
    """One drawing of the weekly outcomes: the log size it was drawn at, the SVG (empty
    while no call is logged) and its description."""

    size: int
    svg: bytes
    alt: str


class CallsCharts:
    """The latest chart of one archive's calls, redrawn only when the log has grown."""

    def __init__(self) -> None:
        self._latest: CallsChart | None = None
        self._lock = threading.Lock()

    def get(self, archive: Archive) -> CallsChart | None:
        """The chart for the log as it is now; None while no call is logged."""
        archive.refresh()
        with self._lock:
            if self._latest is None or self._latest.size != archive.size:
                self._latest = _draw(archive)
            return self._latest if self._latest.svg else None


def _draw(archive: Archive) -> CallsChart:
    size = archive.size
    stats = read_stats(archive, "week")
    if not stats.rows:
        return CallsChart(size, b"", "")
    with tempfile.TemporaryDirectory(prefix="erfurt-calls-") as folder:
        image = Path(folder) / "calls.svg"
        render_outcome_chart(stats, image)
        alt = image.with_suffix(".alt.txt").read_text(encoding="utf-8").strip()
        return CallsChart(size, image.read_bytes(), alt)
