"""Service: yente-compatible ``/match`` throughput, batches of 100 queries, server on one core.

The archive holds the OFAC SDN list of 2021 (``shared/data/names``); queries are names from
yente's own global negatives fixture (with birth date and nationality), so most are misses
that still reach the scorer. The server is a separate ``erfurt serve`` process (one
process, so at most one core of Python); the client posts batches of 100 one after the other.
Baseline, same run: the same queries through ``Matcher.match`` in-process, no HTTP.

Two rows: wall-clock throughput, and queries per CPU second (the server process's CPU
time, read from ``/proc``, against the baseline's): on a machine shared with other work
the second is what "on one core" means, and the ratio of the two is what HTTP costs.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2

from erfurt.archive import Accounts, Archive, ArchivePaths
from erfurt.cli.options import all_views
from erfurt.errors import InputError
from erfurt.names import Query, import_list, load_matcher

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rss import cpu_seconds

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data" / "names"
BATCH = 100


def _queries(count: int) -> list[dict[str, str]]:
    with (DATA / "yente-fixtures" / "negatives_global.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [rows[n % len(rows)] for n in range(count)]


def _body(rows: list[dict[str, str]]) -> dict[str, Any]:
    queries = {}
    for n, row in enumerate(rows):
        properties = {"name": [row["full_name"]]}
        if row["date_of_birth"]:
            properties["birthDate"] = [row["date_of_birth"]]
        if row["nationality"]:
            properties["nationality"] = [row["nationality"]]
        queries[f"q{n}"] = {"schema": "Person", "properties": properties}
    return {"queries": queries}


def _baseline(path: Path, rows: list[dict[str, str]]) -> tuple[float, float]:
    """Queries per second and per CPU second through ``Matcher.match`` alone."""
    with Archive.open(path, views=all_views()) as archive:
        matcher = load_matcher(archive)
    start, start_cpu = time.perf_counter(), time.process_time()
    for row in rows:
        birth, country = row["date_of_birth"] or None, row["nationality"] or None
        with contextlib.suppress(InputError):  # not a name: refused, as /match would
            matcher.match(Query(row["full_name"], birth, country, "Person"), limit=5)
    cpu = time.process_time() - start_cpu
    return len(rows) / (time.perf_counter() - start), len(rows) / cpu


def measure(
    folder: Path, *, queries: int, list_format: str = "ofac-sdn", list_path: Path | None = None
) -> list[dict[str, Any]]:
    """Queries per second through /match, and through the matcher alone."""
    path = folder / "archive"
    with Archive.init(path, origin="example.org/bench-match", who="b", views=all_views()) as a:
        import_list(a, list_format, list_path or DATA / "ofac-sdn-2021", who="bench")
    with Accounts.open(ArchivePaths(path)) as accounts:
        accounts.add_user("screener", "reviewer", "bench password 1")
        token = accounts.new_token("screener", "bench")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    erfurt = Path(sys.executable).with_name("erfurt")
    server = subprocess.Popen(
        [str(erfurt), "serve", "--archive", str(path), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    rows = _queries(queries)
    try:
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as http:
            headers = {"authorization": f"ApiKey {token}"}
            while True:
                try:
                    http.get("/algorithms")
                    break
                except httpx2.TransportError:
                    time.sleep(0.1)
            http.post("/match/default", json=_body(rows[:BATCH]), headers=headers)  # warm
            bodies = [_body(rows[n : n + BATCH]) for n in range(0, len(rows), BATCH)]
            start, start_cpu = time.perf_counter(), cpu_seconds(server.pid)
            errors = 0
            for body in bodies:
                answer = http.post("/match/default", json=body, headers=headers)
                errors += answer.status_code != 200
            served = len(rows) / (time.perf_counter() - start)
            served_cpu = len(rows) / (cpu_seconds(server.pid) - start_cpu)
    finally:
        server.terminate()
        server.wait()
    baseline, baseline_cpu = _baseline(path, rows)
    return [
        {
            "area": "service",
            "metric": f"/match queries/s, batches of {BATCH}",
            "erfurt": served,
            "baseline": baseline,
            "notes": "baseline: Matcher.match in-process, no HTTP; target >= 500",
            "errors": errors,
        },
        {
            "area": "service",
            "metric": f"/match queries per CPU second of the server, batches of {BATCH}",
            "erfurt": served_cpu,
            "baseline": baseline_cpu,
            "notes": "baseline: Matcher.match in-process, per CPU second; target >= 500",
            "errors": errors,
        },
    ]


def run(quick: bool) -> list[dict[str, Any]]:
    """Rows for bench/run.py."""
    with tempfile.TemporaryDirectory(prefix="erfurt-bench-match-") as folder:
        return measure(Path(folder), queries=200 if quick else 5_000)


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(json.dumps(row), flush=True)
