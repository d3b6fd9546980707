"""Batch screening on the Dask engine against the local `erfurt screen`, same input, same run.

The matcher holds the whole 2021 OFAC list (``../shared/data/names``). The input is N
names: one in ten a listed name as people type it (lower case, a letter dropped, the
parts swapped), the others made of listed name parts paired at random (near misses,
as a customer file holds). Each engine is given the same rows:

- local: ``screen(..., workers=W)``, the fork pool `erfurt screen --jobs W` uses;
- engine: ``screen(..., engine=...)`` on a local Dask cluster of W worker processes
  (started before the clock starts; its start-up is its own row).

CPU seconds count the driver and every worker process (psutil, read on each worker), so
they hold on a loaded machine where wall times do not; both are given, medians of the
rounds, local and engine rounds interleaved. The outputs of
the two engines are compared row by row: a difference fails the run.

    $ python bench/bench_engine.py              # 20,000 names, 1 and 2 workers, 3 rounds
    $ python bench/bench_engine.py --names 1000000 --rounds 1
    $ python bench/bench_engine.py --engine dask://10.0.0.5:8786   # a running cluster
    $ python bench/bench_engine.py --engine tls://10.0.0.5:8786 --tls CA CERT KEY
    $ python bench/bench_engine.py --quick      # 300 names, a tenth of the list, 2 workers
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil

from erfurt.engine import Engine, EngineSpec, EngineTLS
from erfurt.names import Matcher, Query, ScreenResult, read_ofac_sdn, screen

OFAC = next(
    p / "shared" / "data" / "names" / "ofac-sdn-2021"
    for p in Path(__file__).resolve().parents
    if (p / "shared" / "data").is_dir() or p == Path("/")
)


def names(matcher: Matcher, count: int, seed: int = 13) -> list[str]:
    """``count`` names to screen: a tenth typed variants of listed names, the rest near
    misses made of listed parts."""
    rng = random.Random(seed)
    listed = [n.replace(",", "") for e in matcher.entities if e.schema == "Person" for n in e.names]
    parts = sorted({part for name in listed for part in name.split() if len(part) > 2})
    made: list[str] = []
    for number in range(count):
        if number % 10 == 0:
            name = rng.choice(listed)
            typed = (name.lower(), name[:-1], " ".join(reversed(name.split())), name)
            made.append(typed[number // 10 % 4])
        else:
            made.append(f"{rng.choice(parts)} {rng.choice(parts)}")
    return made


def _pending(rows: list[str]) -> Iterator[ScreenResult]:
    return (ScreenResult(line, str(line), Query(name)) for line, name in enumerate(rows, 2))


def _own_cpu() -> float:
    """CPU seconds of the calling process and of its children reaped so far."""
    times = psutil.Process().cpu_times()
    return times.user + times.system + times.children_user + times.children_system


def _own_rss() -> int:
    return int(psutil.Process().memory_info().rss)


def _cpu(engine: Engine | None) -> float:
    """CPU seconds used so far by this process and the engine's workers (run on each)."""
    on_workers: dict[str, float] = engine.client.run(_own_cpu) if engine else {}
    return _own_cpu() + sum(on_workers.values())


def _timed(
    job: Callable[[], list[ScreenResult]], engine: Engine | None
) -> tuple[float, float, list[ScreenResult]]:
    cpu, wall = _cpu(engine), time.perf_counter()
    result = job()
    return time.perf_counter() - wall, _cpu(engine) - cpu, result


def _key(results: list[ScreenResult]) -> list[tuple[str, tuple[tuple[str, float], ...]]]:
    return [(r.id, tuple((m.entity_id, m.score) for m in r.matches)) for r in results]


def measure(
    count: int,
    workers: int,
    rounds: int,
    matcher: Matcher,
    address: str = "",
    tls: EngineTLS | None = None,
) -> dict[str, Any]:
    """Medians of wall and CPU seconds, local and engine, for ``count`` names; on a local
    cluster of ``workers`` processes, or the running one at ``address`` (dask://... or
    tls://..., with ``tls``), against a local pool of as many processes as it has."""
    rows = names(matcher, count)

    packed = matcher.to_bytes()

    def local() -> list[ScreenResult]:
        # Loaded afresh, as each `erfurt screen` loads it: the engine's workers get a
        # fresh copy too, never one whose names an earlier round decoded.
        fresh = Matcher.from_bytes(packed)
        return list(screen(fresh, _pending(rows), workers=workers))

    started = time.perf_counter()
    with Engine.start(EngineSpec.parse(address or "dask"), workers=workers, tls=tls) as engine:
        start_s = time.perf_counter() - started
        workers = engine.slots

        def distributed() -> list[ScreenResult]:
            return list(screen(matcher, _pending(rows), engine=engine))

        on_local, on_engine = [], []
        for _ in range(rounds):  # interleaved, so that the machine's load falls on both
            on_local.append(_timed(local, None))
            on_engine.append(_timed(distributed, engine))
        sizes: dict[str, int] = engine.client.run(_own_rss)
    if _key(on_engine[0][2]) != _key(on_local[0][2]):
        raise SystemExit("the engine's results differ from the local engine's")
    return {
        "local_wall": statistics.median(r[0] for r in on_local),
        "local_cpu": statistics.median(r[1] for r in on_local),
        "engine_wall": statistics.median(r[0] for r in on_engine),
        "engine_cpu": statistics.median(r[1] for r in on_engine),
        "start_s": start_s,
        "workers": workers,
        "worker_rss_mib": max(sizes.values()) / 2**20,
        "alerts": sum(bool(r.matches) for r in on_local[0][2]),
    }


def run(
    quick: bool,
    count: int | None = None,
    rounds: int | None = None,
    address: str = "",
    tls: EngineTLS | None = None,
) -> list[dict[str, Any]]:
    """Rows for bench/run.py: engine against local screening, wall and CPU (``address``:
    a running cluster, dask://HOST:PORT or tls://HOST:PORT with ``tls``, measured alone
    instead of 1 and 2 local workers)."""
    count = count or (300 if quick else 20_000)
    rounds = rounds or (1 if quick else 3)
    # As `erfurt screen` has it: loaded from the stored index, which is what is sent.
    listed = read_ofac_sdn(OFAC).entities[:: 10 if quick else 1]
    matcher = Matcher.from_bytes(Matcher.build(listed).to_bytes())
    rows: list[dict[str, Any]] = []
    by_workers: dict[int, dict[str, Any]] = {}
    for asked in (2,) if quick or address else (1, 2):
        got = measure(count, asked, rounds, matcher, address, tls)
        workers = got["workers"]
        by_workers[workers] = got
        note = f"{count:,} names, {workers} workers, median of {rounds}; {got['alerts']} alerts"
        if address:
            note += f"; cluster at {address.partition('://')[0]}://"
        for unit in ("wall", "cpu"):
            rows.append(
                {
                    "area": "engine",
                    "metric": f"screening {unit} s, Dask engine vs local ({workers} workers)",
                    "erfurt": round(got[f"engine_{unit}"], 3),
                    "baseline": round(got[f"local_{unit}"], 3),
                    "notes": note,
                }
            )
        rows.append(
            {
                "area": "engine",
                "metric": f"Dask cluster start-up or connection s ({workers} workers)",
                "erfurt": round(got["start_s"], 2),
                "notes": f"largest worker RSS {got['worker_rss_mib']:.0f} MiB after the job",
            }
        )
    if {1, 2} <= set(by_workers):
        rows.append(
            {
                "area": "engine",
                "metric": "screening wall s, Dask engine, 2 workers vs 1",
                "erfurt": round(by_workers[2]["engine_wall"], 3),
                "baseline": round(by_workers[1]["engine_wall"], 3),
                "notes": "speed-up = baseline / erfurt",
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 names, one round")
    parser.add_argument("--names", type=int, help="how many names [default: 20,000]")
    parser.add_argument("--rounds", type=int, help="rounds per engine [default: 3]")
    parser.add_argument("--engine", default="", help="a running cluster, dask:// or tls://")
    parser.add_argument(
        "--tls", nargs=3, type=Path, metavar=("CA", "CERT", "KEY"), help="for a tls:// engine"
    )
    args = parser.parse_args()
    tls = EngineTLS(*args.tls) if args.tls else None
    for row in run(args.quick, args.names, args.rounds, args.engine, tls):
        print(row, file=sys.stdout, flush=True)


if __name__ == "__main__":
    main()
