"""Batch screening on the Dask engine against the local `erfurt screen`, same input, same run.

The matcher holds the whole 2021 OFAC list (``../shared/data/names``). The input is N
names: one in ten a listed name as people type it (lower case, a letter dropped, the
parts swapped), the others made of listed name parts paired at random (near misses,
as a customer file holds). Each engine is given the same rows:

- local: ``screen(..., workers=W)``, the fork pool `erfurt screen --jobs W` uses;
- engine: ``screen(..., engine=...)`` on a local Dask cluster of W worker processes
  (started before the clock starts; its start-up is its own row).

The names go through in slices (50,000 by default): each slice is one job on each of the
four contenders (local and engine, 1 and 2 workers), interleaved, so the machine's load
falls on all of them. CPU seconds count the driver and every worker process (psutil,
read on each worker), so they hold on a loaded machine where wall times do not; both
are given, summed over the slices, medians of the rounds. Each slice's results are
compared between contenders (a digest of ids, entities and scores): a difference fails
the run. After each slice a progress line (names done, rate, ETA) goes to stderr and
the slice's figures to the checkpoint file; the same command run again after an
interruption goes on from the first slice not done. Peak memory (RSS) of the driver, a
local pool process and an engine worker is reported.

    $ python bench/bench_engine.py              # 20,000 names, 1 and 2 workers, 3 rounds
    $ python bench/bench_engine.py --names 1000000 --rounds 1 --checkpoint engine-1m.json
    $ python bench/bench_engine.py --engine dask://10.0.0.5:8786   # a running cluster
    $ python bench/bench_engine.py --engine tls://10.0.0.5:8786 --tls CA CERT KEY
    $ python bench/bench_engine.py --quick      # 300 names, a tenth of the list, 2 workers
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import json
import os
import random
import resource
import statistics
import sys
import time
from collections.abc import Iterator
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


def _pending(rows: list[str], first_line: int) -> Iterator[ScreenResult]:
    return (
        ScreenResult(line, str(line), Query(name)) for line, name in enumerate(rows, first_line)
    )


def _own_cpu() -> float:
    """CPU seconds of the calling process and of its children reaped so far."""
    times = psutil.Process().cpu_times()
    return times.user + times.system + times.children_user + times.children_system


def _own_peak_rss() -> int:
    """The calling process's peak RSS in bytes (run on each engine worker too)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _cpu(engine: Engine | None) -> float:
    """CPU seconds used so far by this process and the engine's workers (run on each)."""
    on_workers: dict[str, float] = engine.client.run(_own_cpu) if engine else {}
    return _own_cpu() + sum(on_workers.values())


class Contender:
    """One way of screening: Erfurt's local pool or the engine, with ``workers`` processes."""

    def __init__(self, workers: int, engine: Engine | None) -> None:
        self.workers, self.engine = workers, engine
        self.name = f"{'engine' if engine else 'local'}-{workers}"

    def run(self, matcher: Matcher, rows: list[str], first_line: int) -> dict[str, Any]:
        """Screen ``rows`` as one job: its wall and CPU seconds, alerts and a digest of
        the results (ids, entities, scores, errors). The local pool loads the matcher
        afresh, as each `erfurt screen` does; the engine's workers get a fresh copy."""
        cpu, wall = _cpu(self.engine), time.perf_counter()
        if self.engine is None:
            fresh = Matcher.from_bytes(matcher.to_bytes())
            done = screen(fresh, _pending(rows, first_line), workers=self.workers)
        else:
            done = screen(matcher, _pending(rows, first_line), engine=self.engine)
        digest, alerts = hashlib.sha256(), 0
        for result in done:
            matches = [(m.entity_id, m.score) for m in result.matches]
            digest.update(json.dumps([result.id, matches, result.error]).encode())
            alerts += bool(matches)
        return {
            "wall": time.perf_counter() - wall,
            "cpu": _cpu(self.engine) - cpu,
            "alerts": alerts,
            "digest": digest.hexdigest(),
        }


class Checkpoint:
    """The figures of the slices done so far, in a JSON file rewritten after each slice
    (none without a path); a file made for other parameters is refused."""

    def __init__(self, path: Path | None, parameters: dict[str, Any]) -> None:
        self.path, self.slices = path, dict[str, Any]()
        if path is not None and path.exists():
            kept = json.loads(path.read_text(encoding="utf-8"))
            if kept["parameters"] != parameters:
                raise SystemExit(
                    f"{path} was written by a run with other parameters ({kept['parameters']}); "
                    "give the same ones to resume it, or another --checkpoint"
                )
            self.slices = kept["slices"]
        self._parameters = parameters

    def save(self, key: str, figures: dict[str, Any]) -> None:
        """Keep ``figures`` for slice ``key``, durably (write, fsync, rename)."""
        self.slices[key] = figures
        if self.path is None:
            return
        temporary = self.path.with_name(self.path.name + ".tmp")
        with temporary.open("w", encoding="utf-8") as out:
            json.dump({"parameters": self._parameters, "slices": self.slices}, out, indent=1)
            out.flush()
            os.fsync(out.fileno())
        temporary.replace(self.path)


def _peaks(engines: list[Engine]) -> dict[str, int]:
    """Peak RSS so far: this process, the largest local pool process (reaped), the
    largest engine worker."""
    on_workers = [v for e in engines for v in e.client.run(_own_peak_rss).values()]
    pool = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"driver": _own_peak_rss(), "pool": pool, "worker": max(on_workers, default=0)}


def _progress(done: int, total: int, ran: int, began: float, checkpoint: Path | None) -> None:
    """One line on stderr: names screened (by every contender), rate, ETA."""
    elapsed = time.perf_counter() - began
    rate = ran / elapsed if ran else 0.0
    eta = datetime.timedelta(seconds=round((total - done) / rate)) if rate else "?"
    now = datetime.datetime.now(datetime.UTC).strftime("%H:%M:%S")
    saved = f"; checkpoint {checkpoint}" if checkpoint else ""
    print(
        f"{now} {done:,}/{total:,} names ({100 * done / total:.1f}%), {rate:,.0f} names/s "
        f"per contender in this run, ETA {eta}{saved}",
        file=sys.stderr,
        flush=True,
    )


def measure(
    count: int,
    worker_counts: tuple[int, ...],
    rounds: int,
    matcher: Matcher,
    address: str = "",
    tls: EngineTLS | None = None,
    slice_size: int = 50_000,
    checkpoint: Path | None = None,
) -> dict[str, Any]:
    """Wall and CPU seconds of each contender for ``count`` names (summed over slices,
    medians of ``rounds``): local pools and local clusters of each of ``worker_counts``
    processes, or the running cluster at ``address`` (dask://... or tls://..., with
    ``tls``) against a local pool of as many processes as it has."""
    rows = names(matcher, count)
    parameters = {
        "names": count,
        "rounds": rounds,
        "slice": slice_size,
        "workers": list(worker_counts),
        "address": address,
        "input": hashlib.sha256("\n".join(rows).encode()).hexdigest(),
        "listed": len(matcher.entities),
    }
    kept = Checkpoint(checkpoint, parameters)
    if kept.slices:
        print(f"resuming: {len(kept.slices)} slices done in {checkpoint}", file=sys.stderr)
    starts = range(0, count, slice_size)
    with contextlib.ExitStack() as stack:
        start_s: dict[int, float] = {}
        contenders: list[Contender] = []
        for asked in (0,) if address else worker_counts:
            started = time.perf_counter()
            spec = EngineSpec.parse(address or "dask")
            engine = stack.enter_context(Engine.start(spec, workers=asked or None, tls=tls))
            start_s[engine.slots] = time.perf_counter() - started
            contenders += [Contender(engine.slots, None), Contender(engine.slots, engine)]
        engines = [c.engine for c in contenders if c.engine is not None]
        began, ran = time.perf_counter(), 0
        for round_number in range(rounds):
            for index, first in enumerate(starts):
                key = f"{round_number}/{index}"
                if key not in kept.slices:
                    part = rows[first : first + slice_size]
                    figures = {c.name: c.run(matcher, part, first + 2) for c in contenders}
                    if len({f["digest"] for f in figures.values()}) != 1:
                        raise SystemExit(f"slice {key}: the contenders' results differ")
                    kept.save(key, {**figures, "peak_rss": _peaks(engines)})
                    ran += len(part)
                    done = round_number * count + min(first + slice_size, count)
                    _progress(done, rounds * count, ran, began, checkpoint)
    return _summary(kept.slices, [c.name for c in contenders], rounds, start_s)


def _summary(
    slices: dict[str, Any], names: list[str], rounds: int, start_s: dict[int, float]
) -> dict[str, Any]:
    """Per contender: the medians over rounds of its wall and CPU seconds summed over
    slices; alerts; peak RSS over the whole run; start-up seconds of each cluster."""
    totals: dict[str, dict[str, list[float]]] = {n: {"wall": [], "cpu": []} for n in names}
    for round_number in range(rounds):
        mine = [v for k, v in slices.items() if k.startswith(f"{round_number}/")]
        for name in names:
            for unit in ("wall", "cpu"):
                totals[name][unit].append(sum(s[name][unit] for s in mine))
    first_round = [v for k, v in slices.items() if k.startswith("0/")]
    return {
        "median": {n: {u: statistics.median(v) for u, v in t.items()} for n, t in totals.items()},
        "alerts": sum(s[names[0]]["alerts"] for s in first_round),
        "peak_mib": {
            what: max(s["peak_rss"][what] for s in slices.values()) / 2**20
            for what in ("driver", "pool", "worker")
        },
        "start_s": start_s,
    }


def run(
    quick: bool,
    count: int | None = None,
    rounds: int | None = None,
    address: str = "",
    tls: EngineTLS | None = None,
    slice_size: int = 50_000,
    checkpoint: Path | None = None,
) -> list[dict[str, Any]]:
    """Rows for bench/run.py: engine against local screening, wall and CPU (``address``:
    a running cluster, dask://HOST:PORT or tls://HOST:PORT with ``tls``, measured alone
    instead of 1 and 2 local workers)."""
    count = count or (300 if quick else 20_000)
    rounds = rounds or (1 if quick else 3)
    # As `erfurt screen` has it: loaded from the stored index, which is what is sent.
    listed = read_ofac_sdn(OFAC).entities[:: 10 if quick else 1]
    matcher = Matcher.from_bytes(Matcher.build(listed).to_bytes())
    worker_counts = (2,) if quick else (1, 2)
    got = measure(count, worker_counts, rounds, matcher, address, tls, slice_size, checkpoint)
    median, peak = got["median"], got["peak_mib"]
    rows: list[dict[str, Any]] = []
    for workers, start_s in got["start_s"].items():
        note = (
            f"{count:,} names in slices of {slice_size:,}, {workers} workers, median of "
            f"{rounds}; {got['alerts']} alerts"
        )
        if address:
            note += f"; cluster at {address.partition('://')[0]}://"
        for unit in ("wall", "cpu"):
            rows.append(
                {
                    "area": "engine",
                    "metric": f"screening {unit} s, Dask engine vs local ({workers} workers)",
                    "erfurt": round(median[f"engine-{workers}"][unit], 3),
                    "baseline": round(median[f"local-{workers}"][unit], 3),
                    "notes": note,
                }
            )
        rows.append(
            {
                "area": "engine",
                "metric": f"Dask cluster start-up or connection s ({workers} workers)",
                "erfurt": round(start_s, 2),
                "notes": (
                    f"peak RSS MiB: engine worker {peak['worker']:.0f}, local pool process "
                    f"{peak['pool']:.0f}, driver {peak['driver']:.0f}"
                ),
            }
        )
    if {"engine-1", "engine-2"} <= set(median):
        rows.append(
            {
                "area": "engine",
                "metric": "screening wall s, Dask engine, 2 workers vs 1",
                "erfurt": round(median["engine-2"]["wall"], 3),
                "baseline": round(median["engine-1"]["wall"], 3),
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
        "--slice", type=int, default=50_000, help="names per job and checkpoint [50,000]"
    )
    parser.add_argument(
        "--checkpoint", type=Path, help="keep each slice's figures here; run again to resume"
    )
    parser.add_argument(
        "--tls", nargs=3, type=Path, metavar=("CA", "CERT", "KEY"), help="for a tls:// engine"
    )
    args = parser.parse_args()
    tls = EngineTLS(*args.tls) if args.tls else None
    rows = run(args.quick, args.names, args.rounds, args.engine, tls, args.slice, args.checkpoint)
    for row in rows:
        print(row, file=sys.stdout, flush=True)


if __name__ == "__main__":
    main()
