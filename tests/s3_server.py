"""A real S3-protocol server on loopback (moto's server mode), and a proxy that injects faults.

``tests/objectstore/conftest.py`` starts one for the session; see its fixtures.
"""

from __future__ import annotations

import http.client
import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from moto.server import ThreadedMotoServer

SECRET = "tEsT-sEcReT-9f3c1d7e0b5a"
"""The secret access key of the tests: it must never appear in an archive or a message."""


@dataclass
class Faults:
    """What the proxy does to the next requests that match (by method and key part)."""

    rules: list[tuple[Callable[[str, str], bool], str, int]] = field(default_factory=list)
    seen: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, match: Callable[[str, str], bool], action: str, times: int) -> None:
        """For the next ``times`` matching requests: ``throttle`` (503 SlowDown, not
        forwarded), ``lose`` (200 OK, not forwarded: a lost write) or ``drop-reply``
        (forwarded, then answered 500 as if the reply had been lost)."""
        with self.lock:
            self.rules.append((match, action, times))

    def take(self, method: str, path: str) -> str | None:
        with self.lock:
            self.seen.append((method, path))
            for i, (match, action, times) in enumerate(self.rules):
                if match(method, path):
                    if times <= 1:
                        del self.rules[i]
                    else:
                        self.rules[i] = (match, action, times - 1)
                    return action
        return None

    def clear(self) -> None:
        with self.lock:
            self.rules.clear()
            self.seen.clear()


class _Proxy(http.server.BaseHTTPRequestHandler):
    upstream: tuple[str, int]
    faults: Faults
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        action = self.faults.take(self.command, self.path)
        if action == "throttle":
            return self._reply(503, b"<Error><Code>SlowDown</Code><Message>slow</Message></Error>")
        if action == "lose":
            return self._reply(200, b"", {"ETag": '"00000000000000000000000000000000"'})
        connection = http.client.HTTPConnection(*self.upstream)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
        connection.request(self.command, self.path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        if action == "drop-reply":
            return self._reply(500, b"<Error><Code>InternalError</Code></Error>")
        skip = {"connection", "transfer-encoding", "content-length"}
        self._reply(
            response.status,
            data if self.command != "HEAD" else b"",
            {k: v for k, v in response.getheaders() if k.lower() not in skip},
            length=len(data) if self.command != "HEAD" else response.getheader("Content-Length"),
        )

    def _reply(
        self,
        status: int,
        data: bytes,
        headers: dict[str, str] | None = None,
        length: int | str | None = None,
    ) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data) if length is None else length))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = _handle


@dataclass(frozen=True)
class S3Server:
    """The loopback S3 server: ``endpoint`` goes through the fault proxy, ``direct`` not."""

    endpoint: str
    direct: str
    faults: Faults


@dataclass(frozen=True)
class S3Bucket:
    """A test's bucket, a client that reaches the server directly, and the proxy's faults."""

    name: str
    client: Any
    faults: Faults

    def listing(self) -> list[str]:
        """Every key in the bucket, sorted."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))

    def get(self, key: str) -> bytes:
        """The object's bytes, read directly."""
        return bytes(self.client.get_object(Bucket=self.name, Key=key)["Body"].read())

    def delete(self, key: str) -> None:
        """Remove an object behind Erfurt's back (a store that lost it)."""
        self.client.delete_object(Bucket=self.name, Key=key)

    def replace(self, key: str, data: bytes) -> None:
        """Overwrite an object behind Erfurt's back (a store that lies)."""
        self.client.put_object(Bucket=self.name, Key=key, Body=data)


@contextmanager
def running_s3_server() -> Iterator[S3Server]:
    """A moto S3 server on a free loopback port, behind a fault proxy; stopped after."""
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    faults = Faults()
    handler = type("Proxy", (_Proxy,), {"upstream": (host, port), "faults": faults})
    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield S3Server(
            f"http://127.0.0.1:{proxy.server_address[1]}", f"http://{host}:{port}", faults
        )
    finally:
        proxy.shutdown()
        proxy.server_close()
        thread.join()
        moto.stop()
