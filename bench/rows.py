"""What benchmarks share: result rows for bench/run.py, size labels, CSV input in memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence


def size_label(n: int) -> str:
    """``n`` as 10k or 1M."""
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1_000}k"


def result_row(
    area: str, metric: str, value: float, baseline: float | None, notes: str
) -> dict[str, object]:
    """One row of bench/run.py's table."""
    return {"area": area, "metric": metric, "erfurt": value, "baseline": baseline, "notes": notes}


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """``rows`` under ``header`` as the lines of a CSV file, as an importer reads one."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    buffer.seek(0)
    return iter(buffer)
