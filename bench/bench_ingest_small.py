"""Benchmark of `erfurt add` on many small text files, against the disk's own floor.

- Erfurt: ``erfurt add`` of N small text files (200 B - 4 KB, English and Chinese), end
  to end as a user runs it: walk, preserve (blobs), log ``document.added``, extract the
  text in workers, log ``text.extracted``, update the views and the search index.
- Baseline, same run, same files: the bare floor of durable storage, with no archive:
  read each file, SHA-256 it, write it to a temp file, and per batch (as many files as
  `erfurt add` commits together, :class:`~erfurt.ingest.BatchLimits`) make the files
  durable, rename them into ``ab/cd/<sha256>`` folders and make the changed folders
  durable. Made durable as `erfurt add` does it (:func:`erfurt.log.make_durable`: one
  ``syncfs`` of the filesystem each time, on Linux); the floor with an fsync of each file
  and folder instead (in parallel threads) is said beside it.
- CPU: files per CPU-second of `erfurt add` (its workers included), which a loaded
  machine disturbs far less than the wall clock; ``--against SRC`` runs another checkout's
  ``src`` (e.g. main's) on the same files in the same run, as the baseline of that row.
- Memory: the peak RSS of `erfurt add` (main process, largest worker) at two sizes, and
  the main process's RSS as the log passes a tenth, three tenths, half and all of the
  run's records (said on stderr as they pass).
- Each checkout's modules are compiled to bytecode once (in a temp cache folder), as
  an installed package is: with ``PYTHONDONTWRITEBYTECODE`` set, every run would compile
  the CLI again (about 0.2 ms of CPU per file of a 2,000-file run).

- Rounds: ``--rounds N`` runs the floor and each checkout N times (the checkouts in
  alternating order) and reports medians, and in how many rounds this checkout was the
  faster: on a shared virtual disk one run each cannot see a change of 10%.

    $ python bench/bench_ingest_small.py --files 100000
    $ python bench/bench_ingest_small.py --files 3000 --rounds 5 --against ../main/src
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from erfurt.ingest import BatchLimits
from erfurt.log import make_durable
from rss import hwm_mib, rss_mib, run_sampling_rss

_BATCH = BatchLimits().files  # the floor commits as `erfurt add` does
_WORDS = ("police", "detained", "witness", "station", "protest", "officer", "warrant")
_HAN = "警察拘留证人车站抗议官员逮捕令街道名字十二个人民政府"


def make_small_files(folder: Path, count: int, seed: int = 13) -> int:
    """Write ``count`` distinct small text files (a few per folder); return their bytes."""
    rng = random.Random(seed)
    total = 0
    for n in range(count):
        sub = folder / f"{n // 1000:04d}"
        if n % 1000 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        if n % 4 == 3:
            body = "".join(rng.choices(_HAN, k=rng.randint(60, 1300)))
        else:
            body = " ".join(rng.choices(_WORDS, k=rng.randint(30, 600)))
        data = f"note {n}\n{body}\n".encode()
        (sub / f"{n:06d}.txt").write_bytes(data)
        total += len(data)
    return total


def floor_seconds(folder: Path, store: Path, each_file: bool = False) -> tuple[float, float]:
    """Seconds and CPU seconds of the bare durable copy of every file (see the module
    docstring): made durable as `erfurt add` does it, or by an fsync of ``each_file``
    and folder."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    tmp = store / "tmp"
    tmp.mkdir(parents=True)
    start, start_cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(8) as pool:

        def durable(paths: list[Path] | set[Path]) -> None:
            if each_file:
                list(pool.map(_fsync, paths))
            else:
                make_durable(paths, tmp)

        for first in range(0, len(files), _BATCH):
            staged = []
            for path in files[first : first + _BATCH]:
                data = path.read_bytes()
                digest = hashlib.sha256(data).hexdigest()
                temp = tmp / digest
                temp.write_bytes(data)
                staged.append((temp, digest))
            durable([temp for temp, _ in staged])
            changed = set()
            for temp, digest in staged:
                parent = store / digest[:2] / digest[2:4]
                if not parent.is_dir():
                    parent.mkdir(parents=True, exist_ok=True)
                    changed |= {parent.parent, store}
                os.replace(temp, parent / digest)
                changed.add(parent)
            durable(changed)
    return time.perf_counter() - start, time.process_time() - start_cpu


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _Milestones:
    """Notes the main process's resident memory as the log passes milestones of an `add`.

    The log holds ``archive.created``, then a ``document.added`` and a ``text.extracted``
    per file (a batch's texts after its files): the milestones are a tenth, three tenths,
    half and all of those records. Each is said on stderr as it passes (the run's
    progress) and kept in ``rss_at`` as ("records logged", records): (RSS, peak) MiB.
    """

    def __init__(
        self, archive: Path, files: int, rss_at: dict[tuple[str, int], tuple[int, int]]
    ) -> None:
        self._checkpoint = archive / "log" / "checkpoint"
        marks = sorted({max(1, 2 * files * n // 10) for n in (1, 3, 5, 10)})
        self._due = [("records logged", m, 1 + m) for m in marks]
        self.rss_at = rss_at

    def __call__(self, pid: int) -> None:
        if not self._due:
            return
        try:
            size = int(self._checkpoint.read_text().splitlines()[1])
        except (OSError, IndexError, ValueError):
            return  # between a write and a rename: read it at the next sample
        while self._due and size >= self._due[0][2]:
            now, peak = rss_mib(pid), hwm_mib(pid)
            if now == 0:
                # it ended after the sampler's last look: an exited process that is not
                # yet reaped has no memory to read, and these milestones passed unseen
                self._due.clear()
                return
            stage, records, _ = self._due.pop(0)
            self.rss_at[(stage, records)] = (now, peak)
            _say(f"{records:,} {stage}: main process RSS {now} MiB (peak {peak} MiB)")


def erfurt_add(
    folder: Path,
    archive: Path,
    src: str | None = None,
    rss_at: dict[tuple[str, int], tuple[int, int]] | None = None,
) -> tuple[float, float, int, int]:
    """`erfurt add` over ``folder`` (of the checkout whose ``src`` is given, else this one):
    seconds, CPU seconds (workers included), peak RSS (MiB), its largest worker's. With
    ``rss_at``, the main process's memory at milestones of the run (:class:`_Milestones`)."""
    # The console script, as a user runs it (its workers once imported it again, as
    # their main module); PYTHONPATH below picks the checkout it runs.
    cli = [str(Path(sys.executable).with_name("erfurt"))]
    if src is not None:
        os.environ["PYTHONPATH"] = src
    code = src or str(Path(__file__).resolve().parents[1] / "src")
    # One bytecode folder per checkout, beside the archives: each round reuses it.
    compiled = archive.parent / f"bytecode-{hashlib.sha256(code.encode()).hexdigest()[:12]}"
    os.environ["PYTHONPYCACHEPREFIX"] = str(compiled)
    saved = os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        if not compiled.exists():
            subprocess.run([sys.executable, "-m", "compileall", "-q", code], check=True)
        init = [*cli, "init", "--archive", str(archive), "--who", "b"]
        subprocess.run(init, check=True, capture_output=True)
        before = _children_cpu()
        files = sum(1 for p in folder.rglob("*") if p.is_file())
        seconds, main_peak, worker_peak = run_sampling_rss(
            [*cli, "add", "--archive", str(archive), "--who", "b", str(folder)],
            on_sample=_Milestones(archive, files, rss_at) if rss_at is not None else None,
        )
        return seconds, _children_cpu() - before, main_peak, worker_peak
    finally:
        os.environ.pop("PYTHONPATH", None)
        os.environ.pop("PYTHONPYCACHEPREFIX", None)
        if saved is not None:
            os.environ["PYTHONDONTWRITEBYTECODE"] = saved


def _medians(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The median seconds and median CPU seconds of ``runs`` (each measured alone)."""
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def _children_cpu() -> float:
    """User + system seconds of every finished child process (and theirs)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _say(step: str) -> None:
    """A progress line on stderr: the time, the load and the step starting."""
    print(f"{time.strftime('%H:%M:%S')} (load {_load()}) {step}", file=sys.stderr, flush=True)


def run(
    quick: bool, files: int | None = None, against: str | None = None, rounds: int = 1
) -> list[dict[str, Any]]:
    """Files/s of `erfurt add` vs the floor, files per CPU-second (vs ``against``, the
    ``src`` folder of another checkout), peak RSS at ``files`` and at a tenth of it.

    With ``rounds`` above one, the floor and each checkout run that many times, the two
    checkouts in alternating order, and the medians are reported (the memory is that of
    the first round). Every run writes to a folder of its own and nothing is deleted
    until the end: ext4 creates files slowly for about 30 s after many were deleted,
    which would slow whichever run came next.
    """
    count = files or (200 if quick else 3000)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        _say(f"writing {count:,} small files")
        size = make_small_files(corpus, count)
        load_before = _load()
        rss_at: dict[tuple[str, int], tuple[int, int]] = {}
        floors: list[tuple[float, float]] = []
        fsync_floors: list[tuple[float, float]] = []
        adds: list[tuple[float, float]] = []
        others: list[tuple[float, float]] = []
        main_peak = worker_peak = 0
        checkouts = [("archive", None)] + ([("other", against)] if against else [])
        for round_ in range(rounds):
            _say(f"round {round_ + 1} of {rounds}: the durable-copy floor")
            floors.append(floor_seconds(corpus, Path(tmp) / f"floor-{round_}"))
            _say(f"floor: {count / floors[-1][0]:.1f} files/s")
            fsync_floors.append(floor_seconds(corpus, Path(tmp) / f"fsyncs-{round_}", True))
            _say(f"floor with an fsync each: {count / fsync_floors[-1][0]:.1f} files/s")
            for name, src in checkouts if round_ % 2 == 0 else checkouts[::-1]:
                first = name == "archive" and not round_
                seconds, cpu, peak, worker = erfurt_add(
                    corpus, Path(tmp) / f"{name}-{round_}", src, rss_at if first else None
                )
                (others if src else adds).append((seconds, cpu))
                if first:
                    main_peak, worker_peak = peak, worker
                _say(f"erfurt add of {src or 'this checkout'}: {count / seconds:.1f} files/s")
        floor_s, floor_cpu = _medians(floors)
        fsyncs_s, fsyncs_cpu = _medians(fsync_floors)
        add_s, add_cpu = _medians(adds)
        other_s, other_cpu = _medians(others) if others else (None, None)
        note = f"{count:,} files, {size / 1e6:.1f} MB; load average {load_before} -> {_load()}"
        if rounds > 1:
            note += (
                f"; medians of {rounds} rounds, erfurt add "
                + ", ".join(f"{count / seconds:.0f}" for seconds, _ in adds)
                + " files/s"
            )
            if others:
                faster = sum(mine[0] < theirs[0] for mine, theirs in zip(adds, others, strict=True))
                note += f", faster than {against} in {faster} of {rounds}"
        rows += [
            {
                "area": "ingest",
                "metric": "small text files/s (erfurt add, end to end)",
                "erfurt": count / add_s,
                "baseline": count / floor_s,
                "notes": "baseline: read + SHA-256 + write, made durable per batch as erfurt"
                f" does (an fsync of each file and folder instead: {count / fsyncs_s:.1f}"
                f" files/s); {note}"
                + (f"; {against}: {count / other_s:.1f} files/s" if other_s else ""),
            },
            {
                "area": "ingest",
                "metric": "CPU ms per small text file (erfurt add, workers included)",
                "erfurt": 1000 * add_cpu / count,
                "baseline": 1000 * floor_cpu / count,
                "notes": "baseline: the floor above, same files (with an fsync each:"
                f" {1000 * fsyncs_cpu / count:.2f} ms)",
            },
            {
                "area": "ingest",
                "metric": "small text files per CPU-second (erfurt add, workers included)",
                "erfurt": count / add_cpu,
                "baseline": None if other_cpu is None else count / other_cpu,
                "notes": f"baseline: {against}" if against else "no --against checkout",
            },
            {
                "area": "ingest",
                "metric": f"peak RSS MiB, erfurt add of {count:,} small files",
                "erfurt": main_peak,
                "baseline": None,
                "notes": f"main process; largest worker {worker_peak} MiB",
            },
        ]
        rows += [
            {
                "area": "ingest",
                "metric": f"RSS MiB of erfurt add's main process, {records:,} {stage}",
                "erfurt": now,
                "baseline": None,
                "notes": f"of {count:,} files; peak so far {peak} MiB",
            }
            for (stage, records), (now, peak) in rss_at.items()
        ]
    tenth = max(count // 10, 10)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        make_small_files(corpus, tenth, seed=tenth)
        _say(f"erfurt add of {tenth:,} files, for its peak RSS")
        _, _, main_peak, worker_peak = erfurt_add(corpus, Path(tmp) / "archive")
    rows.append(
        {
            "area": "ingest",
            "metric": f"peak RSS MiB, erfurt add of {tenth:,} small files",
            "erfurt": main_peak,
            "baseline": None,
            "notes": f"main process; largest worker {worker_peak} MiB",
        }
    )
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, help="how many files [default: 3000]")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for a smoke run")
    parser.add_argument("--against", help="the src folder of another checkout, run as well")
    parser.add_argument(
        "--rounds", type=int, default=1, help="runs of each, alternating; medians [default: 1]"
    )
    options = parser.parse_args()
    rows = run(options.quick, options.files, options.against, max(options.rounds, 1))
    for row in rows:
        print(row)
