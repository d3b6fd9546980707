"""The public tally's chart: drawn by the declarations feature, kept until the log grows.

The chart is an SVG with real text; the page shows it with its alt text and, beside it,
the plotted numbers as a table, so nothing in it is only visible.
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from erfurt.archive import Archive
from erfurt.declarations import read_tally, render_daily_chart


@dataclass(frozen=True, slots=True)
class TallyChart:
    """One drawing of the tally: the SVG, its description and the numbers it plots."""

    size: int  # the log size it was drawn at
    svg: bytes
    alt: str
    unit: str
    rows: tuple[dict[str, Any], ...]


class TallyCharts:
    """The latest tally chart of one archive, redrawn only when the log has grown."""

    def __init__(self) -> None:
        self._latest: TallyChart | None = None
        self._lock = threading.Lock()

    def get(self, archive: Archive) -> TallyChart | None:
        """The chart for the log as it is now; None while there are no declarations."""
        archive.refresh()
        with self._lock:
            if self._latest is None or self._latest.size != archive.size:
                self._latest = _draw(archive)
            return self._latest if self._latest.rows else None


def _draw(archive: Archive) -> TallyChart:
    size = archive.size
    days = read_tally(archive, "day").rows
    if not days:
        return TallyChart(size, b"", "", "", ())
    with tempfile.TemporaryDirectory(prefix="erfurt-tally-") as folder:
        image = Path(folder) / "tally.svg"
        line = render_daily_chart(days, image, f"Declarations in {archive.config.origin}")
        svg = image.read_bytes()
        alt = image.with_suffix(".alt.txt").read_text(encoding="utf-8").strip()
    rows = tuple(
        {"period": one.label, "declarations": one.total, "cumulative": running}
        for one, running in zip(line.bins, line.cumulative(), strict=True)
    )
    return TallyChart(size, svg, alt, line.unit, rows)
