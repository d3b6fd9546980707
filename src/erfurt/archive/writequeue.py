"""One writer for many callers: a queue that batches records into durable log appends.

A served archive has many request handlers appending at once. Each hands its records to
:meth:`WriteQueue.submit` and waits; one thread takes everything queued so far, appends it
as one batch (one round of fsyncs and one signed checkpoint), applies it to the views,
and only then wakes each caller with its own indexes. Records of one caller stay
together, and callers are served in the order they submitted. A caller that may stop
waiting (a worker over the writer link, past its time limit) says how to tell: records
nobody waits for any more when their batch is formed are not appended.

The thread holds the log's lock only while it appends a batch, so a command-line writer
working on the same archive gets its turn between batches (and the queue waits for it).

Records tagged with a request (:mod:`erfurt.archive.requests`) are looked up under that
lock first: a request already answered, or sent twice into one batch, gets the indexes of
its first records and nothing is appended again.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from erfurt.archive.archive import Archive
from erfurt.archive.records import Record
from erfurt.archive.requests import RequestsView, RequestTag, answered_request, same_request
from erfurt.archive.viewdb import ViewConnection
from erfurt.archive.views import View
from erfurt.errors import ConfigError, ErfurtError

__all__ = ["WriteQueue"]

_logger = logging.getLogger(__name__)


@dataclass(slots=True)
class _Job:
    records: Sequence[Record]
    wanted: Callable[[], bool] | None = None
    done: threading.Event = field(default_factory=threading.Event)
    indexes: list[int] = field(default_factory=list)
    error: BaseException | None = None
    same_as: _Job | None = None  # the job of this batch that sent the same request first


class WriteQueue:
    """The single writer of one archive, fed by any number of threads.

    A batch waits for another writer's lock as long as the archive's ``lock_wait``
    setting allows; past it, its callers get a :class:`ConfigError`. ``database`` and
    ``key_file`` override the archive's views database and signing key. Use as a context
    manager, or call :meth:`start` and :meth:`close`. The ``requests`` view is kept
    with ``views`` (added when they lack it): it is how the queue knows which requests
    it answered.
    """

    def __init__(
        self,
        path: Path,
        *,
        views: Sequence[View] = (),
        max_batch: int = 5_000,
        database: str | None = None,
        key_file: Path | None = None,
    ) -> None:
        self._path = path
        self._views = list(views)
        if all(view.name != RequestsView.name for view in views):
            self._views.append(RequestsView())
        self._database = database
        self._key_file = key_file
        self._max_batch = max_batch
        self._jobs: deque[_Job] = deque()
        self._wake = threading.Condition()
        self._closing = False
        self._opened = threading.Event()
        self._open_error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="erfurt-writer", daemon=True)
        self.batches = 0

    def start(self) -> WriteQueue:
        """Open the archive in the writer thread; raises what opening it raised."""
        self._thread.start()
        self._opened.wait()
        if self._open_error is not None:
            raise self._open_error
        return self

    def __enter__(self) -> WriteQueue:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def submit(
        self, records: Sequence[Record], *, wanted: Callable[[], bool] | None = None
    ) -> list[int]:
        """Append ``records`` as one run of the log and return their indexes once durable.

        Records that carry a request already answered (:mod:`erfurt.archive.requests`)
        are not appended: the indexes returned are those of the first answer's records.
        ``wanted``, if given, is asked when their batch is formed: if it returns False
        (their client gave up waiting), they are not appended.

        Raises :class:`InputError` (before queueing anything) for a record that cannot be
        encoded, :class:`ConfigError` when the queue is closed, the lock never came free
        or the records were no longer wanted, and whatever the append raised for the
        batch it was in.
        """
        for record in records:
            record.to_bytes()  # a bad record fails its own caller, never a whole batch
        if not records:
            return []
        job = _Job(list(records), wanted)
        with self._wake:
            if self._closing or not self._thread.is_alive():
                raise ConfigError(
                    "the archive's writer has stopped", "restart `erfurt serve` and try again"
                )
            self._jobs.append(job)
            self._wake.notify()
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.indexes

    def close(self) -> None:
        """Finish every queued job, then stop the thread and close the archive."""
        with self._wake:
            self._closing = True
            self._wake.notify()
        if self._thread.is_alive():
            self._thread.join()

    def _take(self) -> list[_Job] | None:
        with self._wake:
            jobs: list[_Job] = []
            while not jobs:
                while not self._jobs and not self._closing:
                    self._wake.wait()
                if not self._jobs:
                    return None
                count = 0
                while self._jobs and (
                    not jobs or count + len(self._jobs[0].records) <= self._max_batch
                ):
                    job = self._jobs.popleft()
                    if job.wanted is not None and not job.wanted():
                        _drop(job)
                        continue
                    jobs.append(job)
                    count += len(job.records)
            return jobs

    def _run(self) -> None:
        try:
            archive = Archive.open(
                self._path, views=self._views, database=self._database, key_file=self._key_file
            )
        except BaseException as exc:
            self._open_error = exc
            self._opened.set()
            return
        self._opened.set()
        try:
            while (jobs := self._take()) is not None:
                self._write(archive, jobs)
        finally:
            archive.close()

    def _write(self, archive: Archive, jobs: list[_Job]) -> None:
        try:
            self._append(archive, jobs)
        except BaseException as exc:
            count = sum(len(job.records) for job in jobs)
            _logger.error("a batch of %d records was not appended: %s", count, exc)
            for job in jobs:
                job.error = exc
                job.done.set()
            return
        self.batches += 1
        for job in jobs:
            if job.same_as is not None:
                job.indexes = job.same_as.indexes
            job.done.set()

    def _append(self, archive: Archive, jobs: list[_Job]) -> None:
        """Append, as one batch, the jobs whose requests were not answered yet, and give
        each job its indexes: its own, its earlier answer's, or (``same_as``) those of
        the job in this batch it repeats; or its error."""
        fresh: list[_Job] = []

        def not_answered(db: ViewConnection) -> list[Record]:
            fresh.clear()
            first_of: dict[str, _Job] = {}
            for job in jobs:
                tag = RequestTag.carried_by(job.records)
                try:
                    if tag is not None and tag.request in first_of:
                        job.same_as = first_of[tag.request]
                        same_request(RequestTag.carried_by(job.same_as.records), tag)
                        continue
                    if tag is not None and (earlier := answered_request(db, tag)) is not None:
                        job.indexes = earlier
                        continue
                except ErfurtError as exc:
                    job.same_as, job.error = None, exc
                    continue
                if tag is not None:
                    first_of[tag.request] = job
                fresh.append(job)
            return [record for job in fresh for record in job.records]

        # Archive.append(_with) waits its turn for the log's lock (lock_wait) and first
        # applies what other writers appended, so a CLI writer gets in between two
        # batches, and the check sees every request answered so far. A batch without a
        # request skips the check (about a tenth of a busy queue's time).
        archive.refresh()
        if any(RequestTag.carried_by(job.records) for job in jobs):
            indexes = archive.append_with(not_answered)
        else:
            fresh.extend(jobs)
            indexes = archive.append([record for job in jobs for record in job.records])
        start = next(iter(indexes), 0)
        for job in fresh:
            job.indexes = list(range(start, start + len(job.records)))
            start += len(job.records)


def _drop(job: _Job) -> None:
    """Fail ``job``, whose caller stopped waiting before its batch was formed."""
    _logger.warning(
        "%d records were not appended: their client stopped waiting (writer_time_limit) "
        "before the writer got to them",
        len(job.records),
    )
    job.error = ConfigError(
        "the records were not appended: their client stopped waiting for them",
        "send them again",
    )
    job.done.set()
