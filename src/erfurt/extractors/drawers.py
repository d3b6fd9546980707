"""Warm drawing processes: pages drawn in children started once, not once per page.

Starting Python and loading pdfium costs a drawing process about half a second of CPU,
more than most pages take to draw. A :class:`DrawingPool` keeps a few drawing processes
waiting, each under the address-space limit it was started with for its whole life;
before each page the process gives itself ``cpu_seconds`` more of CPU time (its soft
limit, past which the kernel stops it). A drawing that crashes its process, or is stopped
by a limit, ends that process alone: the page is refused as before and the next page
gets a fresh process. A process is replaced after :data:`PAGES_PER_PROCESS` pages, so
whatever one file left in its memory does not last.

Parent and child speak over pipes: one JSON line per page asked; back, one status byte
(0: a PNG, 2: a :class:`PageImageError` message), eight bytes of length and the payload.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

from erfurt.extractors.page_images import PageImageError, PageImageLimits, render_page

__all__ = ["PAGES_PER_PROCESS", "POOL", "DrawingPool", "render_page_isolated", "serve"]

PAGES_PER_PROCESS = 200
"""Pages one drawing process draws before it is replaced."""
_COMMAND = ("-c", "from erfurt.extractors.drawers import serve; serve()")
_SOURCE = str(Path(__file__).resolve().parents[2])  # the child imports the same code
_PNG, _REFUSED = 0, 2


def _limit_error(number: int, limits: PageImageLimits) -> PageImageError:
    return PageImageError(
        f"page {number} could not be drawn within the limits "
        f"({limits.memory_bytes // 2**20:,} MiB, {limits.cpu_seconds} s of CPU)",
        "download the original to see it",
    )


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        part = stream.read(size - len(data))
        if not part:
            return None
        data += part
    return data


class _Drawer:
    """One drawing process under ``memory_bytes`` of address space."""

    def __init__(self, memory_bytes: int) -> None:
        python_path = os.pathsep.join(filter(None, (_SOURCE, os.environ.get("PYTHONPATH"))))
        self.process = subprocess.Popen(
            [sys.executable, *_COMMAND, str(memory_bytes)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": python_path},
        )
        self.drawn = 0

    def send(self, job: dict[str, object]) -> bool:
        """Hand the process a page to draw; False if it had ended before."""
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(job).encode() + b"\n")
            self.process.stdin.flush()
        except OSError:  # BrokenPipeError: it ended while waiting
            return False
        return True

    def receive(self) -> tuple[int, bytes] | None:
        """(status, payload) of the page sent, or None when the process ended instead."""
        assert self.process.stdout is not None
        head = _read_exactly(self.process.stdout, 9)
        if head is None:
            return None
        payload = _read_exactly(self.process.stdout, int.from_bytes(head[1:], "big"))
        self.drawn += 1
        return None if payload is None else (head[0], payload)

    def close(self) -> None:
        """End the process (it may have ended already) and reap it."""
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):  # its end is gone: it has ended
                self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


class DrawingPool:
    """Drawing processes kept waiting between pages, at most ``idle`` of them; a page
    asked while all are busy starts one more (as many pages draw at once as are asked)."""

    def __init__(self, idle: int = 2) -> None:
        self._most_idle = idle
        self._idle: list[tuple[int, _Drawer]] = []
        self._lock = threading.Lock()
        self.started = 0
        """How many drawing processes this pool has started."""

    def draw(
        self, path: Path, media_type: str, number: int, rotation: int, limits: PageImageLimits
    ) -> bytes:
        """Page ``number`` of the file at ``path`` as PNG bytes, drawn in a waiting process
        (see :func:`render_page_isolated`). Raises :class:`PageImageError` when the page
        cannot be drawn or a limit stopped it."""
        job = {
            "path": str(path), "media_type": media_type, "number": number,
            "rotation": rotation, "max_pages": limits.max_pages,
            "max_pixels": limits.max_pixels, "cpu_seconds": limits.cpu_seconds,
            "dpi": limits.dpi,
        }  # fmt: skip
        drawer = self._take(limits.memory_bytes)
        if not drawer.send(job):  # a waiting process that ended meanwhile: a fresh one
            drawer.close()
            drawer = self._take(limits.memory_bytes, fresh=True)
            if not drawer.send(job):
                drawer.close()
                raise _limit_error(number, limits)
        answer = drawer.receive()
        if answer is None:  # a limit or a crash ended the process: it alone
            drawer.close()
            raise _limit_error(number, limits)
        self._give_back(limits.memory_bytes, drawer)
        status, payload = answer
        if status == _REFUSED:
            raise PageImageError(
                payload.decode("utf-8", "replace"), "download the original to see it"
            )
        return payload

    def _take(self, memory_bytes: int, fresh: bool = False) -> _Drawer:
        with self._lock:
            ended = [d for _, d in self._idle if d.process.poll() is not None]
            self._idle = [(m, d) for m, d in self._idle if d not in ended]
            found = next((d for m, d in self._idle if m == memory_bytes and not fresh), None)
            if found is not None:
                self._idle = [(m, d) for m, d in self._idle if d is not found]
            else:
                self.started += 1
        for drawer in ended:
            drawer.close()
        return found or _Drawer(memory_bytes)

    def _give_back(self, memory_bytes: int, drawer: _Drawer) -> None:
        with self._lock:
            if drawer.drawn < PAGES_PER_PROCESS and len(self._idle) < self._most_idle:
                self._idle.append((memory_bytes, drawer))
                return
        drawer.close()

    def close(self) -> None:
        """End the waiting processes."""
        with self._lock:
            idle, self._idle = self._idle, []
        for _, drawer in idle:
            drawer.close()


POOL = DrawingPool()
"""The pool :func:`render_page_isolated` draws with."""
atexit.register(POOL.close)


def render_page_isolated(
    path: Path, media_type: str, number: int, rotation: int, limits: PageImageLimits
) -> bytes:
    """As :func:`~erfurt.extractors.page_images.render_page` for the file at ``path``,
    drawn in a process of :data:`POOL` under ``limits.memory_bytes`` of address space and
    ``limits.cpu_seconds`` of CPU time. Raises :class:`PageImageError` when the page
    cannot be drawn or the process is stopped by a limit."""
    return POOL.draw(path, media_type, number, rotation, limits)


def _answer(status: int, payload: bytes) -> None:
    sys.stdout.buffer.write(bytes([status]) + len(payload).to_bytes(8, "big") + payload)
    sys.stdout.buffer.flush()


def serve() -> None:
    """The drawing process: its address space limited to ``argv[1]`` bytes, then one
    page per line of stdin, each with ``cpu_seconds`` more of CPU time, until stdin ends."""
    memory = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    import pypdfium2  # noqa: F401  -- loaded once, before the first page: what keeps it warm

    for line in sys.stdin.buffer:
        job = json.loads(line)
        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = int(used.ru_utime + used.ru_stime) + 1
        soft = spent + int(job["cpu_seconds"])
        hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
        limits = PageImageLimits(
            int(job["max_pages"]), int(job["max_pixels"]), memory, int(job["cpu_seconds"]),
            int(job["dpi"]),
        )  # fmt: skip
        try:
            data = Path(job["path"]).read_bytes()
            png = render_page(data, job["media_type"], job["number"], job["rotation"], limits)
        except PageImageError as exc:
            _answer(_REFUSED, exc.message.encode())
            continue
        except MemoryError:  # past the address-space limit: this process is done
            sys.exit(1)
        _answer(_PNG, png)
