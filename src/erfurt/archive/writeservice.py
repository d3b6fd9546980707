"""The one writer of a served archive, reached from other processes.

``erfurt serve --workers N`` answers requests in N processes, but an archive has one
writer: the serving processes hand their records to :class:`WriterClient`, which sends
them to the :class:`WriterServer` of the process holding the :class:`WriteQueue`, and
waits for their indexes, as a thread of that process would. A request for background
work (extracting uploads) travels the same way, so one process does it.

The connection is ``multiprocessing.connection`` on a TCP address: the client proves it
holds the random ``authkey`` the writer made (an HMAC challenge, both ways) before
anything is read, so no other local user can append. Messages are pickled: only
processes holding the key are ever unpickled from.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection, Listener
from typing import Any

from erfurt.archive.records import Record
from erfurt.errors import ConfigError, ErfurtError

__all__ = ["WriterAddress", "WriterClient", "WriterServer"]

_logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WriterAddress:
    """Where a writer listens, and the key that proves a client may use it."""

    host: str
    port: int
    authkey: bytes = field(repr=False)


class WriterServer:
    """Serves ``submit`` (append records, return their indexes once durable) and
    ``request`` (start background work for a user) to :class:`WriterClient` s, each
    connection in a thread of its own, on ``host`` (a free port)."""

    def __init__(
        self,
        submit: Callable[[Sequence[Record]], list[int]],
        request: Callable[[str], None],
        host: str = "127.0.0.1",
    ) -> None:
        self._submit = submit
        self._request = request
        authkey = secrets.token_bytes(32)
        self._listener = Listener((host, 0), authkey=authkey)
        bound_host, port = self._listener.address
        self.address = WriterAddress(str(bound_host), int(port), authkey)
        self._closing = False
        self._thread = threading.Thread(target=self._accept, name="erfurt-writer-server")
        self._thread.daemon = True
        self._thread.start()

    def _accept(self) -> None:
        while not self._closing:
            try:
                connection = self._listener.accept()
            except (OSError, EOFError, AuthenticationError):  # closed, or failed the challenge
                continue
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: Connection) -> None:
        with connection:
            while True:
                try:
                    what, argument = connection.recv()
                except (EOFError, OSError):
                    return
                connection.send(self._answer(what, argument))

    def _answer(self, what: str, argument: Any) -> tuple[str, Any]:
        try:
            if what == "append":
                records = [Record.from_bytes(data, source="a worker's record") for data in argument]
                return "ok", self._submit(records)
            if what == "request":
                self._request(str(argument))
                return "ok", None
            return "error", ConfigError(f"the writer was asked for {what!r}")
        except ErfurtError as exc:
            return "error", exc
        except Exception as exc:  # a bug: logged here, the client gets a message
            _logger.exception("the writer failed a request")
            return "error", ConfigError(f"the archive's writer failed: {type(exc).__name__}")

    def close(self) -> None:
        """Stop accepting connections (those open end when their clients close)."""
        self._closing = True
        self._listener.close()


class WriterClient:
    """A serving process's way to the writer at ``address``: one connection per thread,
    opened on first use."""

    def __init__(self, address: WriterAddress) -> None:
        self._address = address
        self._local = threading.local()
        self._opened: list[Connection] = []
        self._lock = threading.Lock()

    def submit(self, records: Sequence[Record]) -> list[int]:
        """Append ``records`` through the writer; returns their indexes once durable and
        applied to the views. Raises what the writer raised (an :class:`ErfurtError`),
        or :class:`ConfigError` when the writer cannot be reached."""
        indexes: list[int] = self._call("append", [record.to_bytes() for record in records])
        return indexes

    def request(self, who: str) -> None:
        """Ask the writer's process to extract the text of waiting uploads for ``who``."""
        self._call("request", who)

    def _call(self, what: str, argument: Any) -> Any:
        connection = self._connection()
        try:
            connection.send((what, argument))
            status, answer = connection.recv()
        except (EOFError, OSError) as exc:
            self._local.connection = None
            raise _unreachable(exc) from exc
        if status == "error":
            raise answer
        return answer

    def _connection(self) -> Connection:
        connection: Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            address = self._address
            try:
                connection = Client((address.host, address.port), authkey=address.authkey)
            except (OSError, EOFError, AuthenticationError) as exc:
                raise _unreachable(exc) from exc
            self._local.connection = connection
            with self._lock:
                self._opened.append(connection)
        return connection

    def close(self) -> None:
        """Close every thread's connection."""
        with self._lock:
            opened, self._opened = self._opened, []
        for connection in opened:
            connection.close()


def _unreachable(exc: BaseException) -> ConfigError:
    return ConfigError(
        f"the archive's writer process cannot be reached: {exc}",
        "restart `erfurt serve`; nothing of this request was appended unless its "
        "records are in the log",
    )
