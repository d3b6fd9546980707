"""Extraction in worker processes, one per core, each file under a time limit.

A worker that runs past the limit, or dies (a parser crash), is killed with its process
group (so its tesseract goes too) and replaced; the file gets a failed Extraction saying
why, and the other files carry on. Workers are replaced after ``jobs_per_worker`` files
so that memory a parser leaks cannot grow with the corpus.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
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

_STARTUP_LIMIT_S = 120


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
    done: int = 0
    job: ExtractionJob | None = None
    started: float = 0.0


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
    there are files to extract at once.
    """

    def __init__(
        self, options: ExtractOptions, workers: int | None = None, jobs_per_worker: int = 500
    ) -> None:
        self._options = options
        self._size = max(1, workers or os.cpu_count() or 1)
        self._jobs_per_worker = jobs_per_worker
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self._workers:
            self._stop(worker, kill=worker.job is not None)
        self._workers = []

    def run(self, jobs: Iterable[ExtractionJob]) -> Iterator[tuple[ExtractionJob, Extraction]]:
        """Extract every job; yield (job, result) as each finishes, in no fixed order."""
        pending = iter(jobs)
        exhausted = False
        while True:
            while not exhausted and (index := self._idle()) is not None:
                job = next(pending, None)
                if job is None:
                    exhausted = True
                    break
                if index == len(self._workers):
                    self._workers.append(self._start())
                self._workers[index] = worker = self._fresh(self._workers[index])
                worker.job, worker.started = job, time.monotonic()
                worker.conn.send(job)
            busy = [w for w in self._workers if w.job is not None]
            if not busy:
                return
            deadline = min(w.started for w in busy) + self._options.time_limit_s
            ready = wait([w.conn for w in busy], timeout=max(0.0, deadline - time.monotonic()))
            for index, worker in enumerate(self._workers):
                job = worker.job
                if job is None:
                    continue
                if worker.conn in ready:
                    yield job, self._receive(index)
                elif time.monotonic() - worker.started >= self._options.time_limit_s:
                    self._replace(index)
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

    def _idle(self) -> int | None:
        """The index of a worker free for a job (a new one past the end), or None."""
        for index, worker in enumerate(self._workers):
            if worker.job is None:
                return index
        return len(self._workers) if len(self._workers) < self._size else None

    def _receive(self, index: int) -> Extraction:
        worker = self._workers[index]
        try:
            result: Extraction = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=5)
            code = worker.process.exitcode
            self._replace(index)
            return failed(
                "none",
                "",
                "",
                f"the extractor crashed (exit code {code})",
                "its original is preserved; if the file is very large, raise "
                "extract_memory_limit in erfurt.toml and run `erfurt add --retry-failed`, "
                "else report the file's type to the Erfurt developers",
            )
        worker.job = None
        worker.done += 1
        return result

    def _fresh(self, worker: _Worker) -> _Worker:
        if worker.done < self._jobs_per_worker:
            return worker
        self._stop(worker, kill=False)
        return self._start()

    def _replace(self, index: int) -> None:
        self._stop(self._workers[index], kill=True)
        self._workers[index] = self._start()

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child, self._options), daemon=True)
        process.start()
        child.close()
        if not parent.poll(_STARTUP_LIMIT_S):
            process.kill()
            raise IngestError(
                f"an extraction worker did not start within {_STARTUP_LIMIT_S} s",
                "check that erfurt is installed completely (make install)",
            )
        try:
            parent.recv()
        except EOFError as exc:
            process.kill()
            raise IngestError(
                "an extraction worker exited while starting",
                "check that erfurt is installed completely (make install), and that "
                "extract_memory_limit in erfurt.toml leaves room for its libraries",
            ) from exc
        return _Worker(process, parent)

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
