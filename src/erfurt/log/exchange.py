"""One HTTP request to a server the log talks to (a published log, a witness, a TSA).

Every such request is the same: a GET or a POST of a few bytes, an answer read up to a
limit, and a server that cannot be reached told apart from one that answered with an
error status. Each caller then says what a status means to it.

The standard library's HTTP client is imported on the first request: it brings in
``ssl`` and ``email`` (about 20 ms), which every command would otherwise pay for when it
imports the log, though few of them ever talk to a server.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import LogError

__all__ = ["HttpAnswer", "HttpUnreachableError", "http_exchange"]


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    """What a server answered: its status, its content type, and up to ``limit + 1``
    bytes of its body (more than ``limit`` means the body was too large)."""

    status: int
    content_type: str
    body: bytes


class HttpUnreachableError(LogError):
    """No answer came: the address, the network, TLS or the connection failed
    (``reason`` says which)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def http_exchange(
    url: str,
    *,
    limit: int,
    timeout: float,
    body: bytes | None = None,
    content_type: str = "",
) -> HttpAnswer:
    """GET ``url`` (or POST ``body`` to it as ``content_type``) and return the answer,
    whatever its status. Raises :class:`HttpUnreachableError` when no answer came, and
    for an address that is not http(s): urllib would read a ``file://`` one from disk."""
    if not url.startswith(("http://", "https://")):
        raise HttpUnreachableError(f"{url!r} is not an http:// or https:// address")
    import http.client
    import urllib.error
    import urllib.request

    headers = {"Content-Type": content_type} if content_type else {}
    method = "GET" if body is None else "POST"
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            kind = answer.headers.get("Content-Type", "")
            return HttpAnswer(answer.status, kind, answer.read(limit + 1))
    except urllib.error.HTTPError as exc:
        refusal = exc
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        raise HttpUnreachableError(str(getattr(exc, "reason", exc))) from exc
    with refusal:
        kind = refusal.headers.get("Content-Type", "") if refusal.headers else ""
        try:
            body = refusal.read(limit + 1)
        except (http.client.HTTPException, OSError):
            body = b""  # the status is the answer; a body that cannot be read is left out
        return HttpAnswer(refusal.code, kind, body)
