"""What a serving process knows of its writer's silence, so that a hung writer does not
hold every thread that needs it.

Once a request to the writer went unanswered past its time limit, the writer counts as
silent: a request that needs it then fails at once (:func:`writer_silent`, a 503 saying
since when), except for one request at a time, which first pings the writer (a request
that reads and writes nothing there) and, when the ping is answered, goes on; then every
request goes through again. Only the probing request waits, at most its time limit, so a
burst of requests while the writer hangs cannot fill a worker's threads, and reads that
do not need the writer keep their threads. A writer whose process answers but whose disk
blocks says in its answer to the ping how long its oldest append has taken: as long as a
worker waits for one, or longer, and it still counts as silent (:func:`writer_stalled`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from erfurt.errors import ConfigError

__all__ = ["Turn", "WriterSilence", "no_answer", "writer_silent", "writer_stalled"]

_WHAT_TO_CHECK = (
    "check on the writer's host that `erfurt serve` is running and not stopped, that its "
    "disk is not full or hanging, and the network between the hosts"
)
_SEE = "(docs/deployment.md, When the writer hangs)"


@dataclass(frozen=True, slots=True)
class Turn:
    """What a request to the writer does now: go on, after pinging the writer first when
    ``probe`` (the request then calls :meth:`WriterSilence.end_probe` when done), or fail
    at once when ``silent_s`` is set: seconds since the writer stopped answering."""

    probe: bool = False
    silent_s: float | None = None


class WriterSilence:
    """Since when a writer has not answered (None: it answers) and whether a request is
    probing it; safe to share between the threads of a process. ``clock`` is the one the
    times given to :meth:`unanswered` come from."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._since: float | None = None
        self._probing = False

    def turn(self) -> Turn:
        """The next request's turn: go on while the writer answers; probe it when it is
        silent and nobody probes; otherwise fail at once."""
        with self._lock:
            if self._since is None:
                return Turn()
            if self._probing:
                return Turn(silent_s=max(self._clock() - self._since, 0.0))
            self._probing = True
            return Turn(probe=True)

    def answered(self) -> None:
        """The writer answered a probe: it is not silent."""
        with self._lock:
            self._since = None

    def unanswered(self, sent_at: float) -> None:
        """A request begun at ``sent_at`` got no answer within its time limit: the writer
        is silent since then, or since earlier if it already was."""
        with self._lock:
            self._since = sent_at if self._since is None else min(self._since, sent_at)

    def end_probe(self) -> None:
        """The probing request is done, answered or not: the next one may probe."""
        with self._lock:
            self._probing = False


def no_answer(where: str, limit: float, *, sent: bool) -> ConfigError:
    """The error of a request the writer at ``where`` did not answer in ``limit``
    seconds; ``sent``: whether the request itself reached it (it may have been carried
    out)."""
    if not sent:
        outcome = "nothing of this request reached it, so it can be repeated as it is"
    else:
        outcome = (
            "it got this request: if the request writes, it was carried out only if the "
            "writer had begun it, so see whether it is in the log before repeating it (an "
            "upload repeated with the same file, name and collection is answered 'present' "
            "if it landed)"
        )
    return ConfigError(
        f"the archive's writer process at {where} did not answer in {limit:g} s",
        f"{_WHAT_TO_CHECK}; {outcome} {_SEE}",
    )


def writer_silent(where: str, silent_s: float) -> ConfigError:
    """The error of a request refused at once because the writer at ``where`` has not
    answered for ``silent_s`` seconds and another request is probing it."""
    return ConfigError(
        f"the archive's writer process at {where} stopped answering {silent_s:.0f} s ago",
        f"{_WHAT_TO_CHECK}; nothing of this request was sent to it, so it can be repeated "
        "as it is: this worker tries the writer again with one request at a time and "
        f"sends every request again as soon as it answers {_SEE}",
    )


def writer_stalled(where: str, appending_s: float) -> ConfigError:
    """The error of a probe the writer at ``where`` answered while one of its appends has
    taken ``appending_s`` seconds so far (its disk blocks, or is full)."""
    return ConfigError(
        f"the archive's writer process at {where} answers, but has been appending one batch "
        f"for {appending_s:.0f} s",
        f"{_WHAT_TO_CHECK}; nothing of this request was sent to it, so it can be repeated "
        f"as it is once the batch ends {_SEE}",
    )
