"""Peak resident memory of a command and of its child processes, sampled while it runs."""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

__all__ = ["hwm_mib", "run_sampling_rss"]


def hwm_mib(pid: int) -> int:
    """A process's peak resident set (VmHWM) so far, in MiB; 0 once it has gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((x for x in status.splitlines() if x.startswith("VmHWM:")), "VmHWM: 0 kB")
    return int(line.split()[1]) // 1024


def run_sampling_rss(args: list[str]) -> tuple[float, int, int]:
    """Run ``args`` to the end: seconds taken, peak RSS (MiB) of it and of its largest child.

    Each process's own high-water mark (``VmHWM``) is sampled every 0.1 s while it runs.
    Raises CalledProcessError if the command fails.
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
            time.sleep(0.1)
        seconds = time.perf_counter() - start
        if process.returncode:
            errors.seek(0)
            raise subprocess.CalledProcessError(process.returncode, args, stderr=errors.read())
    return seconds, main_peak, worker_peak
