"""Declarations: importing a large registry, and tally queries that stay flat as it grows.

One registry is grown through each size by ``erfurt declarations import`` (the library
call behind it, through the real archive: log, checkpoint, view). At each size it reports
declarations/s, bytes per declaration on disk, and tally query times (p50/p95) from the
view's counters. The baseline, measured in the same run over the same declarations, is
the obvious schema (one row per declaration, one per organisation left) queried with
COUNT(*) / GROUP BY.

    python bench/bench_declarations.py          # full run: 1 and 10 million declarations
    python bench/bench_declarations.py --quick  # 10 and 100 thousand
"""

from __future__ import annotations

import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from erfurt.archive import Archive
from erfurt.declarations import DeclarationsView, Grouping, import_declarations, read_tally
from rows import csv_lines, result_row, size_label

ORGANISATIONS = ("Party", "Youth League", "Young Pioneers")
PLACES = tuple(f"Place {i}" for i in range(60))
DAYS = 3 * 365  # every registry size spans the same three years, more densely
START = 1_600_000_000
CHUNK = 200_000
QUERY_REPEATS = 200
BASELINE_REPEATS = 10  # the scans take seconds at 10 million

Row = tuple[str, str, str, str]  # time, alias, organisations ("a;b"), place


def generate(count: int, seed: int) -> Iterator[Row]:
    """``count`` declarations spread at random over :data:`DAYS` days."""
    rng = random.Random(seed)
    for n in range(count):
        when = time.gmtime(START + rng.randrange(DAYS * 86_400))
        organisations = [o for o in ORGANISATIONS if rng.random() < 0.5] or ["Party"]
        place = rng.choice(PLACES) if rng.random() < 0.7 else ""
        yield (
            time.strftime("%Y-%m-%dT%H:%M:%SZ", when),
            f"alias {n}",
            ";".join(organisations),
            place,
        )


def _naive_tables(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE naive_declaration (number INTEGER PRIMARY KEY, day TEXT, place TEXT)")
    db.execute("CREATE TABLE naive_organisation (number INTEGER, organisation TEXT)")


def _naive_add(db: sqlite3.Connection, first: int, rows: list[Row]) -> None:
    with db:
        db.executemany(
            "INSERT INTO naive_declaration VALUES (?, ?, ?)",
            [(first + i, r[0][:10], r[3] or None) for i, r in enumerate(rows)],
        )
        db.executemany(
            "INSERT INTO naive_organisation VALUES (?, ?)",
            [(first + i, o) for i, r in enumerate(rows) for o in r[2].split(";")],
        )


def _percentiles(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[max(0, round(len(timings) * 0.95) - 1)]


def _disk_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _query_rows(archive: Archive, naive: sqlite3.Connection, size: int) -> list[dict[str, object]]:
    def scan(sql: str) -> Callable[[], object]:
        return lambda: naive.execute(sql).fetchall()

    queries: dict[str, tuple[Grouping, Callable[[], object]]] = {
        "total": ("total", scan("SELECT COUNT(*) FROM naive_declaration")),
        "by day": ("day", scan("SELECT day, COUNT(*) FROM naive_declaration GROUP BY day")),
        "by organisation": (
            "organisation",
            scan("SELECT organisation, COUNT(*) FROM naive_organisation GROUP BY organisation"),
        ),
    }
    rows = []
    for name, (grouping, baseline) in queries.items():
        p50, p95 = _percentiles(partial(read_tally, archive, grouping), QUERY_REPEATS)
        b50, b95 = _percentiles(baseline, BASELINE_REPEATS)
        rows.append(
            result_row(
                "declarations",
                f"tally {name} p50 ms (n={size_label(size)})",
                round(p50, 3),
                round(b50, 3),
                f"p95 {p95:.3f} ms vs {b95:.3f} ms; baseline: COUNT(*)/GROUP BY scan",
            )
        )
    return rows


def measure(sizes: list[int], folder: Path) -> list[dict[str, object]]:
    """Grow one registry through ``sizes``; import rate, disk use and queries at each."""
    archive = Archive.init(
        folder / "archive", origin="bench.example/registry", who="bench", views=[DeclarationsView()]
    )
    naive_path = folder / "naive.sqlite"
    naive = sqlite3.connect(naive_path)
    _naive_tables(naive)
    source = generate(sizes[-1], seed=5)
    rows: list[dict[str, object]] = []
    done, importing, inserting = 0, 0.0, 0.0
    with archive:
        for size in sizes:
            while done < size:
                chunk = [next(source) for _ in range(min(CHUNK, size - done))]
                start = time.perf_counter()
                report = import_declarations(
                    archive,
                    csv_lines(["time", "alias", "organisations", "place"], chunk),
                    "generated.csv",
                )
                importing += time.perf_counter() - start
                assert report.imported == len(chunk) and not report.problems
                start = time.perf_counter()
                _naive_add(naive, done + 1, chunk)
                inserting += time.perf_counter() - start
                done += len(chunk)
            label = size_label(size)
            rows.append(
                result_row(
                    "declarations",
                    f"import declarations/s (n={label})",
                    round(size / importing),
                    round(size / inserting),
                    "CSV through log, signed checkpoint per 5,000 and view;"
                    " baseline: plain SQLite inserts, no log",
                )
            )
            rows.append(
                result_row(
                    "declarations",
                    f"bytes/declaration on disk (n={label})",
                    round(_disk_bytes(archive.paths.root) / size),
                    round(_disk_bytes(naive_path) / size),
                    f"log alone {_disk_bytes(archive.paths.log) / size:.0f} B;"
                    " baseline: the naive tables",
                )
            )
            rows += _query_rows(archive, naive, size)
    naive.close()
    return rows


def run(quick: bool) -> list[dict[str, object]]:
    """Rows for bench/run.py: import rate, disk use, tally percentiles against the scan."""
    sizes = [10_000, 100_000] if quick else [1_000_000, 10_000_000]
    with tempfile.TemporaryDirectory(prefix="erfurt-bench-") as folder:
        return measure(sizes, Path(folder))


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(json.dumps(row), flush=True)
