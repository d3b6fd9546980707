"""Extraction in worker processes, one per core, each file under a time limit.

A worker that runs past the limit, or dies (a parser crash), is killed with its process
group (so its tesseract goes too) and replaced; the file gets a failed Extraction saying
why, and the other files carry on (the files queued behind it go to another worker).
Each worker has a few files queued, so it goes on while the parent logs results. A
worker whose resident memory has grown past ``recycle_growth_bytes`` since it started
takes no new file and is replaced once its queue is empty, so that memory a parser
leaks cannot grow with the corpus.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import resource
import signal
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path

from erfurt.errors import IngestError
from erfurt.ingest.extractors.dispatch import extract_file, load_extractors
from erfurt.ingest.extractors.result import (
    TIME_LIMIT_HINT,
    ExpansionBudget,
    Extraction,
    ExtractOptions,
    failed,
)

__all__ = ["ExtractionJob", "ExtractionPool"]

_logger = logging.getLogger(__name__)

_STARTUP_NOTICE_S = 120  # a worker still loading after this long is worth a word in the log
_QUEUED_PER_WORKER = 4  # jobs sent ahead, so a worker never waits for the parent
_PAGE = os.sysconf("SC_PAGE_SIZE")


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
    process: BaseProcess
    conn: Connection
    ready: bool = False
    baseline_rss: int = 0
    retiring: bool = False
    stopped: bool = False
    jobs: deque[ExtractionJob] = field(default_factory=deque)
    unsent: list[ExtractionJob] = field(default_factory=list)
    started: float = 0.0  # when the job at the head of ``jobs`` started, at the latest


def _resident_bytes(pid: int | None) -> int:
    """The resident memory of process ``pid`` (0 when it cannot be read)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


def _serve(conn: Connection, options: ExtractOptions) -> None:
    os.setpgid(0, 0)  # its own process group, so a kill also reaches tesseract
    # pypdf logs every oddity of a damaged PDF at WARNING; the outcome (text or a failure
    # with its reason) is what the user needs, and this process is ours to configure.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    load_extractors()  # so that no file's time limit pays for importing its parser
    # Address space, not resident memory: a parser asking for too much gets a MemoryError
    # (or dies) in this worker alone, instead of the machine swapping or its OOM killer
    # choosing a victim. Inherited by tesseract and other helpers the worker starts. Set
    # after the imports, so that a low limit fails files, not the start of every worker.
    resource.setrlimit(resource.RLIMIT_AS, (options.memory_limit_bytes, options.memory_limit_bytes))
    conn.send(True)  # imports done: the time limit starts counting from the first job
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
            result = extract_file(job.path, job.name, replace(options, budget=job.budget))
        except OSError as exc:  # the blob itself cannot be read: say so, keep serving
            result = failed(
                "none",
                "",
                "",
                f"cannot be read: {exc.strerror}",
                "run `erfurt log check`: a preserved file should always be readable",
            )
        conn.send(result)


class ExtractionPool:
    """Worker processes that extract files; use as a context manager.

    At most ``workers`` (default: the number of cores) are started, and only as many as
    there are files to extract at once, unless :meth:`start` starts them all ahead.
    ``recycle_growth_bytes`` (default: half of ``memory_limit_bytes``) is how far a
    worker's resident memory may grow past what it held once started before it is
    replaced.
    """

    def __init__(
        self,
        options: ExtractOptions,
        workers: int | None = None,
        recycle_growth_bytes: int | None = None,
    ) -> None:
        self._options = options
        self._size = max(1, workers or os.cpu_count() or 1)
        self._growth = (
            options.memory_limit_bytes // 2
            if recycle_growth_bytes is None
            else recycle_growth_bytes
        )
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []
        self._requeued: deque[ExtractionJob] = deque()
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
        exhausted = False
        while True:
            while (self._requeued or not exhausted) and (index := self._open_slot()) is not None:
                job = self._requeued.popleft() if self._requeued else next(pending, None)
                if job is None:
                    exhausted = True
                    break
                if index == len(self._workers):
                    self._workers.append(self._spawn())
                self._workers[index].jobs.append(job)
                self._workers[index].unsent.append(job)
            # Sent once every worker needed is spawned, so that they load in parallel.
            for worker in self._workers:
                self._send(worker)
            busy = [w for w in self._workers if w.jobs]
            if not busy:
                return
            deadline = min(w.started for w in busy) + self._options.time_limit_s
            ready = wait([w.conn for w in busy], timeout=max(0.0, deadline - time.monotonic()))
            for worker in busy:
                # Polled again: the caller may have taken long over the results yielded
                # before, and a result that came meanwhile is not an overrun.
                if worker.conn in ready or worker.conn.poll(0):
                    yield self._receive(worker)
                elif time.monotonic() - worker.started >= self._options.time_limit_s:
                    job = self._kill(worker)
                    yield (
                        job,
                        failed(
                            "none",
                            "",
                            "",
                            f"extraction took longer than the limit of "
                            f"{self._options.time_limit_s} s and was stopped",
                            TIME_LIMIT_HINT,
                        ),
                    )
            # Stopped workers leave their slot; a new one is started when work needs it.
            self._workers = [w for w in self._workers if not w.stopped]

    def _open_slot(self) -> int | None:
        """The worker with the fewest queued jobs and room for one more (a new one past
        the end while fewer than ``workers`` run), or None."""
        open_slots = [
            (len(w.jobs), index)
            for index, w in enumerate(self._workers)
            if not w.retiring and len(w.jobs) < _QUEUED_PER_WORKER
        ]
        if len(self._workers) < self._size:
            open_slots.append((0, len(self._workers)))
        return min(open_slots)[1] if open_slots else None

    def _send(self, worker: _Worker) -> None:
        """Send the worker the jobs queued for it since the last call."""
        if not worker.unsent:
            return
        if not worker.ready:
            self._await_ready(worker)
        if len(worker.jobs) == len(worker.unsent):  # it was idle: the first one starts now
            worker.started = time.monotonic()
        for job in worker.unsent:
            worker.conn.send(job)
        worker.unsent.clear()

    def _receive(self, worker: _Worker) -> tuple[ExtractionJob, Extraction]:
        try:
            result: Extraction = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=5)
            code = worker.process.exitcode
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
        self._requeued.extendleft(reversed(worker.jobs))
        worker.jobs.clear()
        self._stop(worker, kill=True)
        return job

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child, self._options), daemon=True)
        process.start()
        child.close()
        self.started += 1
        return _Worker(process, parent)

    def _await_ready(self, worker: _Worker) -> None:
        """Wait for a new worker to have loaded its parsers; raise IngestError if it cannot.

        Waited for as long as it lives: on a loaded machine loading can take minutes, and a
        worker that dies while loading is seen at once (its end of the pipe closes).
        """
        waited = 0
        while not worker.conn.poll(_STARTUP_NOTICE_S):
            waited += _STARTUP_NOTICE_S
            _logger.warning("an extraction worker is still starting after %d s: waiting", waited)
        try:
            worker.conn.recv()
        except EOFError as exc:
            worker.process.kill()
            raise IngestError(
                "an extraction worker exited while starting",
                "check that erfurt is installed completely (make install), and that "
                "extract_memory_limit in erfurt.toml leaves room for its libraries",
            ) from exc
        worker.ready = True
        worker.baseline_rss = _resident_bytes(worker.process.pid)

    def _stop(self, worker: _Worker, *, kill: bool) -> None:
        if kill and worker.process.pid is not None:
            # ProcessLookupError: killed before it made its own group; the kill below suffices
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.process.pid, signal.SIGKILL)
            worker.process.kill()
        else:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        worker.process.join(timeout=10)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.conn.close()
        worker.stopped = True
