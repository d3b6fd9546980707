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
with a ConfigError (the web answers 503), never by waiting for ever.
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

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
from erfurt.errors import ConfigError, ErfurtError

__all__ = ["WriterAddress", "WriterClient", "WriterServer"]

_logger = logging.getLogger(__name__)

_HANDSHAKE_S = 300.0
"""How long a new connection may take to shake hands (a loaded machine, never a stranger
holding a thread for ever)."""
_CONNECT_S = 30.0
"""How long a client waits for the writer's host to accept a connection."""
_ERRORS: dict[str, type[ErfurtError]] = {
    kind.__name__: kind
    for kind in (
        errors.ConfigError,
        errors.InputError,
        errors.IngestError,
        errors.IntegrityError,
        errors.VerificationError,
        errors.StorageError,
        errors.EngineError,
    )
}


@dataclass(frozen=True, slots=True)
class WriterAddress:
    """Where a writer listens, the key that proves a client may use it, and the TLS files
    a client connects with (None: plain TCP, loopback only)."""

    host: str
    port: int
    authkey: bytes = field(repr=False)
    tls: WriterTLS | None = None


class WriterServer:
    """Serves ``submit`` (append records, return their indexes once durable), ``request``
    (start background work for a user), ``allow_login`` (take one login attempt for a
    client address; False when its limit is reached), ``hello`` (the ``origin`` of the
    archive written) and, with ``accounts``, the account calls of joined workers to
    :class:`WriterClient` s, each connection in a thread of its own, on ``host`` and
    ``port`` (0: a free one). Clients prove they hold ``authkey`` (default: a random key
    made here).

    Without ``tls`` only a loopback ``host`` is accepted: off loopback the link must be
    encrypted. Raises ConfigError for that, for unusable TLS files, or a port in use.
    """

    def __init__(
        self,
        submit: Callable[[Sequence[Record]], list[int]],
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
        self._handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "append": lambda m: submit([_record(data) for data in _strings(m, "records")]),
            "request": lambda m: request(_string(m, "who")),
            "login": lambda m: bool(allow_login(_string(m, "key"))),
            "hello": lambda _m: {"origin": origin},
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
                send_message(connection, self._answer(recv_message(connection)))
        except ssl.SSLError as exc:
            _logger.warning("the writer refused a connection from %s: %s", peer, exc.reason)
        except (LinkClosed, OSError):
            return
        finally:
            with self._open_lock:
                self._open.discard(connection)
            connection.close()

    def _answer(self, message: dict[str, Any]) -> dict[str, Any]:
        try:
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
    opened on first use. Raises ConfigError for an address off loopback without TLS."""

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

    def submit(self, records: Sequence[Record]) -> list[int]:
        """Append ``records`` through the writer; returns their indexes once durable and
        applied to the views. Raises what the writer raised (an :class:`ErfurtError`),
        or :class:`ConfigError` when the writer cannot be reached."""
        data = [record.to_bytes().decode() for record in records]
        return [int(index) for index in self.call({"call": "append", "records": data})]

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

    def call(self, message: dict[str, Any]) -> Any:
        """Send ``message`` (its ``call`` names what to do) and return the writer's
        answer. Raises what the writer raised, or ConfigError when it cannot be reached."""
        connection = self._connection()
        try:
            send_message(connection, message)
            answer = recv_message(connection)
        except (LinkClosed, OSError) as exc:
            self._forget(connection)
            raise _unreachable(self._address, exc) from exc
        failed = answer.get("error")
        if isinstance(failed, dict):
            kind = _ERRORS.get(str(failed.get("type")), ErfurtError)
            raise kind(str(failed.get("message")), str(failed.get("hint") or ""))
        return answer.get("ok")

    def _connection(self) -> socket.socket:
        connection: socket.socket | None = getattr(self._local, "connection", None)
        if connection is not None and _closed_by_peer(connection):
            self._forget(connection)  # the writer restarted since: connect again
            connection = None
        if connection is None:
            connection = _connect(self._address, self._context)
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


def _connect(address: WriterAddress, context: ssl.SSLContext | None) -> socket.socket:
    """A connection to the writer that passed the TLS handshake (if any) and the key
    check; ConfigError saying which failed."""
    where = f"{address.host}:{address.port}"
    try:
        connection = socket.create_connection((address.host, address.port), _CONNECT_S)
    except OSError as exc:
        raise _unreachable(address, exc) from exc
    try:
        keep_alive(connection)
        connection.settimeout(_HANDSHAKE_S)
        if context is not None:
            connection = context.wrap_socket(connection, server_hostname=address.host)
        prove_to_writer(connection, address.authkey)
        connection.settimeout(None)  # an append waits as long as the disk takes
        return connection
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
    """Whether an idle connection was ended by the writer: it sends nothing unasked, so
    anything to read (an end of file, TLS's close notice) means it is gone."""
    readable, _, _ = select.select([connection], [], [], 0)
    return bool(readable)


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
