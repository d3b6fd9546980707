"""The calls page's chart: each week's call outcomes as shares, drawn by the outreach feature.

Drawn with :func:`erfurt.outreach.render_outcome_chart` (the chart of ``erfurt outreach
chart``), kept until the log grows; the page shows it with its alt text beside the table
of the numbers it plots, so nothing in it is only visible. Each language gets its own
drawing, titled and described in its words.
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from erfurt.archive import Archive
from erfurt.outreach import OUTCOME_CHART_WORDS, OUTCOMES, read_stats, render_outcome_chart
from erfurt.web.i18n import chart_words, translate

__all__ = ["CallsChart", "CallsCharts", "outcome_words"]


@dataclass(frozen=True, slots=True)
class CallsChart:
    """One drawing of the weekly outcomes: the log size it was drawn at, the SVG (empty
    while no call is logged) and its description."""

    size: int
    svg: bytes
    alt: str


class CallsCharts:
    """The latest chart of one archive's calls per language, redrawn only when the log has
    grown."""

    def __init__(self) -> None:
        self._latest: dict[str, CallsChart] = {}
        self._lock = threading.Lock()

    def get(self, archive: Archive, language: str) -> CallsChart | None:
        """The chart in ``language`` for the log as it is now; None while no call is logged."""
        archive.refresh()
        with self._lock:
            drawn = self._latest.get(language)
            if drawn is None or drawn.size != archive.size:
                drawn = self._latest[language] = _draw(archive, language)
            return drawn if drawn.svg else None


def outcome_words(language: str) -> dict[str, str]:
    """Each call outcome's name in ``language`` (in English, the name the log stores)."""
    return {outcome: translate(f"outcome_{outcome}", language) for outcome in OUTCOMES}


def _draw(archive: Archive, language: str) -> CallsChart:
    size = archive.size
    stats = read_stats(archive, "week")
    if not stats.rows:
        return CallsChart(size, b"", "")
    words = chart_words("calls_chart_", OUTCOME_CHART_WORDS, language) | outcome_words(language)
    with tempfile.TemporaryDirectory(prefix="erfurt-calls-") as folder:
        image = Path(folder) / "calls.svg"
        render_outcome_chart(stats, image, words)
        alt = image.with_suffix(".alt.txt").read_text(encoding="utf-8").strip()
        return CallsChart(size, image.read_bytes(), alt)
