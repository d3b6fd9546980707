"""Replies: signed offline, read only with the codename, deleted by the source, never twice."""

from __future__ import annotations

import base64
import json

import pytest

from erfurt.archive import Archive
from erfurt.errors import InputError
from erfurt.intake import IntakeDesk, generate_key, read_private_key, write_reply
from erfurt.intake.codename import source_id, source_key

from .conftest import Setup, submit


def _reply_to(setup: Setup, codename: str, message: str, key_path: str = "") -> bytes:
    key = read_private_key(setup.key) if not key_path else generate_key(setup.root / key_path)
    with Archive.open(setup.server) as archive:
        desk = IntakeDesk(archive)
        source = source_id(desk.store.hash_key(), codename)
        desk.close()
    public = source_key(codename).public_key().public_bytes_raw()
    return write_reply(key, source, public, message)


def test_a_source_reads_and_deletes_its_reply_and_it_is_never_delivered_again(
    setup: Setup,
) -> None:
    codename = submit(setup.server, [("T", "message", b"hello")])
    reply = _reply_to(setup, codename, "Thank you. 谢谢。")
    with Archive.open(setup.server) as archive:
        desk = IntakeDesk(archive)
        reply_id = desk.deliver(reply)
        [shown] = desk.replies(codename)
        assert (shown.id, shown.message) == (reply_id, "Thank you. 谢谢。")
        other = submit(setup.server, [("T", "message", b"someone else")])
        assert desk.replies(other) == []
        with pytest.raises(InputError, match="delivered before"):
            desk.deliver(reply)
        assert desk.delete_reply(codename, reply_id)
        assert desk.replies(codename) == []
        with pytest.raises(InputError, match="delivered before"):
            desk.deliver(reply)  # a replay after deletion brings nothing back
        desk.close()
    assert b"Thank you" not in (setup.server / "private" / "intake.sqlite").read_bytes()


def test_a_reply_signed_by_another_key_is_refused(setup: Setup) -> None:
    codename = submit(setup.server, [("T", "message", b"hello")])
    forged = _reply_to(setup, codename, "come to this address", key_path="other.key")
    with Archive.open(setup.server) as archive:
        desk = IntakeDesk(archive)
        with pytest.raises(InputError, match="not signed"):
            desk.deliver(forged)
        desk.close()


def test_a_reply_moved_to_another_source_is_refused(setup: Setup) -> None:
    first = submit(setup.server, [("T", "message", b"one")])
    second = submit(setup.server, [("T", "message", b"two")])
    body = json.loads(_reply_to(setup, first, "for the first source"))
    with Archive.open(setup.server) as archive:
        desk = IntakeDesk(archive)
        body["source"] = source_id(desk.store.hash_key(), second)
        with pytest.raises(InputError, match="not signed"):
            desk.deliver(json.dumps(body).encode())
        body["envelope"] = base64.b64encode(b"x" * 80).decode()
        with pytest.raises(InputError):
            desk.deliver(json.dumps(body).encode())
        assert desk.replies(second) == []
        desk.close()
