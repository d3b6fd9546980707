"""Progress on stderr for long work: count, bytes, rate and ETA; silent when not a TTY."""

from __future__ import annotations

import sys
import time

import click

from erfurt.cli.escape import printable

__all__ = ["Progress"]


class Progress:
    """A one-line progress display, redrawn at most ten times a second."""

    def __init__(self, unit: str, *, total: int | None = None) -> None:
        self.unit = unit
        self.total = total
        self.done = 0
        self.bytes = 0
        self._start = time.monotonic()
        self._drawn = 0.0
        self._active = sys.stderr.isatty()

    def advance(self, nbytes: int = 0) -> None:
        """Count one more item of ``nbytes`` bytes."""
        self.done += 1
        self.bytes += nbytes
        now = time.monotonic()
        if self._active and now - self._drawn >= 0.1:
            self._drawn = now
            click.echo(f"\r{self.line()}\x1b[K", err=True, nl=False)

    def line(self) -> str:
        """The current state, as shown."""
        elapsed = max(time.monotonic() - self._start, 1e-9)
        rate = self.done / elapsed
        text = f"{self.done:,}"
        if self.total:
            text += f"/{self.total:,}"
        text += f" {self.unit}, {self.bytes / 1e6:,.1f} MB, {rate:,.1f}/s"
        if self.total and rate > 0:
            text += f", ETA {max(self.total - self.done, 0) / rate:,.0f} s"
        return text

    def message(self, text: str) -> None:
        """Print a line above the progress display (outside text in it is escaped)."""
        if self._active:
            click.echo("\r\x1b[K", err=True, nl=False)
        click.echo(printable(text), err=True)

    def close(self) -> None:
        """End the display, leaving the cursor on a fresh line."""
        if self._active and self.done:
            click.echo(f"\r{self.line()}\x1b[K", err=True)
