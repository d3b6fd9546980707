"""Timestamps and cosignatures for every new checkpoint, fetched in the background.

Appends never wait for a Time-Stamping Authority or a witness: an :class:`Attester` runs
beside them (in ``erfurt serve``, or as ``erfurt log attest --interval N``) and, each
round, asks every configured TSA and witness that has not yet signed the current
checkpoint. One that is down or refuses is asked again next round, with the pause
doubling up to a limit, so a bad service slows nothing and loses nothing: receipts
made afterwards carry whatever was gathered.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from erfurt.archive.archive import Archive
from erfurt.archive.timestamps import TimestampOutcome, timestamp_checkpoint
from erfurt.archive.witnessing import WitnessRound, witness_checkpoint
from erfurt.errors import ErfurtError

__all__ = ["AttestRound", "Attester", "attest_checkpoint"]


@dataclass(frozen=True, slots=True)
class AttestRound:
    """One round: the checkpoint's size, and what each TSA and witness asked did."""

    tree_size: int
    timestamps: tuple[TimestampOutcome, ...]
    witnessing: WitnessRound

    @property
    def problems(self) -> tuple[str, ...]:
        """One line per TSA or witness that did not sign, saying why."""
        return tuple(
            [f"TSA {t.name}: {t.problem}" for t in self.timestamps if t.problem]
            + [f"witness {w.url}: {w.problem}" for w in self.witnessing.outcomes if w.problem]
        )

    @property
    def signed(self) -> int:
        """How many TSAs and witnesses signed the checkpoint in this round."""
        return sum(1 for t in self.timestamps if t.timestamp) + sum(
            1 for w in self.witnessing.outcomes if w.cosignatures
        )

    @property
    def fork_evidence(self) -> bool:
        """Whether a witness holds a larger tree than the log: a rollback or a fork."""
        return any(w.fork_evidence for w in self.witnessing.outcomes)


def attest_checkpoint(archive: Archive, *, timeout: float = 10.0) -> AttestRound:
    """Ask each configured TSA and witness that has not yet signed the current checkpoint.

    Nothing is raised for a service that is down or refuses (see :attr:`AttestRound.problems`);
    what was signed is kept on the checkpoint.
    """
    size, stamps = timestamp_checkpoint(archive, timeout=timeout, missing_only=True)
    witnessing = witness_checkpoint(archive, timeout=timeout, missing_only=True)
    return AttestRound(size, stamps, witnessing)


class Attester:
    """Runs :func:`attest_checkpoint` every ``interval`` seconds until stopped.

    ``open_archive`` opens the archive for one round (the log's lock is taken only while
    signatures are added). After a round with problems, or an error opening the archive,
    the pause doubles, up to ``max_interval``; a clean round restores ``interval``.
    ``report`` sees every round, ``on_error`` every error; neither may raise.
    """

    def __init__(
        self,
        open_archive: Callable[[], AbstractContextManager[Archive]],
        *,
        interval: float,
        report: Callable[[AttestRound], None],
        on_error: Callable[[ErfurtError | OSError], None],
        max_interval: float = 900.0,
        timeout: float = 10.0,
    ) -> None:
        self._open = open_archive
        self._interval = interval
        self._max_interval = max(interval, max_interval)
        self._report = report
        self._on_error = on_error
        self._timeout = timeout
        self._stop = threading.Event()

    def run(self) -> None:
        """Attest rounds until :meth:`stop` is called; the first round starts at once."""
        pause = 0.0
        while not self._stop.wait(pause):
            try:
                with self._open() as archive:
                    done = attest_checkpoint(archive, timeout=self._timeout)
            except (ErfurtError, OSError) as exc:
                self._on_error(exc)
                pause = self._longer(pause)
                continue
            self._report(done)
            pause = self._longer(pause) if done.problems else self._interval

    def start(self) -> threading.Thread:
        """Run in a daemon thread, which is returned."""
        thread = threading.Thread(target=self.run, name="erfurt-attester", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Ask :meth:`run` to return after the current round."""
        self._stop.set()

    def _longer(self, pause: float) -> float:
        return min(max(pause * 2, self._interval), self._max_interval)
