"""The wire between the serving processes and the archive's one writer.

A connection carries frames: a 4-byte big-endian length, then that many bytes (at most
:data:`MAX_FRAME`). Before anything else, both ends prove they hold the writer's key
(:func:`prove_to_writer`, :func:`check_worker`): each sends a random challenge and the
other answers with its HMAC-SHA256 under the key (the writer first), so neither a process
without the key nor a replayed conversation gets anywhere. Requests and answers are JSON
objects, never pickles: a message can only ever be data.

Off loopback the connection is TLS (:class:`WriterTLS`): the writer presents a
certificate the operator's CA signed for the address the workers use, and each worker
presents one signed by the same CA; the key check then runs inside the encrypted channel.

The key is random, made by the writer when it starts, unless workers on other hosts join
it: then it is kept in ``writer_secret_file`` (:func:`load_link_key`), a file the writer
makes once, mode 0600, copied to each worker host.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import socket
import ssl
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from erfurt.archive.secrets import create_or_read_secret, read_secret_file
from erfurt.errors import ConfigError

__all__ = [
    "LINK_KEY_HEADER",
    "MAX_FRAME",
    "LinkClosed",
    "WriterTLS",
    "check_worker",
    "keep_alive",
    "load_link_key",
    "prove_to_writer",
    "recv_message",
    "send_message",
]

MAX_FRAME = 64 * 1024 * 1024
"""The largest frame either end accepts (a batch of records well past any request's)."""

_LENGTH = struct.Struct(">I")
_CHALLENGE_BYTES = 32
_PROOF_BYTES = hashlib.sha256().digest_size
_REFUSED = b"refused"
_ACCEPTED = b"accepted"
_HINT_FILES = (
    "give the PEM files of the CA, and of this process's certificate and key, in "
    "writer_ca, writer_cert and writer_key in erfurt.toml (docs/deployment.md)"
)


LINK_KEY_HEADER = "erfurt-writer-link-key v1"
"""The first line of a ``writer_secret_file``."""
_HINT_KEY = (
    "a joined worker's writer_secret_file must be a copy of the writer's (mode 0600): "
    "copy it again from the writer's host; a worker started by `erfurt serve --jobs` gets "
    "the key from its writer: restart `erfurt serve`"
)


def load_link_key(path: Path, *, archive_root: Path, create: bool) -> bytes:
    """The writer link's key from the file at ``path``, made (0600) when missing and
    ``create`` (the writer's side).

    Raises ConfigError if ``path`` lies inside the archive folder (a copy of the archive
    would let its holder write to the log), is missing and not ``create``, may be read
    by anyone but its owner, or is not a key file.
    """
    if path.resolve().is_relative_to(archive_root.resolve()):
        raise ConfigError(
            f"writer_secret_file {str(path)!r} is inside the archive folder",
            "keep it outside, e.g. /etc/erfurt/writer-link.key, readable by the server only",
        )
    if not path.exists():
        if not create:
            raise ConfigError(
                f"no writer link key at {str(path)!r} (writer_secret_file)",
                "copy the file the writer made when it first started (mode 0600) to this "
                "host, at the path writer_secret_file names",
            )
        return create_or_read_secret(path, LINK_KEY_HEADER).key
    return read_secret_file(path, LINK_KEY_HEADER).key


class LinkClosed(Exception):
    """The other end closed the connection, or sent something that is not a frame."""


@dataclass(frozen=True, slots=True)
class WriterTLS:
    """The PEM files of the writer link's TLS: ``ca`` signed the writer's certificate and
    every worker's; ``cert`` and ``key`` are this process's own."""

    ca: Path
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        """The writer's context: presents ``cert``, requires a worker certificate ``ca``
        signed. Raises ConfigError for files that cannot be used."""
        context = self._context(ssl.Purpose.CLIENT_AUTH)
        context.verify_mode = ssl.CERT_REQUIRED
        context.num_tickets = 0  # no resumption: an idle connection then carries nothing
        return context

    def client_context(self) -> ssl.SSLContext:
        """A worker's context: presents ``cert``, accepts only a writer certificate ``ca``
        signed for the address it connects to. Raises ConfigError as above."""
        return self._context(ssl.Purpose.SERVER_AUTH)

    def _context(self, purpose: ssl.Purpose) -> ssl.SSLContext:
        for path in (self.ca, self.cert, self.key):
            if not path.is_file():
                raise ConfigError(f"writer TLS file {str(path)!r} is not a file", _HINT_FILES)
        try:
            context = ssl.create_default_context(purpose, cafile=str(self.ca))
            context.load_cert_chain(str(self.cert), str(self.key))
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(
                f"the writer link's TLS files cannot be used: {exc.strerror or exc}", _HINT_FILES
            ) from exc
        context.minimum_version = ssl.TLSVersion.TLSv1_3  # both ends are Erfurt's
        return context


def keep_alive(connection: socket.socket) -> None:
    """Have the kernel probe ``connection`` while it is idle, so that a peer whose host
    went away (no FIN ever comes) ends it within about two minutes instead of never."""
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for option, value in (("TCP_KEEPIDLE", 60), ("TCP_KEEPINTVL", 10), ("TCP_KEEPCNT", 6)):
        if hasattr(socket, option):  # Linux names; elsewhere the system's defaults hold
            connection.setsockopt(socket.IPPROTO_TCP, getattr(socket, option), value)


def send_frame(connection: socket.socket, data: bytes) -> None:
    """Send ``data`` as one frame."""
    connection.sendall(_LENGTH.pack(len(data)) + data)


def recv_frame(connection: socket.socket, limit: int = MAX_FRAME) -> bytes:
    """The next frame's bytes; LinkClosed when the other end is gone or announces more
    than ``limit`` bytes (before the key check, only what the check needs)."""
    (length,) = _LENGTH.unpack(_recv_exactly(connection, _LENGTH.size))
    if length > limit:
        raise LinkClosed(f"a frame of {length} bytes, more than {limit}")
    return _recv_exactly(connection, length)


def _recv_exactly(connection: socket.socket, size: int) -> bytes:
    parts = bytearray()
    while len(parts) < size:
        part = connection.recv(min(size - len(parts), 1 << 20))
        if not part:
            raise LinkClosed("the other end closed the connection")
        parts += part
    return bytes(parts)


def send_message(connection: socket.socket, message: dict[str, Any]) -> None:
    """Send a JSON object as one frame."""
    send_frame(connection, json.dumps(message, ensure_ascii=False).encode())


def recv_message(connection: socket.socket) -> dict[str, Any]:
    """The next frame as a JSON object; LinkClosed if it is none."""
    try:
        message = json.loads(recv_frame(connection))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LinkClosed(f"a frame that is not JSON: {exc}") from exc
    if not isinstance(message, dict):
        raise LinkClosed("a frame that is not a JSON object")
    return message


def _proof(authkey: bytes, side: bytes, challenge: bytes) -> bytes:
    return hmac.new(authkey, side + challenge, hashlib.sha256).digest()


def check_worker(connection: socket.socket, authkey: bytes) -> bool:
    """The writer's half of the key check: whether the worker proved it holds
    ``authkey``. The worker speaks first (as a TLS client does), so a worker and a writer
    that disagree about TLS fail at once instead of waiting for each other."""
    theirs = recv_frame(connection, _CHALLENGE_BYTES)
    if len(theirs) != _CHALLENGE_BYTES:
        return False
    ours = secrets.token_bytes(_CHALLENGE_BYTES)
    send_frame(connection, ours + _proof(authkey, b"writer", theirs))
    if not hmac.compare_digest(
        recv_frame(connection, _PROOF_BYTES), _proof(authkey, b"worker", ours)
    ):
        send_frame(connection, _REFUSED)
        return False
    send_frame(connection, _ACCEPTED)
    return True


def prove_to_writer(connection: socket.socket, authkey: bytes) -> None:
    """A worker's half of the key check. Raises ConfigError when the writer cannot prove
    it holds the same key, or refuses this one."""
    ours = secrets.token_bytes(_CHALLENGE_BYTES)
    send_frame(connection, ours)
    answer = recv_frame(connection, _CHALLENGE_BYTES + _PROOF_BYTES)
    theirs, proof = answer[:_CHALLENGE_BYTES], answer[_CHALLENGE_BYTES:]
    if not hmac.compare_digest(proof, _proof(authkey, b"writer", ours)):
        raise ConfigError(
            "the process answering as the archive's writer and this one hold different keys",
            f"{_HINT_KEY}; if that does not help, another program is listening at the "
            "writer's address",
        )
    send_frame(connection, _proof(authkey, b"worker", theirs))
    if recv_frame(connection, len(_ACCEPTED)) != _ACCEPTED:
        raise ConfigError("the archive's writer refused this process's key", _HINT_KEY)
