"""The writer link's frames before the key check: a peer without the key cannot make the
writer wait for, or hold, more than the check's few bytes."""

from __future__ import annotations

import socket
import struct

import pytest

from erfurt.archive.writelink import LinkClosed, check_worker


def test_a_large_frame_before_the_key_check_is_refused_unread() -> None:
    writer, stranger = socket.socketpair()
    with writer, stranger:
        writer.settimeout(60)  # a writer still waiting for the body would raise TimeoutError
        stranger.sendall(struct.pack(">I", 64 * 1024 * 1024) + b"x" * 1024)
        with pytest.raises(LinkClosed, match="more than 32"):
            check_worker(writer, b"k" * 32)
