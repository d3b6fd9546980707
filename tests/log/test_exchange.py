"""The one HTTP request of the log's clients, against real servers on loopback."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from erfurt.log import HttpUnreachableError, http_exchange


@contextmanager
def answering(reply: bytes) -> Iterator[tuple[str, list[bytes]]]:
    """A loopback server that reads one request, sends ``reply`` as it is, and closes;
    its address, and the requests it got."""
    listener = socket.create_server(("127.0.0.1", 0))
    got: list[bytes] = []

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            data = b""
            while b"\r\n\r\n" not in data:
                data += connection.recv(65536)
            head, _, rest = data.partition(b"\r\n\r\n")
            length = next(
                (int(line.split(b":")[1]) for line in head.split(b"\r\n")
                 if line.lower().startswith(b"content-length:")), 0)  # fmt: skip
            while len(rest) < length:
                rest += connection.recv(65536)
            got.append(head + b"\r\n\r\n" + rest)
            connection.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/x", got
    finally:
        thread.join(timeout=30)
        listener.close()


def _reply(
    status: str, body: bytes, *, length: int | None = None, kind: str = "text/plain"
) -> bytes:
    size = len(body) if length is None else length
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {size}\r\n"
        "Connection: close\r\n\r\n"
    ).encode() + body


def test_a_post_carries_its_body_and_type_and_the_answer_comes_back_whole() -> None:
    with answering(_reply("200 OK", b"cosigned", kind="text/x-note")) as (url, got):
        answer = http_exchange(
            url, body=b"checkpoint", content_type="text/plain", limit=100, timeout=30
        )
    assert (answer.status, answer.content_type, answer.body) == (200, "text/x-note", b"cosigned")
    assert got[0].startswith(b"POST /x ")
    assert b"\r\nContent-Type: text/plain\r\n" in got[0] and got[0].endswith(b"\r\n\r\ncheckpoint")


def test_an_error_status_is_an_answer_with_its_body() -> None:
    with answering(_reply("409 Conflict", b"17\n", kind="text/x.tlog.size")) as (url, _):
        answer = http_exchange(url, limit=100, timeout=30)
    assert (answer.status, answer.content_type, answer.body) == (409, "text/x.tlog.size", b"17\n")


def test_a_body_past_the_limit_is_cut_one_byte_past_it() -> None:
    with answering(_reply("200 OK", b"x" * 5000)) as (url, _):
        answer = http_exchange(url, limit=10, timeout=30)
    assert answer.body == b"x" * 11  # the caller sees it is too large


def test_an_error_whose_body_is_cut_short_still_gives_its_status() -> None:
    # The server promises 1,000 bytes, sends 3 and hangs up: what came is the body.
    with answering(_reply("503 Service Unavailable", b"bus", length=1000)) as (url, _):
        answer = http_exchange(url, limit=2000, timeout=30)
    assert (answer.status, answer.body) == (503, b"bus")


def test_an_error_whose_body_cannot_be_read_still_gives_its_status() -> None:
    # A chunked body whose first chunk size is not a number: reading it fails.
    broken = (
        b"HTTP/1.1 502 Bad Gateway\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\nzz\r\nbus\r\n"
    )
    with answering(broken) as (url, _):
        answer = http_exchange(url, limit=100, timeout=30)
    assert (answer.status, answer.body) == (502, b"")


def test_no_server_is_unreachable_with_a_reason() -> None:
    free = socket.create_server(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()  # nothing listens there now
    with pytest.raises(HttpUnreachableError) as caught:
        http_exchange(f"http://127.0.0.1:{port}/checkpoint", limit=10, timeout=30)
    assert "refused" in caught.value.reason.lower()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "data:,secret"])
def test_only_http_addresses_are_asked(url: str) -> None:
    with pytest.raises(HttpUnreachableError, match="not an http"):
        http_exchange(url, limit=100_000, timeout=30)
