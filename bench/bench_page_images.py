"""Page images: CPU per page drawn by waiting processes, against a process per page.

A document page's picture is drawn in a child process under memory and CPU limits
(``erfurt.extractors.render_page_isolated``). The erfurt row draws pages with a
:class:`~erfurt.extractors.DrawingPool` that keeps its processes waiting between pages;
the baseline, in the same run, is a pool that keeps none, so every page starts a
process, loads the parsers and ends (what each page cost before the pool). Rounds of
both are interleaved; the figure is CPU seconds per page of this process and its
children (``RUSAGE_CHILDREN`` counts a child once it is reaped: both pools are closed
before reading it), which the machine's other load does not move as it moves wall time.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from reportlab.pdfgen import canvas

from erfurt.extractors import DrawingPool, PageImageLimits

LIMITS = PageImageLimits()


def _pdf(path: Path, pages: int) -> Path:
    sheet = canvas.Canvas(str(path))
    for n in range(pages):
        sheet.drawString(72, 720, f"Page {n + 1} of a report: minutes of the district office.")
        sheet.showPage()
    sheet.save()
    return path


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _round(pdf: Path, pages: int, idle: int) -> tuple[float, float]:
    """(CPU seconds, wall seconds) per page of drawing ``pages`` pages with a pool
    keeping ``idle`` processes waiting."""
    cpu, wall = _cpu(), time.perf_counter()
    pool = DrawingPool(idle=idle)
    try:
        for number in range(1, pages + 1):
            pool.draw(pdf, "application/pdf", number, 0, LIMITS)
    finally:
        pool.close()
    return (_cpu() - cpu) / pages, (time.perf_counter() - wall) / pages


def measure(pages: int = 20, rounds: int = 5) -> list[dict[str, Any]]:
    """Rows: CPU and wall time per page drawn, warm pool against a process per page."""
    with tempfile.TemporaryDirectory(prefix="erfurt-bench-pages-") as folder:
        pdf = _pdf(Path(folder) / "report.pdf", pages)
        warm: list[tuple[float, float]] = []
        cold: list[tuple[float, float]] = []
        for _ in range(rounds):
            warm.append(_round(pdf, pages, idle=1))
            cold.append(_round(pdf, pages, idle=0))
    return [
        {
            "area": "service",
            "metric": f"page image CPU ms per page, {pages}-page PDF",
            "erfurt": 1000 * statistics.median(c for c, _ in warm),
            "baseline": 1000 * statistics.median(c for c, _ in cold),
            "notes": "a waiting drawing process; baseline: a process started per page "
            f"(median of {rounds} interleaved rounds, this process and its children)",
        },
        {
            "area": "service",
            "metric": f"page image wall ms per page, {pages}-page PDF",
            "erfurt": 1000 * statistics.median(w for _, w in warm),
            "baseline": 1000 * statistics.median(w for _, w in cold),
            "notes": "as above, in wall time (moved by the machine's other load)",
        },
    ]


def run(quick: bool) -> list[dict[str, Any]]:
    """Rows for bench/run.py."""
    return measure(pages=4, rounds=1) if quick else measure()


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(json.dumps(row), flush=True)
