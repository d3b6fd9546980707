"""The witness's HTTP side: ``POST <prefix>/add-checkpoint`` (c2sp.org/tlog-witness).

A small threaded server from the standard library: a witness handles few, small
requests, and each one is one lock, one verification and one fsync.
"""

from __future__ import annotations

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .witness import MAX_REQUEST_BYTES, Witness, WitnessResponse

__all__ = ["make_witness_server"]

_REQUEST_TIMEOUT = 30.0  # seconds a client may take to send its request


def make_witness_server(
    witness: Witness, host: str, port: int, *, prefix: str = "", quiet: bool = False
) -> ThreadingHTTPServer:
    """A server (not yet serving) answering add-checkpoint at ``prefix``/add-checkpoint."""
    path = prefix.rstrip("/") + "/add-checkpoint"

    class Handler(BaseHTTPRequestHandler):
        server_version = "erfurt-witness"
        sys_version = ""
        timeout = _REQUEST_TIMEOUT

        def do_POST(self) -> None:
            if self.path != path:
                self._answer(WitnessResponse.error(404, f"not found; submit to {path}"))
                return
            length = self.headers.get("Content-Length", "")
            # ASCII digits only: "²" is a digit to str.isdigit, and int() refuses it.
            if not (length.isascii() and length.isdigit()):
                self._answer(WitnessResponse.error(411, "Content-Length is required"))
                return
            if int(length) > MAX_REQUEST_BYTES:
                self._answer(WitnessResponse.error(413, f"request over {MAX_REQUEST_BYTES} bytes"))
                return
            body = self.rfile.read(int(length))
            self._answer(witness.add_checkpoint(body))

        def do_GET(self) -> None:
            self._answer(WitnessResponse.error(405, f"use POST {path}"))

        def _answer(self, response: WitnessResponse) -> None:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)

        def log_message(self, format: str, *args: object) -> None:
            if not quiet:
                sys.stderr.write(f"witness: {format % args}\n")

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server
