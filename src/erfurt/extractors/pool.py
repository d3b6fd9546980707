"""Extraction in worker processes, one per core, each file under a time limit.

A worker that runs past the limit, or dies (a parser crash), is killed with its process
group (so its tesseract goes too) and replaced; the file gets a failed Extraction saying
why, and the other files carry on (the files queued behind it go to another worker).
Each worker has a few files queued, so it goes on while the parent logs results, and
the first workers ready take the first files while the others still start. Parsers are
imported by each worker when the first file of their type comes, and the file's time
limit waits for them. A worker whose resident memory has grown past
``recycle_growth_bytes`` since it started takes no new file and is replaced once its
queue is empty, so that memory a parser leaks cannot grow with the corpus. Each worker
is a fresh interpreter running :mod:`erfurt.extractors.worker` (see there). With
``inline_bytes``, small UTF-8 text files are extracted in the pool's own process instead
(:mod:`erfurt.extractors.inline`), a few at a time between the workers' results.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from multiprocessing import Pipe
from multiprocessing.connection import Connection, wait
from pathlib import Path

from erfurt.errors import IngestError
from erfurt.extractors.inline import extract_inline
from erfurt.extractors.result import (
    TIME_LIMIT_HINT,
    ExpansionBudget,
    Extraction,
    ExtractOptions,
    failed,
)
from erfurt.extractors.worker import COMMAND, Notice

__all__ = ["ExtractionJob", "ExtractionPool"]

_logger = logging.getLogger(__name__)

# A worker still starting this long after it was spawned is given up on while another
# works, and otherwise noted in the log.
_STARTUP_LIMIT_S = 120
_LOADING_LIMIT_S = 600  # importing a file's parsers: only a hang takes this long
_QUEUED_PER_WORKER = 4  # jobs sent ahead, so a worker never waits for the parent
_INLINE_AT_ONCE = 32  # results extracted here between two looks at the workers
_PAGE = os.sysconf("SC_PAGE_SIZE")
# The folder erfurt is imported from: a worker imports the same code as its parent.
_SOURCE = str(Path(__file__).resolve().parents[2])


@dataclass(frozen=True, slots=True)
class ExtractionJob:
    """One file to extract: ``key`` is the caller's own identifier for it.

    ``budget`` is what is left of its top-level file's expansion budget (None: all of it).
    """

    key: int
    path: Path
    name: str
    budget: ExpansionBudget | None = None


@dataclass(slots=True)
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Connection
    ready: bool = False
    baseline_rss: int = 0
    retiring: bool = False
    stopped: bool = False
    spawned: float = field(default_factory=time.monotonic)
    patience: float = _STARTUP_LIMIT_S  # how long after spawned it is found late (again)
    jobs: deque[ExtractionJob] = field(default_factory=deque)
    unsent: list[ExtractionJob] = field(default_factory=list)
    started: float = 0.0  # when the job at the head of ``jobs`` started, at the latest
    loading: bool = False  # importing the parsers of the job at the head of ``jobs``


def _exited_while_starting(process: subprocess.Popen[bytes]) -> IngestError:
    """Reap a worker that ended before it was ready (killed first, should it linger);
    the error to raise for it."""
    process.kill()
    process.wait()
    return IngestError(
        "an extraction worker exited while starting",
        "check that erfurt is installed completely (make install), and that "
        "extract_memory_limit in erfurt.toml leaves room for its libraries",
    )


def _resident_bytes(pid: int | None) -> int:
    """The resident memory of process ``pid`` (0 when it cannot be read)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


class ExtractionPool:
    """Worker processes that extract files; use as a context manager.

    At most ``workers`` (default: the number of cores) are started, and only as many as
    there are files to extract at once, unless :meth:`start` starts them all ahead.
    ``recycle_growth_bytes`` (default: half of ``memory_limit_bytes``) is how far a
    worker's resident memory may grow past what it held once started before it is
    replaced. Text files of at most ``inline_bytes`` that are cheap and safe to read
    here are extracted in this process (see :mod:`erfurt.extractors.inline`; 0: none,
    every file goes to a worker).
    """

    def __init__(
        self,
        options: ExtractOptions,
        workers: int | None = None,
        recycle_growth_bytes: int | None = None,
        inline_bytes: int = 0,
    ) -> None:
        self._options = options
        self._inline_bytes = inline_bytes
        self._inline: deque[tuple[ExtractionJob, Extraction]] = deque()
        self._size = max(1, workers or os.cpu_count() or 1)
        self._growth = (
            options.memory_limit_bytes // 2
            if recycle_growth_bytes is None
            else recycle_growth_bytes
        )
        self._workers: list[_Worker] = []
        # Jobs taken from the caller, or from a killed worker, that no ready worker has
        # room for yet: they wait for workers that are starting.
        self._waiting: deque[ExtractionJob] = deque()
        self.started = 0
        """How many worker processes this pool has started (replacements included)."""

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self._workers:
            self._stop(worker, kill=bool(worker.jobs) or not worker.ready)
        self._workers = []

    def start(self, count: int | None = None) -> None:
        """Start ``count`` workers (default: all) now, not waiting for their parsers to load.

        Call it before other slow work (walking and preserving the files), so that the
        workers' start overlaps it. More are started as work needs them.
        """
        while len(self._workers) < min(self._size, count or self._size):
            self._workers.append(self._spawn())

    def run(self, jobs: Iterable[ExtractionJob]) -> Iterator[tuple[ExtractionJob, Extraction]]:
        """Extract every job; yield (job, result) as each finishes, in no fixed order."""
        pending = iter(jobs)
        self._inline.clear()  # results of an earlier run its caller stopped reading
        while True:
            more = self._hand_out(pending)
            for worker in self._workers:
                self._send(worker)
            while self._inline:
                yield self._inline.popleft()
            busy = [w for w in self._workers if w.jobs]
            starting = [w for w in self._workers if not w.ready]
            if not busy and not self._waiting:
                if more:
                    continue
                return
            # A starting worker is late only if jobs wait for it.
            late = [w.spawned + w.patience for w in starting] if self._waiting else []
            deadline = min([self._deadline(w) for w in busy] + late)
            # While files are extracted here, the workers are only looked at, not waited for.
            timeout = 0.0 if more else max(0.0, deadline - time.monotonic())
            ready = wait([w.conn for w in busy + starting], timeout=timeout)
            for worker in starting:
                if worker.conn in ready or worker.conn.poll(0):
                    self._on_ready(worker)
                elif self._waiting and time.monotonic() >= worker.spawned + worker.patience:
                    self._give_up_on(worker)
            for worker in busy:
                # Polled again: the caller may have taken long over the results yielded
                # before, and a result that came meanwhile is not an overrun.
                if worker.conn in ready or worker.conn.poll(0):
                    received = self._receive(worker)
                    if received is not None:
                        yield received
                elif time.monotonic() >= self._deadline(worker):
                    yield self._overrun(worker)
            # Stopped workers leave their slot; a new one is started when work needs it.
            self._workers = [w for w in self._workers if not w.stopped]

    def _deadline(self, worker: _Worker) -> float:
        """When the job at the head of the busy ``worker`` is out of time."""
        limit = _LOADING_LIMIT_S if worker.loading else self._options.time_limit_s
        return worker.started + limit

    def _overrun(self, worker: _Worker) -> tuple[ExtractionJob, Extraction]:
        """Kill ``worker``, out of time on its current job; that job's failure."""
        if worker.loading:
            reason = f"its parser did not load within {_LOADING_LIMIT_S} s"
        else:
            reason = f"extraction took longer than the limit of {self._options.time_limit_s} s"
        return self._kill(worker), failed(
            "none", "", "", f"{reason} and was stopped", TIME_LIMIT_HINT
        )

    def _hand_out(self, pending: Iterator[ExtractionJob]) -> bool:
        """Queue waiting jobs, then new ones, on ready workers with room. Jobs wait for
        the workers still starting, as many as they will take; past that, another worker
        is started (up to ``workers``). New jobs cheap enough are extracted here instead,
        up to a few at a time: returns True if it stopped for that (more may follow)."""
        while True:
            worker = self._open_worker()
            if worker is not None and self._waiting:
                job = self._waiting.popleft()
                worker.jobs.append(job)
                worker.unsent.append(job)
                continue
            room = _QUEUED_PER_WORKER * sum(1 for w in self._workers if not w.ready)
            if worker is None and len(self._waiting) >= room:  # no place for one more job
                if len(self._workers) >= self._size:
                    return False
                if self._waiting:
                    self._workers.append(self._spawn())
                    continue
            if len(self._inline) >= _INLINE_AT_ONCE:
                return True
            new = next(pending, None)
            if new is None:
                return False
            done = self._extract_here(new)
            if done is None:
                self._waiting.append(new)
            else:
                self._inline.append((new, done))

    def _extract_here(self, job: ExtractionJob) -> Extraction | None:
        """The job's extraction, if it is cheap and safe to do in this process."""
        if not self._inline_bytes:
            return None
        options = replace(self._options, budget=job.budget)
        return extract_inline(job.path, job.name, options, self._inline_bytes)

    def _open_worker(self) -> _Worker | None:
        """The ready worker with the fewest queued jobs and room for one more, or None."""
        open_workers = [
            w
            for w in self._workers
            if w.ready and not w.retiring and len(w.jobs) < _QUEUED_PER_WORKER
        ]
        return min(open_workers, key=lambda w: len(w.jobs), default=None)

    def _send(self, worker: _Worker) -> None:
        """Send the worker the jobs queued for it since the last call."""
        if not worker.unsent:
            return
        if len(worker.jobs) == len(worker.unsent):  # it was idle: the first one starts now
            worker.started = time.monotonic()
        for job in worker.unsent:
            worker.conn.send(job)
        worker.unsent.clear()

    def _receive(self, worker: _Worker) -> tuple[ExtractionJob, Extraction] | None:
        """The next result of ``worker`` and its job, or None for a notice (see Notice)."""
        try:
            result: Extraction | Notice = worker.conn.recv()
        except (EOFError, OSError):
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.process.wait(timeout=5)
            code = worker.process.returncode
            job = self._kill(worker)
            return job, failed(
                "none",
                "",
                "",
                f"the extractor crashed (exit code {code})",
                "its original is preserved; if the file is very large, raise "
                "extract_memory_limit in erfurt.toml and run `erfurt add --retry-failed`, "
                "else report the file's type to the Erfurt developers",
            )
        if isinstance(result, Notice):
            worker.loading = result is Notice.LOADING
            worker.started = time.monotonic()
            return None
        job = worker.jobs.popleft()
        worker.started = time.monotonic()  # the next job started by now, if not before
        if _resident_bytes(worker.process.pid) > worker.baseline_rss + self._growth:
            worker.retiring = True
        if worker.retiring and not worker.jobs:
            self._stop(worker, kill=False)
        return job, result

    def _kill(self, worker: _Worker) -> ExtractionJob:
        """Kill a worker stuck on, or crashed by, its current job; return that job.

        The jobs queued behind it go first to the workers that take the next jobs.
        """
        job = worker.jobs.popleft()
        self._waiting.extendleft(reversed(worker.jobs))
        worker.jobs.clear()
        self._stop(worker, kill=True)
        return job

    def _spawn(self) -> _Worker:
        parent, child = Pipe()
        path = os.pathsep.join(filter(None, (_SOURCE, os.environ.get("PYTHONPATH"))))
        # Its own process group, so that a kill also reaches its tesseract.
        process = subprocess.Popen(
            [sys.executable, *COMMAND, str(child.fileno())],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # stdout is the caller's (`erfurt add --json`)
            pass_fds=(child.fileno(),),
            env={**os.environ, "PYTHONPATH": path},
            process_group=0,
        )
        child.close()
        try:
            parent.send(self._options)
        except OSError as exc:  # it ended before reading them: reaped here, not leaked
            parent.close()
            raise _exited_while_starting(process) from exc
        self.started += 1
        return _Worker(process, parent)

    def _give_up_on(self, worker: _Worker) -> None:
        """Stop a worker still starting long after it was spawned, if another one works
        (its jobs go there); alone, it is waited for as long as it lives, with a word in
        the log: on a loaded machine loading can take minutes, and a worker that dies
        while starting is seen at once (its end of the pipe closes)."""
        if any(w.ready and not w.stopped for w in self._workers):
            self._stop(worker, kill=True)
            return
        _logger.warning(
            "an extraction worker is still starting after %.0f s: waiting",
            time.monotonic() - worker.spawned,
        )
        worker.patience += _STARTUP_LIMIT_S

    def _on_ready(self, worker: _Worker) -> None:
        """Take a new worker's word that its parsers are loaded; IngestError if it died."""
        try:
            worker.conn.recv()
        except (EOFError, OSError) as exc:
            raise _exited_while_starting(worker.process) from exc
        worker.ready = True
        worker.baseline_rss = _resident_bytes(worker.process.pid)

    def _stop(self, worker: _Worker, *, kill: bool) -> None:
        if kill:
            # ProcessLookupError: the group is gone already (the worker died alone)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.process.pid, signal.SIGKILL)
            worker.process.kill()
        else:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        try:
            worker.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait()
        worker.conn.close()
        worker.stopped = True
