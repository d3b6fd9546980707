"""Replies to sources: written and signed offline, encrypted to the source's reply key.

A reply file is JSON: ``{"v": 1, "id", "source", "envelope", "signature"}``. The envelope
(:mod:`erfurt.intake.envelope`) holds ``{"id", "source", "message"}`` encrypted to the
source's key; the Ed25519 signature of the organisation's intake key covers the id, the
source and the envelope. The server refuses a reply whose signature fails or whose id it
has seen before; the source's page shows only replies whose inner id and source match.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from erfurt.errors import ErfurtError, InputError
from erfurt.intake.envelope import EnvelopeWriter, open_envelope
from erfurt.intake.keys import IntakeKey

__all__ = ["Reply", "open_reply", "parse_reply", "write_reply"]

_CONTEXT = b"erfurt-intake reply v1\n"


@dataclass(frozen=True, slots=True)
class Reply:
    """A reply file's outer fields, its signature checked."""

    id: str
    source: str
    envelope: bytes


def _signed(reply: str, source: str, envelope: bytes) -> bytes:
    return _CONTEXT + reply.encode() + b"\n" + source.encode() + b"\n" + envelope


def write_reply(key: IntakeKey, source: str, reply_key: bytes, message: str) -> bytes:
    """A signed reply file for the source ``source`` whose public reply key is ``reply_key``."""
    reply = secrets.token_hex(16)
    out = io.BytesIO()
    writer = EnvelopeWriter(X25519PublicKey.from_public_bytes(reply_key), out)
    writer.write(json.dumps({"id": reply, "source": source, "message": message}).encode())
    writer.finish()
    envelope = out.getvalue()
    signature = key.sign.sign(_signed(reply, source, envelope))
    body = {"v": 1, "id": reply, "source": source}
    body |= {"envelope": base64.b64encode(envelope).decode()}
    body |= {"signature": base64.b64encode(signature).decode()}
    return json.dumps(body, sort_keys=True).encode()


def _forged() -> InputError:
    return InputError(
        "this reply is not signed by the organisation's intake key",
        "write the reply again with `erfurt intake reply` and the intake key file",
    )


def parse_reply(data: bytes, verify: Ed25519PublicKey) -> Reply:
    """The reply in ``data``, its signature checked against ``verify``."""
    try:
        body = json.loads(data)
        reply, source = str(body["id"]), str(body["source"])
        envelope = base64.b64decode(body["envelope"], validate=True)
        signature = base64.b64decode(body["signature"], validate=True)
    except (ValueError, KeyError, TypeError, binascii.Error, RecursionError) as exc:
        raise InputError(
            "this is not an Erfurt reply file", "give the file `erfurt intake reply` wrote"
        ) from exc
    if body.get("v") != 1:
        raise InputError("this reply file's version is unknown", "update Erfurt")
    try:
        verify.verify(signature, _signed(reply, source, envelope))
    except InvalidSignature:
        raise _forged() from None
    return Reply(reply, source, envelope)


def open_reply(reply: Reply, key: X25519PrivateKey) -> str | None:
    """The message of a checked reply, or None if it does not open or was moved."""
    out = io.BytesIO()
    try:
        open_envelope(key, io.BytesIO(reply.envelope), out, "reply")
        inner = json.loads(out.getvalue())
    except (ErfurtError, ValueError, RecursionError):
        return None
    if inner.get("id") != reply.id or inner.get("source") != reply.source:
        return None
    message = inner.get("message")
    return message if isinstance(message, str) else None
