"""The one writer of a served archive, reached from other processes.

``erfurt serve --jobs N`` answers requests in N processes, but an archive has one
writer: the serving processes hand their records to :class:`WriterClient`, which sends
them to the :class:`WriterServer` of the process holding the :class:`WriteQueue`, and
waits for their indexes, as a thread of that process would. A request for background
work (extracting uploads) travels the same way, so one process does it, and so do login
attempts, so that one set of login limits holds for every worker. Workers that joined
from another host (``erfurt serve --join``) also ask it about accounts
(:mod:`erfurt.archive.linkedaccounts`) and which archive it writes (``hello``).

The connection (:mod:`erfurt.archive.writelink`) is TCP, on loopback unless configured
otherwise, and TLS with certificates both ends must present when configured: the client
proves it holds the random key the writer made (an HMAC challenge, both ways) before
anything is read, so no other process can append. Messages are JSON, never pickles.

A client keeps one connection per thread and connects again when the writer closed it
while idle (a writer restarted), so only a request in flight when the writer stops fails,
with a ConfigError (the web answers 503). A request has a time limit
(:attr:`WriterAddress.time_limit`, ``writer_time_limit``): a writer that accepts but does
not answer (a stopped process, a disk that blocks, a half-open connection) fails it with
a ConfigError saying so, and the connection is dropped and made again for the next.
From then on the writer counts as silent (:mod:`erfurt.archive.writersilence`): requests
fail at once saying since when, while one at a time pings the writer, until it answers.
The writer does not carry out a request whose client gave up before the writer read it, nor
append records whose client gave up while they waited in the write queue; only a batch
already being appended when its client gave up lands unanswered.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import secrets
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from erfurt import errors
from erfurt.archive.accounts import Accounts
from erfurt.archive.linkedaccounts import account_handlers
from erfurt.archive.records import Record
from erfurt.archive.writelink import (
    LinkClosed,
    WriterTLS,
    check_worker,
    keep_alive,
    prove_to_writer,
    recv_message,
    send_message,
)
from erfurt.archive.writersilence import WriterSilence, no_answer, writer_silent, writer_stalled
from erfurt.errors import ConfigError, ErfurtError

__all__ = ["DEFAULT_TIME_LIMIT", "Submit", "WriterAddress", "WriterClient", "WriterServer"]

_logger = logging.getLogger(__name__)

_HANDSHAKE_S = 300.0
"""How long a new connection may take to shake hands (a loaded machine, never a stranger
holding a thread for ever)."""
DEFAULT_TIME_LIMIT = 60.0
"""Seconds a client waits for the writer to answer a request, connecting included
(``writer_time_limit``): past most proxies' patience, so a user reads why."""
_LEAST_S = 0.001
"""What is left of a request's time once it has run out (a socket timeout of 0 would
make the socket non-blocking instead of timing out)."""
_ERRORS: dict[str, type[ErfurtError]] = {
    kind.__name__: kind
    for kind in (
        errors.ConfigError,
        errors.InputError,
        errors.IngestError,
        errors.RequestConflictError,
        errors.IntegrityError,
        errors.VerificationError,
        errors.StorageError,
        errors.EngineError,
    )
}


class Submit(Protocol):
    """Appends records and returns their indexes once durable (:meth:`WriteQueue.submit`);
    ``wanted`` says whether their client still waits, asked before they are appended."""

    def __call__(
        self, records: Sequence[Record], *, wanted: Callable[[], bool] | None = None
    ) -> list[int]: ...


@dataclass(frozen=True, slots=True)
class WriterAddress:
    """Where a writer listens, the key that proves a client may use it, the TLS files a
    client connects with (None: plain TCP, loopback only), and how many seconds a client
    waits for an answer to one request, connecting included."""

    host: str
    port: int
    authkey: bytes = field(repr=False)
    tls: WriterTLS | None = None
    time_limit: float = DEFAULT_TIME_LIMIT


class WriterServer:
    """Serves ``submit`` (append records, return their indexes once durable), ``request``
    (start background work for a user), ``allow_login`` (take one login attempt for a client
    address; False when its limit is reached), ``hello`` (the ``origin`` of the archive
    written), ``ping`` (answered at once: a worker's probe) and, with ``accounts``, the
    account calls of joined workers to :class:`WriterClient` s, each connection in a thread
    of its own, on ``host`` and ``port`` (0: a free one). Clients prove they hold
    ``authkey`` (default: a random key made here). A request whose client has closed the
    connection by the time it is read (it gave up waiting) is not carried out, and
    ``submit`` is told when an append's client is gone, so that a write queue drops records
    nobody waits for.

    Without ``tls`` only a loopback ``host`` is accepted: off loopback the link must be
    encrypted. Raises ConfigError for that, for unusable TLS files, or a port in use.
    """

    def __init__(
        self,
        submit: Submit,
        request: Callable[[str], None],
        *,
        allow_login: Callable[[str], bool] = lambda _key: True,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: WriterTLS | None = None,
        authkey: bytes | None = None,
        origin: str = "",
        accounts: Accounts | None = None,
    ) -> None:
        if tls is None and not _loopback(host):
            raise ConfigError(
                f"the writer would listen on {host} without TLS",
                "set writer_ca, writer_cert and writer_key in erfurt.toml, or keep "
                "writer_listen on loopback (docs/deployment.md)",
            )
        self._submit = submit
        self._handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "request": lambda m: request(_string(m, "who")),
            "login": lambda m: bool(allow_login(_string(m, "key"))),
            "hello": lambda _m: {"origin": origin},
            "ping": lambda _m: {"appending_s": self._appending_s()},
        }
        if accounts is not None:
            self._handlers |= account_handlers(accounts)
        self._context = tls.server_context() if tls is not None else None
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        try:
            self._listener = socket.create_server((host, port), family=family, backlog=128)
        except OSError as exc:
            raise ConfigError(
                f"the writer cannot listen on {host}:{port}: {exc.strerror or exc}",
                "free the port, or set another in writer_listen",
            ) from exc
        bound_port = int(self._listener.getsockname()[1])
        authkey = authkey if authkey is not None else secrets.token_bytes(32)
        self.address = WriterAddress(_reachable(host), bound_port, authkey, tls)
        self._closing = False
        self._open: set[socket.socket] = set()  # connections past the key check
        self._open_lock = threading.Lock()
        self._appends: dict[object, float] = {}  # appends in progress: when each began
        self._appends_lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, name="erfurt-writer-server")
        self._thread.daemon = True
        self._thread.start()

    def _accept(self) -> None:
        while not self._closing:
            try:
                connection, peer = self._listener.accept()
            except OSError:  # closed
                continue
            threading.Thread(target=self._serve, args=(connection, peer), daemon=True).start()

    def _serve(self, connection: socket.socket, peer: Any) -> None:
        try:
            keep_alive(connection)
            connection.settimeout(_HANDSHAKE_S)
            if self._context is not None:
                connection = self._context.wrap_socket(connection, server_side=True)
            if not check_worker(connection, self.address.authkey):
                _logger.warning("the writer refused a connection from %s: wrong key", peer)
                return
            connection.settimeout(None)
            with self._open_lock:
                if self._closing:
                    return
                self._open.add(connection)
            while True:
                message = recv_message(connection)
                if _closed_by_peer(connection):
                    _logger.warning(
                        "a %r request from %s was not carried out: its worker stopped waiting "
                        "(writer_time_limit) before the writer read it",
                        message.get("call"),
                        peer,
                    )
                    return
                send_message(connection, self._answer(message, connection))
        except ssl.SSLError as exc:
            _logger.warning("the writer refused a connection from %s: %s", peer, exc.reason)
        except (LinkClosed, OSError):
            return
        finally:
            with self._open_lock:
                self._open.discard(connection)
            connection.close()

    def _answer(self, message: dict[str, Any], connection: socket.socket) -> dict[str, Any]:
        try:
            if message.get("call") == "append":
                records = [_record(data) for data in _strings(message, "records")]
                with self._appending():
                    indexes = self._submit(records, wanted=lambda: not _closed_by_peer(connection))
                return {"ok": indexes}
            handler = self._handlers.get(str(message.get("call")))
            if handler is None:
                raise ConfigError(f"the writer was asked for {message.get('call')!r}")
            return {"ok": handler(message)}
        except ErfurtError as exc:
            return _error_answer(type(exc).__name__, exc.message, exc.hint)
        except Exception as exc:  # a bug: logged here, the client gets a message
            _logger.exception("the writer failed a request")
            return _error_answer(
                "ConfigError", f"the archive's writer failed: {type(exc).__name__}"
            )

    @contextlib.contextmanager
    def _appending(self) -> Iterator[None]:
        """Count an append as in progress while the block runs (for :meth:`_appending_s`)."""
        key = object()
        with self._appends_lock:
            self._appends[key] = time.monotonic()
        try:
            yield
        finally:
            with self._appends_lock:
                del self._appends[key]

    def _appending_s(self) -> float:
        """Seconds the oldest append in progress has taken so far (0: none)."""
        with self._appends_lock:
            oldest = min(self._appends.values(), default=None)
        return 0.0 if oldest is None else time.monotonic() - oldest

    def close(self) -> None:
        """Stop accepting connections and end those open, so that clients connect
        again to the next writer instead of sending to this one (a request in flight
        fails, its client told so)."""
        with self._open_lock:
            self._closing = True
            open_now, self._open = self._open, set()
        with contextlib.suppress(OSError):  # where it cannot, accept wakes on the next connect
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread waiting in accept
        self._listener.close()
        for connection in open_now:
            with contextlib.suppress(OSError):  # its client closed it meanwhile
                connection.shutdown(socket.SHUT_RDWR)  # wakes its thread, tells the client


class WriterClient:
    """A serving process's way to the writer at ``address``: one connection per thread,
    opened on first use; each request waits at most ``address.time_limit`` seconds
    unless given its own limit. After a request went unanswered, requests fail at once
    while one at a time probes the writer (:class:`WriterSilence`). Raises ConfigError
    for an address off loopback without TLS."""

    def __init__(self, address: WriterAddress) -> None:
        if address.tls is None and not _loopback(address.host):
            raise ConfigError(
                f"the writer at {address.host}:{address.port} would be reached without TLS",
                "set writer_ca, writer_cert and writer_key in erfurt.toml (docs/deployment.md)",
            )
        self._address = address
        self._context = address.tls.client_context() if address.tls is not None else None
        self._local = threading.local()
        self._opened: list[socket.socket] = []
        self._lock = threading.Lock()
        self._silence = WriterSilence()
        self._where = f"{address.host}:{address.port}"

    def submit(self, records: Sequence[Record], *, time_limit: float | None = None) -> list[int]:
        """Append ``records`` through the writer; returns their indexes once durable and
        applied to the views. Raises what the writer raised (an :class:`ErfurtError`),
        or :class:`ConfigError` when the writer cannot be reached or does not answer
        within ``time_limit`` seconds (default: the address's)."""
        data = [record.to_bytes().decode() for record in records]
        answer = self.call({"call": "append", "records": data}, time_limit=time_limit)
        return [int(index) for index in answer]

    def request(self, who: str) -> None:
        """Ask the writer's process to extract the text of waiting uploads for ``who``."""
        self.call({"call": "request", "who": who})

    def allow_login(self, key: str) -> bool:
        """Take one login attempt for the client ``key`` from the limits the writer keeps
        for every worker; False when they are used up."""
        return bool(self.call({"call": "login", "key": key}))

    def hello(self) -> str:
        """The origin of the archive the writer writes (a new connection proves the key
        and certificates first). Raises ConfigError saying what failed."""
        answer = self.call({"call": "hello"})
        return str(answer.get("origin")) if isinstance(answer, dict) else ""

    def call(self, message: dict[str, Any], *, time_limit: float | None = None) -> Any:
        """Send ``message`` (its ``call`` names what to do) and return the writer's
        answer. Raises what the writer raised, or ConfigError when it cannot be reached
        or does not answer within ``time_limit`` seconds (default: the address's; the
        connection is then dropped), or at once while the writer is silent and another
        request probes it. A request that probes first shares its time limit with the ping."""
        limit = self._address.time_limit if time_limit is None else time_limit
        started = time.monotonic()
        turn = self._silence.turn()
        if turn.silent_s is not None:
            raise writer_silent(self._where, turn.silent_s)
        if turn.probe:
            try:
                self._probe(started, limit)
            finally:
                self._silence.end_probe()
        answer = self._exchange(message, started, limit)
        failed = answer.get("error")
        if isinstance(failed, dict):
            kind = _ERRORS.get(str(failed.get("type")), ErfurtError)
            raise kind(str(failed.get("message")), str(failed.get("hint") or ""))
        return answer.get("ok")

    def _probe(self, started: float, limit: float) -> None:
        """Ping the silent writer: it answers again unless the ping goes unanswered
        within ``limit`` seconds of ``started``, or the answer says an append has been in
        progress there as long as this process waits for one, or longer (a disk that
        blocks: the process itself answers); ConfigError for those. Any other answer,
        even an error, will do."""
        answer = self._exchange({"call": "ping"}, started, limit, probe=True)
        state = answer.get("ok")
        appending_s = state.get("appending_s") if isinstance(state, dict) else None
        if isinstance(appending_s, int | float) and appending_s >= self._address.time_limit:
            raise writer_stalled(self._where, appending_s)
        self._silence.answered()

    def _exchange(
        self, message: dict[str, Any], started: float, limit: float, *, probe: bool = False
    ) -> dict[str, Any]:
        """Send ``message`` and return the writer's answer within ``limit`` seconds of
        ``started`` (``time.monotonic``), or raise ConfigError (the writer silent from
        then on when the time ran out; only a probe's answer ends that, not a late answer
        to a request sent before)."""
        deadline = started + limit
        try:
            connection = self._connection(deadline)
        except TimeoutError as exc:  # accepted (the kernel does that) but never answered
            self._silence.unanswered(started)
            raise no_answer(self._where, limit, sent=False) from exc
        try:
            connection.settimeout(_time_left(deadline))
            send_message(connection, message)
            connection.settimeout(_time_left(deadline))
            answer = recv_message(connection)
        except TimeoutError as exc:
            self._forget(connection)  # its answer, if it ever comes, must not be read
            self._silence.unanswered(started)
            raise no_answer(self._where, limit, sent=not probe) from exc
        except (LinkClosed, OSError) as exc:
            self._forget(connection)
            raise _unreachable(self._address, exc) from exc
        return answer

    def _connection(self, deadline: float) -> socket.socket:
        connection: socket.socket | None = getattr(self._local, "connection", None)
        if connection is not None and _closed_by_peer(connection):
            self._forget(connection)  # the writer restarted since: connect again
            connection = None
        if connection is None:
            connection = _connect(self._address, self._context, deadline)
            self._local.connection = connection
            with self._lock:
                self._opened.append(connection)
        return connection

    def _forget(self, connection: socket.socket) -> None:
        self._local.connection = None
        with self._lock:
            self._opened.remove(connection)
        connection.close()

    def close(self) -> None:
        """Close every thread's connection."""
        with self._lock:
            opened, self._opened = self._opened, []
        for connection in opened:
            connection.close()


def _connect(
    address: WriterAddress, context: ssl.SSLContext | None, deadline: float
) -> socket.socket:
    """A connection to the writer that passed the TLS handshake (if any) and the key
    check before ``deadline`` (``time.monotonic``); TimeoutError past it, ConfigError
    saying what else failed."""
    where = f"{address.host}:{address.port}"
    try:
        connection = socket.create_connection((address.host, address.port), _time_left(deadline))
    except TimeoutError:
        raise  # the caller's to report: the writer is silent from then on
    except OSError as exc:
        raise _unreachable(address, exc) from exc
    try:
        keep_alive(connection)
        connection.settimeout(_time_left(deadline))
        if context is not None:
            connection = context.wrap_socket(connection, server_hostname=address.host)
        connection.settimeout(_time_left(deadline))
        prove_to_writer(connection, address.authkey)
        return connection
    except TimeoutError:
        connection.close()
        raise
    except ssl.SSLCertVerificationError as exc:
        connection.close()
        raise ConfigError(
            f"the writer at {where} presented a certificate that writer_ca does not vouch "
            f"for: {exc.verify_message}",
            "writer_ca must be the CA that signed the writer's certificate, for the address "
            "the workers connect to; if that is so, someone may be in between",
        ) from exc
    except (ssl.SSLError, LinkClosed, OSError) as exc:
        connection.close()
        reason = (exc.reason if isinstance(exc, ssl.SSLError) else None) or str(exc)
        raise ConfigError(
            f"the writer at {where} refused the connection: {reason}",
            "both ends must agree on TLS (writer_ca, writer_cert, writer_key), and this "
            "process's certificate must be signed by the writer's writer_ca",
        ) from exc
    except ConfigError:
        connection.close()
        raise


def _closed_by_peer(connection: socket.socket) -> bool:
    """Whether the other end ended a connection on which it has nothing more to say: the
    writer sends nothing unasked, and a worker nothing while it waits for an answer, so
    anything to read (an end of file, TLS's close notice) means it is gone."""
    readable, _, _ = select.select([connection], [], [], 0)
    return bool(readable)


def _time_left(deadline: float) -> float:
    return max(deadline - time.monotonic(), _LEAST_S)


def _unreachable(address: WriterAddress, exc: BaseException) -> ConfigError:
    return ConfigError(
        f"the archive's writer process at {address.host}:{address.port} cannot be reached: {exc}",
        "start the writer's `erfurt serve` again (joined workers connect again by "
        "themselves); nothing of this request was appended unless its records are in the log",
    )


def _error_answer(kind: str, message: str, hint: str = "") -> dict[str, Any]:
    return {"error": {"type": kind, "message": message, "hint": hint}}


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _reachable(host: str) -> str:
    """The address to connect to a server listening on ``host``: loopback for all of
    this machine's addresses (0.0.0.0, ::)."""
    try:
        unspecified = ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return host
    return ("::1" if ":" in host else "127.0.0.1") if unspecified else host


def _string(message: dict[str, Any], name: str) -> str:
    value = message.get(name)
    if not isinstance(value, str):
        raise ConfigError(f"a request to the writer without its {name!r}")
    return value


def _strings(message: dict[str, Any], name: str) -> list[str]:
    value = message.get(name)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"a request to the writer whose {name!r} is not a list of texts")
    return value


def _record(data: str) -> Record:
    return Record.from_bytes(data.encode(), source="a worker's record")
