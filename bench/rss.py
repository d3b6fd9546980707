"""What a process costs: peak resident memory of a command and its children, CPU seconds."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["cpu_seconds", "hwm_mib", "rss_mib", "run_sampling_rss"]


def hwm_mib(pid: int) -> int:
    """A process's peak resident set (VmHWM) so far, in MiB; 0 once it has gone."""
    return _status_mib(pid, "VmHWM")


def _status_mib(pid: int, field: str) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((x for x in status.splitlines() if x.startswith(f"{field}:")), "x: 0 kB")
    return int(line.split()[1]) // 1024


def rss_mib(pid: int) -> int:
    """A process's resident set (VmRSS) now, in MiB; 0 once it has gone."""
    return _status_mib(pid, "VmRSS")


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system, all threads) a running process has used so far.

    On a machine shared with other work this is what a server spent, whatever it waited.
    """
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    # after the command's name: state is field 3, utime and stime are fields 14 and 15
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_sampling_rss(
    args: list[str], on_sample: Callable[[int], None] | None = None
) -> tuple[float, int, int]:
    """Run ``args`` to the end: seconds taken, peak RSS (MiB) of it and of its largest child.

    Each process's own high-water mark (``VmHWM``) is sampled every 0.1 s while it runs;
    ``on_sample`` is called with the command's process id at each sample. Raises
    CalledProcessError if the command fails.
    """
    start = time.perf_counter()
    main_peak = worker_peak = 0
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: it never fills up
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=errors)
        while process.poll() is None:
            main_peak = max(main_peak, hwm_mib(process.pid))
            children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
            try:
                pids = [int(p) for p in children.read_text().split()]
            except OSError:
                pids = []
            worker_peak = max([worker_peak, *(hwm_mib(pid) for pid in pids)])
            if on_sample is not None:
                on_sample(process.pid)
            time.sleep(0.1)
        seconds = time.perf_counter() - start
        if process.returncode:
            errors.seek(0)
            raise subprocess.CalledProcessError(process.returncode, args, stderr=errors.read())
    return seconds, main_peak, worker_peak
