"""A Dask client for batch jobs: on the cluster of a scheduler given by address, or on
worker processes started on this machine for the job.

The local cluster's scheduler runs inside this process (so it ends with it) and its
workers are fresh interpreters running ``dask worker``, exactly as on a cluster, that
import only what their tasks need; each one leaves when the scheduler has been gone for
``_ORPHAN_LIMIT_S``, so a driver killed mid-job leaves nothing running for long.

The local cluster speaks TLS with a certificate and key made for it (Dask's
``Security.temporary()``), held in this process's memory and handed to its workers in
their environment: every connection to the scheduler or a worker must present that
certificate, so another user of the machine cannot submit work (pickled code the
workers would run as this user) or read what travels.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from erfurt.engine.spec import EngineSpec
from erfurt.engine.tls import EngineTLS, check_scheduler_certificate
from erfurt.errors import ConfigError, EngineError, MissingExtraError

__all__ = ["Engine"]

_logger = logging.getLogger(__name__)

R = TypeVar("R")

# Dask's diagnostics, there for its dashboard, which no one sees here: a worker sampling
# its own stack every 10 ms and checking its event loop every 20 ms spent about a tenth
# of a core doing so (docs/performance.md, Scale: the engine).
_QUIET_WORKER = {
    "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False",
    "DASK_DISTRIBUTED__ADMIN__TICK__INTERVAL": "1s",
    "DASK_DISTRIBUTED__ADMIN__SYSTEM_MONITOR__GIL__ENABLED": "False",
}

# The local scheduler's and workers' HTTP servers answer health checks only: their other
# pages (workers, tasks, logs, call stacks, metrics) would be open to every user of the
# machine, since HTTP is not behind the cluster's TLS.
_LOCAL_HTTP_ROUTES = ["distributed.http.health"]

_STARTUP_LIMIT_S = 600  # local workers not registered by then: only a hang takes this long
_ORPHAN_LIMIT_S = 60  # a local worker whose scheduler is gone this long exits
_HINT_ADDRESS = (
    "start the scheduler (`dask scheduler` on that host, port 8786 by default) and its "
    "workers, or check the address in --engine / `engine` in erfurt.toml; `--engine dask` "
    "runs a cluster on this machine"
)


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise MissingExtraError("distributed", "engine", "the Dask engine") from exc
    return distributed


class Engine:
    """A connection to a Dask cluster for one job or more; use as a context manager.

    :meth:`start` connects to the scheduler ``spec`` names, or starts ``workers``
    worker processes here. Raises :class:`EngineError` when the scheduler cannot be
    reached within ``connect_timeout`` seconds.
    """

    def __init__(self, client: Any, local: _LocalWorkers | None) -> None:
        self.client = client
        """The ``distributed.Client`` (for callers that need more than the helpers here)."""
        self._local = local

    @classmethod
    def start(
        cls,
        spec: EngineSpec,
        *,
        workers: int | None = None,
        tls: EngineTLS | None = None,
        connect_timeout: float = 30.0,
        worker_timeout: float | None = None,
    ) -> Engine:
        """Connect to the cluster ``spec`` names, or start one of ``workers`` processes.

        A ``tls://`` scheduler is reached with the files of ``tls`` (ConfigError without
        them; EngineError if its certificate is not the CA's); ``tls`` is refused for a
        plain ``tcp://`` one, which would send in clear what the user meant to protect. A
        scheduler's first worker is waited for ``worker_timeout`` seconds (by default
        ``connect_timeout``).
        """
        distributed = _distributed()
        if spec.address:
            security = _security(spec, tls, distributed)
            _check_reachable(spec.address, connect_timeout)
            if security is not None:
                check_scheduler_certificate(spec.address, security, connect_timeout)
            try:
                client = distributed.Client(
                    spec.address, timeout=connect_timeout, security=security, set_as_default=False
                )
            except (OSError, TimeoutError) as exc:
                raise EngineError(
                    f"the Dask scheduler at {spec.address} did not answer: {exc}", _HINT_ADDRESS
                ) from exc
            try:  # a scheduler without workers would hold the job forever
                client.wait_for_workers(
                    1, timeout=connect_timeout if worker_timeout is None else worker_timeout
                )
            except TimeoutError as exc:
                client.close()
                raise EngineError(
                    f"the Dask scheduler at {spec.address} has no worker",
                    "start workers with `dask worker ADDRESS` on the worker hosts",
                ) from exc
            return cls(client, None)
        local = _LocalWorkers(distributed, workers or os.cpu_count() or 1)
        try:
            client = distributed.Client(local.cluster, set_as_default=False)
            local.wait_until_registered(client)
        except BaseException:
            local.close()
            raise
        return cls(client, local)

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Disconnect; stop the local cluster, if this engine started one."""
        with contextlib.suppress(Exception):  # a lost scheduler: nothing left to tell
            self.client.close()
        if self._local is not None:
            self._local.close()

    @property
    def slots(self) -> int:
        """How many tasks the cluster runs at once now (its workers' threads)."""
        threads: dict[str, int] = self.client.nthreads()
        return max(1, sum(threads.values()))

    def share(self, value: Any) -> Any:
        """Send ``value`` to every worker once; pass what this returns to :meth:`map`,
        and each task gets the worker's copy (nothing is sent again per task)."""
        return self.client.scatter(value, broadcast=True, hash=False)

    def map(
        self, function: Callable[..., R], chunks: Iterable[Any], *args: Any, ordered: bool
    ) -> Iterator[R]:
        """``function(chunk, *args)`` for each chunk, on the workers, a few per worker at
        a time (so memory holds a few chunks, whatever their number).

        Results come in the order of ``chunks`` if ``ordered``, else as they finish. A
        task whose worker died is run again on another (up to Dask's
        ``distributed.scheduler.allowed-failures``, 3); past that, or when the
        scheduler is lost, :class:`EngineError`. An error the function raises is
        raised here as it was.
        """
        distributed = _distributed()
        window = 2 * self.slots + 1
        pending = iter(chunks)
        running: deque[Any] = deque()
        finished = distributed.as_completed(loop=self.client.loop)

        def submit_next() -> None:
            for chunk in itertools.islice(pending, 1):
                future = self.client.submit(function, chunk, *args, pure=False)
                running.append(future)
                if not ordered:
                    finished.add(future)

        for _ in range(window):
            submit_next()
        with _engine_errors(distributed):
            while running:
                if ordered:
                    future = running.popleft()
                else:
                    future = next(finished)
                    running.remove(future)
                result: R = future.result()
                future.release()
                submit_next()
                yield result

    def worker_pids(self) -> dict[str, int]:
        """Each worker's address and process id (to watch it, or to stop one)."""
        found: dict[str, int] = self.client.run(os.getpid)
        return found


@contextlib.contextmanager
def _engine_errors(distributed: Any) -> Iterator[None]:
    """Dask's failures of the cluster itself as EngineError; a task's own errors pass."""
    try:
        yield
    except distributed.KilledWorker as exc:
        raise EngineError(
            f"the job failed: the workers running one of its tasks died ({exc})",
            "see the workers' logs (killed for memory?); nothing was appended for the "
            "lost tasks: run the command again",
        ) from exc
    except (CancelledError, distributed.comm.CommClosedError, OSError) as exc:
        raise EngineError(
            f"the job failed: the connection to the Dask scheduler was lost ({exc!r})",
            "check the scheduler, then run the command again: what was appended stays",
        ) from exc


def _security(spec: EngineSpec, tls: EngineTLS | None, distributed: Any) -> Any:
    """Dask's ``Security`` for a tls:// scheduler, None for a tcp:// one."""
    if spec.tls and tls is None:
        raise ConfigError(
            f"the Dask scheduler at {spec.address} speaks TLS, and no certificates were given",
            "give --engine-ca, --engine-cert and --engine-key (or engine_ca, engine_cert "
            "and engine_key in erfurt.toml)",
        )
    if not spec.tls and tls is not None:
        raise ConfigError(
            f"TLS certificates were given for the Dask scheduler at {spec.address}, which "
            "is reached without TLS",
            f"write tls://{spec.address.partition('://')[2]} to use them",
        )
    return None if tls is None else tls.security(distributed)


def _check_reachable(address: str, timeout: float) -> None:
    """EngineError at once for an address where nothing listens (Dask would retry until
    ``timeout``); an address that answers slowly is left to Dask's own time limit."""
    parts = urlsplit(address)
    try:
        with socket.create_connection((parts.hostname or "", parts.port or 0), timeout=timeout):
            pass
    except OSError as exc:
        raise EngineError(
            f"no Dask scheduler answers at {address}: {exc.strerror or exc}", _HINT_ADDRESS
        ) from exc


class _LocalWorkers:
    """A scheduler in this process and ``count`` ``dask worker`` processes on loopback."""

    def __init__(self, distributed: Any, count: int) -> None:
        import dask.config

        self._security = distributed.Security.temporary()
        with dask.config.set({"distributed.scheduler.http.routes": _LOCAL_HTTP_ROUTES}):
            self.cluster = distributed.LocalCluster(
                n_workers=0,
                processes=False,
                protocol="tls://",
                security=self._security,
                host="127.0.0.1",
                scheduler_port=0,
                dashboard_address=None,
                # No dashboard; its small HTTP server (health checks) on a free port,
                # not on 8787, which another cluster may hold.
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.ERROR,
            )
        self._folder = Path(tempfile.mkdtemp(prefix="erfurt-dask-"))
        self._processes = [self._spawn(index) for index in range(count)]

    def _spawn(self, index: int) -> subprocess.Popen[bytes]:
        command = [
            *(sys.executable, "-m", "distributed.cli.dask_worker", self.cluster.scheduler_address),
            *("--name", f"local-{index}", "--host", "127.0.0.1", "--nthreads", "1"),
            *("--no-nanny", "--no-dashboard", "--memory-limit", "0"),
            *("--death-timeout", str(_ORPHAN_LIMIT_S), "--local-directory", str(self._folder)),
        ]
        # Only errors reach the user's terminal; stdout is the caller's (`--json`). The
        # run's TLS certificate and key go in the environment (readable by this user
        # only), never on the command line, which every user can read.
        env = {
            **os.environ,
            "DASK_LOGGING__DISTRIBUTED": "error",
            **_QUIET_WORKER,
            **_worker_credentials(self._security),
        }
        return subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env
        )

    def wait_until_registered(self, client: Any) -> None:
        """Return once every worker has registered; EngineError if one exits first."""
        deadline = time.monotonic() + _STARTUP_LIMIT_S
        while len(client.scheduler_info(n_workers=-1)["workers"]) < len(self._processes):
            exited = [p.returncode for p in self._processes if p.poll() is not None]
            if exited or time.monotonic() > deadline:
                reason = f"exited with code {exited[0]}" if exited else "did not start"
                raise EngineError(
                    f"a local Dask worker {reason}",
                    "check that erfurt's engine extra is installed completely "
                    "(pip install 'erfurt[engine]')",
                )
            with contextlib.suppress(TimeoutError):
                client.wait_for_workers(len(self._processes), timeout=1)

    def close(self) -> None:
        """Stop the workers (asked first, then killed) and the scheduler."""
        for process in self._processes:
            process.terminate()
        for process in self._processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.cluster.close()
        shutil.rmtree(self._folder, ignore_errors=True)


def _worker_credentials(security: Any) -> dict[str, str]:
    """Dask's settings that make a ``dask worker`` use the run's TLS certificate and key
    (PEM text, which Dask reads in place of a file's path) for every connection."""
    return {
        "DASK_DISTRIBUTED__COMM__REQUIRE_ENCRYPTION": "True",
        "DASK_DISTRIBUTED__COMM__TLS__CA_FILE": security.tls_ca_file,
        "DASK_DISTRIBUTED__COMM__TLS__WORKER__CERT": security.tls_worker_cert,
        "DASK_DISTRIBUTED__COMM__TLS__WORKER__KEY": security.tls_worker_key,
        "DASK_DISTRIBUTED__WORKER__HTTP__ROUTES": repr(_LOCAL_HTTP_ROUTES),
    }
