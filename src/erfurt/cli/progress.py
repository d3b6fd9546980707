"""Progress on stderr for long work: done, bytes, rate and ETA.

On a terminal a bar is redrawn in place; otherwise (a pipe, a log file under ``nohup``
or a scheduler) a plain line is written every few seconds, so a long job never looks
hung; ``--quiet`` silences both. Either way the last state is printed when the work ends.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import IO

from erfurt.cli.escape import printable

__all__ = ["Progress"]

_BAR_CELLS = 24


class Progress:
    """One long job's progress: redrawn ten times a second on a terminal, else a line
    every ``interval_s`` seconds (both measured with ``clock``); ``also`` adds to the
    line what a job running beside it has done."""

    def __init__(
        self,
        unit: str,
        *,
        total: int | None = None,
        quiet: bool = False,
        stream: IO[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        interval_s: float = 5.0,
        also: Callable[[], str] | None = None,
    ) -> None:
        self.unit = unit
        self.held = False
        """While true, :meth:`advance` counts without showing (another job's line is shown)."""
        self._also = also
        self.total = total
        self.done = 0
        self.bytes = 0
        self._stream: IO[str] = stream if stream is not None else sys.stderr
        self._clock = clock
        self._start = clock()
        self._shown = self._start
        self._quiet = quiet
        self._terminal = self._stream.isatty()
        self._interval = 0.1 if self._terminal else interval_s

    def advance(self, nbytes: int = 0) -> None:
        """Count one more item of ``nbytes`` bytes, showing the state when it is time to."""
        self.done += 1
        self.bytes += nbytes
        now = self._clock()
        if not self._quiet and not self.held and now - self._shown >= self._interval:
            self._shown = now
            self._show(now)

    def line(self, now: float | None = None) -> str:
        """The current state: done (of total), bytes, rate and, with a total, the ETA."""
        elapsed = max((self._clock() if now is None else now) - self._start, 1e-9)
        rate = self.done / elapsed
        text = f"{self.done:,}"
        if self.total:
            text += f"/{self.total:,}"
        unit = self.unit.removesuffix("s") if self.done == 1 and not self.total else self.unit
        text += f" {unit}, {self.bytes / 1e6:,.1f} MB, {rate:,.1f} {self.unit}/s"
        if self.total and rate > 0:
            text += f", ETA {_duration(max(self.total - self.done, 0) / rate)}"
        return text + (self._also() if self._also is not None else "")

    def _bar(self) -> str:
        if not self.total:
            return ""
        filled = min(self.done * _BAR_CELLS // self.total, _BAR_CELLS)
        return f"[{'#' * filled}{'.' * (_BAR_CELLS - filled)}] "

    def _show(self, now: float) -> None:
        if self._terminal:
            self._stream.write(f"\r{self._bar()}{self.line(now)}\x1b[K")
        else:
            self._stream.write(f"progress: {self.line(now)}\n")
        self._stream.flush()

    def message(self, text: str) -> None:
        """Print a line (a warning, a failure) above the progress display (outside text in
        it is escaped)."""
        if self._terminal and not self._quiet:
            self._stream.write("\r\x1b[K")
        self._stream.write(printable(text) + "\n")
        self._stream.flush()

    def close(self) -> None:
        """Show the final state (when anything was done) and end the line."""
        if self._quiet or not self.done:
            return
        self._show(self._clock())
        if self._terminal:
            self._stream.write("\n")
            self._stream.flush()


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:,.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:,.0f} min"
    return f"{seconds / 3600:,.1f} h"
