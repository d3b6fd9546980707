"""The ``Idempotency-Key`` header of the API's writes: a retry is answered, not repeated.

A client sends a key of its own (a UUID, say) with ``POST /api/v1/declarations``,
``/api/v1/incidents`` or ``/api/v1/calls``, and sends the same request with the same key
again when it got no answer. The first request's records answer the retry: a
declaration is counted once, and its receipt is the same. The key and the body reach the
log only as keyed hashes (:mod:`erfurt.archive.requests`), so the header needs the
server's registry secret. The same key with another body gets 422; a key is scoped to the
account that sent it and the route it was sent to.

The header follows draft-ietf-httpapi-idempotency-key-header: its value is a structured
field string (``"..."``); a bare token is accepted too, as most clients send one.
"""

from __future__ import annotations

import json

from fastapi import HTTPException, Request
from pydantic import BaseModel

from erfurt.archive import MAX_REQUEST_KEY, RequestTag
from erfurt.web.security import Caller, registry_secret

__all__ = ["IDEMPOTENCY_HEADER", "request_tag"]

IDEMPOTENCY_HEADER = "Idempotency-Key"


def request_tag(request: Request, who: Caller, body: BaseModel) -> RequestTag | None:
    """The tag of this write if it carries an ``Idempotency-Key``, else None.

    400 for a key that is empty, too long or not printable ASCII; 503 when the server has
    no registry secret to hash it with.
    """
    values = request.headers.getlist(IDEMPOTENCY_HEADER)
    if not values:
        return None
    key = _key(values)
    route = getattr(request.scope.get("route"), "path", request.url.path)
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return RequestTag.of(
        registry_secret(request),
        principal=who.principal.name,
        route=f"{request.method} {route}",
        key=key,
        body=canonical.encode("utf-8"),
    )


def _key(values: list[str]) -> str:
    if len(values) > 1:
        raise HTTPException(400, f"send one {IDEMPOTENCY_HEADER} header, not {len(values)}")
    value = values[0].strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if not 1 <= len(value) <= MAX_REQUEST_KEY or not all(" " < c <= "~" for c in value):
        raise HTTPException(
            400,
            f"an {IDEMPOTENCY_HEADER} is 1 to {MAX_REQUEST_KEY} printable ASCII characters"
            " without spaces (a UUID, say)",
        )
    return value
