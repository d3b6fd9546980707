"""The ``Idempotency-Key`` header of the API's writes: a retry is answered, not repeated.

A client sends a key of its own (a UUID, say) with ``POST /api/v1/declarations``,
``/api/v1/incidents`` or ``/api/v1/calls``, or ``PATCH /api/v1/incidents/{id}``, and
sends the same request with the same key again when it got no answer. The first
request's records answer the retry: a declaration is counted once, and its receipt is the
same. The key and the body reach the log only as keyed hashes
(:mod:`erfurt.archive.requests`), so the header needs the server's registry secret. The
same key with another body gets 422; a key is scoped to the account that sent it and the
method and path it was sent to.

The header follows draft-ietf-httpapi-idempotency-key-header: its value is a structured
field string (``"..."``); a bare token is accepted too, as most clients send one.

The declaration and call forms carry a key of their own (:data:`FORM_FIELD`, a random
one each time the form is drawn), so a form sent twice (a double click, a reload of the
answer page) logs once; on a server without a registry secret they work as before,
without it.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Any

from fastapi import HTTPException, Request
from pydantic import BaseModel

from erfurt.archive import MAX_REQUEST_KEY, RegistrySecret, RequestTag
from erfurt.web.security import Caller, registry_secret, service_of

__all__ = [
    "FORM_FIELD",
    "IDEMPOTENCY_HEADER",
    "IDEMPOTENT",
    "form_request_tag",
    "new_form_key",
    "request_tag",
]

IDEMPOTENCY_HEADER = "Idempotency-Key"
FORM_FIELD = "request_key"
"""The hidden field of a form that holds its key."""
IDEMPOTENT: dict[str, Any] = {
    "parameters": [
        {
            "name": IDEMPOTENCY_HEADER,
            "in": "header",
            "required": False,
            "schema": {"type": "string", "minLength": 1, "maxLength": MAX_REQUEST_KEY},
            "description": "A key of the client's own (a UUID, say): the same request sent"
            " again with it gets the first answer and logs nothing; with another body, 422."
            " Needs a server with a registry secret (503 otherwise).",
        }
    ]
}
"""The OpenAPI description of the header, for a route's ``openapi_extra``."""


def request_tag(request: Request, who: Caller, body: BaseModel) -> RequestTag | None:
    """The tag of this write if it carries an ``Idempotency-Key``, else None.

    400 for a key that is empty, too long or not printable ASCII; 503 when the server has
    no registry secret to hash it with.
    """
    values = request.headers.getlist(IDEMPOTENCY_HEADER)
    if not values:
        return None
    if len(values) > 1:
        raise HTTPException(400, f"send one {IDEMPOTENCY_HEADER} header, not {len(values)}")
    key = values[0].strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':  # a structured field string
        key = key[1:-1]
    key = _checked(key, IDEMPOTENCY_HEADER)
    return _tag(registry_secret(request), request, who, key, body.model_dump(mode="json"))


def new_form_key() -> str:
    """A fresh key for a form being drawn."""
    return secrets.token_urlsafe(18)


def form_request_tag(
    request: Request, who: Caller, key: str | None, fields: Mapping[str, Any]
) -> RequestTag | None:
    """The tag of a form sent with its :data:`FORM_FIELD` ``key`` and ``fields``; None
    without a key or on a server without a registry secret (400 for a malformed key)."""
    secret = service_of(request).secret
    if key is None or secret is None:
        return None
    return _tag(secret, request, who, _checked(key, FORM_FIELD), fields)


def _tag(
    secret: RegistrySecret, request: Request, who: Caller, key: str, body: Mapping[str, Any]
) -> RequestTag:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False)
    return RequestTag.of(
        secret,
        principal=who.principal.name,
        # The path as sent, not the route's pattern: a key sent to edit one incident is
        # not a key sent to edit another.
        route=f"{request.method} {request.url.path}",
        key=key,
        body=canonical.encode("utf-8"),
    )


def _checked(key: str, name: str) -> str:
    if not 1 <= len(key) <= MAX_REQUEST_KEY or not all(" " < c <= "~" for c in key):
        raise HTTPException(
            400,
            f"the {name} must be 1 to {MAX_REQUEST_KEY} printable ASCII characters without"
            " spaces (a UUID, say)",
        )
    return key
