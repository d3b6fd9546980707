"""Who is asking, and the guards every request passes: headers, CSRF, login rate limits."""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Form, HTTPException, Request, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from erfurt.archive import ANONYMOUS, Action, Principal, RegistrySecret, can
from erfurt.errors import ConfigError
from erfurt.web.service import Service

SESSION_COOKIE = "erfurt_session"
CSRF_COOKIE = "erfurt_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
Csrf = Annotated[str | None, Form(alias=CSRF_FIELD)]
"""A form's CSRF token, as a route parameter; check it with :func:`check_csrf`."""

# No inline script or style, nothing from elsewhere: an injected tag can do nothing.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


class SecurityHeaders:
    """Adds the strict Content-Security-Policy and its companions to every response.

    A plain ASGI middleware: Starlette's ``BaseHTTPMiddleware`` would run every request
    through a task and a memory stream of its own, which a loaded server pays for on
    each request.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request, setting the headers on its response's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


_CALLER = "erfurt_caller"
"""Where a request keeps its :class:`Caller` (or why it could not be found)."""


@dataclass(frozen=True, slots=True)
class Caller:
    """The principal behind a request and how it proved who it is."""

    principal: Principal
    by_token: bool = False


def service_of(request: Request) -> Service:
    """The :class:`Service` the app serves."""
    service: Service = request.app.state.service
    return service


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() in {"bearer", "apikey"} and token.strip() else None


def caller(request: Request) -> Caller:
    """Who is asking: an API token's user, a session's user, or the anonymous public.

    A token that is given but unknown is refused (401) rather than treated as anonymous.
    Found once per request (a worker on another host asks the writer): asked again, it
    answers the same, or raises the same ConfigError at once.
    """
    known = getattr(request.state, _CALLER, None)
    if isinstance(known, ConfigError):
        raise known
    if isinstance(known, Caller):
        return known
    try:
        found = _find_caller(request)
    except ConfigError as exc:
        setattr(request.state, _CALLER, exc)
        raise
    setattr(request.state, _CALLER, found)
    return found


def speak_for_nobody(request: Request) -> None:
    """From now on ``request`` is the anonymous public's (its session cookie is being
    removed), whatever the cookie it came with."""
    setattr(request.state, _CALLER, Caller(ANONYMOUS))


def _find_caller(request: Request) -> Caller:
    service = service_of(request)
    token = _bearer(request)
    if token is not None:
        principal = service.accounts.token_user(token)
        if principal is None:
            raise HTTPException(401, "this API token is not valid")
        return Caller(principal, by_token=True)
    cookie = request.cookies.get(SESSION_COOKIE)
    session = service.accounts.session(cookie) if cookie else None
    return Caller(session.principal if session else ANONYMOUS)


def require(request: Request, action: Action) -> Caller:
    """The caller, if allowed ``action``: 401 when nobody is logged in, 403 otherwise."""
    who = caller(request)
    if not can(who.principal, action):
        if who.principal.anonymous:
            raise HTTPException(401, "log in first")
        raise HTTPException(403, f"your role may not {action}")
    return who


def csrf_token(request: Request) -> str:
    """This browser's CSRF token (a new one is set as a cookie by :func:`set_csrf_cookie`)."""
    token: str | None = getattr(request.state, "csrf", None)
    if token is None:
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        request.state.csrf = token
    return token


def set_csrf_cookie(request: Request, response: Response) -> None:
    """Send the CSRF cookie if the browser does not have it yet."""
    token = csrf_token(request)
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(
            CSRF_COOKIE, token, httponly=True, secure=True, samesite="strict", path="/"
        )


def check_csrf(request: Request, submitted: str | None, who: Caller | None = None) -> None:
    """Refuse (403) a cookie-borne write whose form field or header does not match its cookie.

    Requests authenticated by an API token carry no cookies, so need no token.
    """
    if who is not None and who.by_token:
        return
    cookie = request.cookies.get(CSRF_COOKIE)
    given = submitted or request.headers.get(CSRF_HEADER)
    if not cookie or not given or not hmac.compare_digest(cookie.encode(), given.encode()):
        raise HTTPException(403, "the form's CSRF token is missing or wrong: reload the page")


def client_key(address: str) -> str:
    """The key a client's attempts are counted under: its IPv4 address, or its IPv6 /64.

    One IPv6 client usually holds a whole /64 (2^64 addresses): counting each address
    apart would give it endless fresh buckets.
    """
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


class RateLimiter:
    """A token bucket per key (a client address): ``burst`` attempts, refilled ``per_minute``.

    At most ``max_keys`` buckets are kept: past that, buckets that have refilled are
    forgotten (they hold nothing), and while none has, new keys are refused; a flood of
    addresses never empties the buckets of the keys it is limiting.
    """

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        burst: int = 10,
        per_minute: int = 10,
        max_keys: int = 100_000,
    ) -> None:
        self._clock = clock
        self._burst = burst
        self._rate = per_minute / 60
        self._max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}
        self._swept = float("-inf")
        self._lock = threading.Lock()

    def _tokens(self, key: str, now: float) -> float:
        tokens, then = self._buckets.get(key, (float(self._burst), now))
        return min(float(self._burst), tokens + (now - then) * self._rate)

    def allow(self, key: str) -> bool:
        """Take one attempt for ``key``; False when its bucket is empty."""
        now = self._clock()
        with self._lock:
            if key not in self._buckets and len(self._buckets) >= self._max_keys:
                if now - self._swept >= 1.0:  # a sweep at most each second: a flood is cheap
                    self._swept = now
                    full = [k for k in self._buckets if self._tokens(k, now) >= self._burst]
                    for forgotten in full:
                        del self._buckets[forgotten]
                if len(self._buckets) >= self._max_keys:
                    return False
            tokens = self._tokens(key, now)
            if tokens < 1:
                self._buckets[key] = (tokens, now)
                return False
            self._buckets[key] = (tokens - 1, now)
            return True


def registry_secret(request: Request) -> RegistrySecret:
    """The server's registry secret (keyed hashes of identities and numbers), or 503."""
    secret = service_of(request).secret
    if secret is None:
        raise HTTPException(
            503, "this server has no registry secret: start it with `erfurt serve --secret-file`"
        )
    return secret
