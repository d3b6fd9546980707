"""Stopping a child process for a while, as a hung disk or a paused VM would."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def stopped(process: subprocess.Popen[bytes] | subprocess.Popen[str]) -> Iterator[None]:
    """Stop ``process`` (SIGSTOP) for the block, and resume it (SIGCONT) after.

    The block starts only once every thread of it has stopped. ``kill`` returns before
    that: one thread is woken to begin the stop, and until it runs (on a loaded machine,
    a while) the others go on, so a request sent at once could still be read and carried
    out by a process the test takes for stopped.
    """
    process.send_signal(signal.SIGSTOP)
    try:
        _, status = os.waitpid(process.pid, os.WUNTRACED)
        assert os.WIFSTOPPED(status), f"the process ended instead of stopping ({status})"
        yield
    finally:
        process.send_signal(signal.SIGCONT)
