"""Writes answered once: a client's retry gets the records of its first request.

A client that sends a write with an ``Idempotency-Key`` (the HTTP header of
draft-ietf-httpapi-idempotency-key-header) may send it again after an answer it never
got (a dropped connection, a proxy's time-out, a server that crashed after the append),
and nothing is appended a second time: a declaration is counted once, an incident or a
call logged once.

The key itself is never stored. Each record of the request carries ``request``, a keyed
hash (under the registry secret) of who sent it, where (method and path), with which
key; and ``request_body``, a keyed hash of what was sent. So the log remembers every request it
answered (a rebuild keeps them; a crash between the append and the answer loses
nothing) while the published log shows neither the key nor the body. The ``requests``
view finds a request's records by its hash; the one writer
(:class:`~erfurt.archive.writequeue.WriteQueue`) looks every tagged submission up there
under the log's lock, so two copies of a request sent at once are appended once. The same
key sent with another body is refused (:class:`~erfurt.errors.RequestConflictError`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from erfurt.archive.blobs import BlobReader
from erfurt.archive.kinds import KINDS
from erfurt.archive.records import Record
from erfurt.archive.secrets import RegistrySecret, keyed_hash
from erfurt.archive.viewdb import ViewConnection
from erfurt.archive.views import ALL_BACKENDS
from erfurt.errors import RequestConflictError

__all__ = [
    "MAX_REQUEST_KEY",
    "RequestTag",
    "RequestsView",
    "answered_request",
    "same_request",
    "tagged",
]

MAX_REQUEST_KEY = 255
"""The longest idempotency key accepted, in characters."""
_REQUEST = "request"
_BODY = "request_body"
_HEX_DIGEST = frozenset("0123456789abcdef")


@dataclass(frozen=True, slots=True)
class RequestTag:
    """Which request some records answer (``request``) and what it said (``body``)."""

    request: str
    body: str

    @classmethod
    def of(
        cls, secret: RegistrySecret, *, principal: str, route: str, key: str, body: bytes
    ) -> RequestTag:
        """The tag of the request ``principal`` sent to ``route`` (its method and path)
        with idempotency ``key`` and ``body`` (its canonical bytes): two keyed hashes, so a
        key and a body cannot be guessed from a record without the secret."""
        request = keyed_hash(secret, "request", json.dumps([principal, route, key]).encode())
        return cls(request, keyed_hash(secret, "request.body", request.encode() + body))

    @classmethod
    def carried_by(cls, records: Sequence[Record]) -> RequestTag | None:
        """The tag the first of ``records`` carries, if it carries one."""
        if not records:
            return None
        request, body = records[0].get(_REQUEST), records[0].get(_BODY)
        if _is_digest(request) and _is_digest(body):
            return cls(request, body)
        return None


def tagged(records: Sequence[Record], request: RequestTag | None) -> list[Record]:
    """``records``, each carrying ``request``'s tag (unchanged when it is None)."""
    if request is None:
        return list(records)
    tag = {_REQUEST: request.request, _BODY: request.body}
    return [Record(record.kind, {**record.fields, **tag}) for record in records]


def answered_request(db: ViewConnection, tag: RequestTag) -> list[int] | None:
    """The indexes of the records that answered ``tag``'s request, or None if none did.

    Raises :class:`RequestConflictError` when that key came with another body.
    """
    row = db.execute(
        "SELECT body, first, last FROM requests_answered WHERE request = ?", (tag.request,)
    ).fetchone()
    if row is None:
        return None
    body, first, last = row
    same_request(RequestTag(tag.request, str(body)), tag)
    return list(range(int(first), int(last) + 1))


def same_request(earlier: RequestTag | None, again: RequestTag) -> None:
    """Raise :class:`RequestConflictError` unless ``again`` repeats ``earlier`` whole."""
    if earlier != again:
        raise RequestConflictError(
            "this Idempotency-Key was already used for a request with another body",
            "send a new request with a new key; repeat a key only to retry the same request",
        )


class RequestsView:
    """``requests_answered``: the log records of each tagged request, by its keyed hash."""

    name = "requests"
    version = 1
    kinds = frozenset(spec.kind for spec in KINDS.values() if _REQUEST in spec.optional)
    backends = ALL_BACKENDS

    def create(self, db: ViewConnection) -> None:
        """Create the table of answered requests."""
        db.execute(
            "CREATE TABLE IF NOT EXISTS requests_answered (request TEXT PRIMARY KEY,"
            " body TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL)"
        )

    def apply(self, db: ViewConnection, index: int, record: Record, blobs: BlobReader) -> None:
        """Note a tagged record: the first of its request, or the next one of the run."""
        tag = RequestTag.carried_by([record])
        if tag is None:
            return
        # A request's records are one run of the log: a later record with the same tag
        # (only a writer that skipped the check could log one) does not stretch it.
        db.execute(
            "INSERT INTO requests_answered VALUES (?, ?, ?, ?) ON CONFLICT (request) DO UPDATE"
            " SET last = excluded.last WHERE requests_answered.last = excluded.first - 1"
            " AND requests_answered.body = excluded.body",
            (tag.request, tag.body, index, index),
        )


def _is_digest(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and _HEX_DIGEST.issuperset(value)
