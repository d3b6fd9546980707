"""The ASGI application: pages, the JSON API, the yente surface, the published log."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

import erfurt
from erfurt.archive import View, WriterAddress
from erfurt.errors import ConfigError, ErfurtError, RequestConflictError
from erfurt.web import (
    api,
    entity_routes,
    evidence_routes,
    incidents,
    intake,
    names_routes,
    outreach_routes,
    pages,
    resumable,
    uploads,
    yente,
)
from erfurt.web.calls_chart import CallsCharts
from erfurt.web.render import render
from erfurt.web.screening import ScreenJobs
from erfurt.web.security import RateLimiter, SecurityHeaders
from erfurt.web.service import Service
from erfurt.web.tally_chart import TallyCharts

STATIC = Path(__file__).parent / "static"
_MACHINE_PATHS = ("/api/", "/match/", "/entities/", "/algorithms", "/catalog")
_LOG_FILE = re.compile(r"checkpoint|tile/(entries|[0-9]+)(/x[0-9]{3})*/[0-9]{3}(\.p/[0-9]+)?")
_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found"}
_CODES |= {413: "too_large", 422: "invalid", 429: "rate_limited", 503: "unavailable"}


def _error(request: Request, status: int, message: str, hint: str = "", field: str = "") -> Any:
    if request.url.path.startswith(_MACHINE_PATHS) or status == 422:
        body = {"ok": False, "status": status, "code": _CODES.get(status, "error")}
        body |= {"error": message, "hint": hint or None, "field": field or None}
        return JSONResponse(body, status_code=status)
    if status == 401:
        return RedirectResponse("/login", status_code=303)
    data = {"status": status, "message": message, "hint": hint}
    return render(request, "error.html", data, status=status)


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Any:
        return _error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Any:
        first = exc.errors()[0] if exc.errors() else {}
        field = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return _error(request, 422, str(first.get("msg", "invalid request")), field=field)

    @app.exception_handler(ErfurtError)
    async def user_error(request: Request, exc: ErfurtError) -> Any:
        status = 503 if isinstance(exc, ConfigError) else 400
        if isinstance(exc, RequestConflictError):  # as draft-ietf-httpapi-idempotency-key
            status = 422
        return _error(request, status, exc.message, exc.hint)


def _published_log(app: FastAPI, folder: Path) -> None:
    @app.get("/log/{path:path}", include_in_schema=False)
    def log_file(path: str) -> Response:
        """The log exactly as the C2SP static layout: checkpoint, tiles, entry bundles."""
        file = folder / path
        if not _LOG_FILE.fullmatch(path) or not file.is_file():
            raise HTTPException(404, f"/log/{path} is not part of the published log")
        immutable = path != "checkpoint" and ".p/" not in path
        cache = "public, max-age=31536000, immutable" if immutable else "no-cache"
        media = "text/plain; charset=utf-8" if path == "checkpoint" else "application/octet-stream"
        return FileResponse(file, media_type=media, headers={"cache-control": cache})


def create_app(
    archive_path: Path,
    *,
    views: Sequence[View],
    clock: Callable[[], float] = time.time,
    login_burst: int = 10,
    logins_per_minute: int = 10,
    secret_file: Path | None = None,
    search_processes: int = 0,
    database: str | None = None,
    writer: WriterAddress | None = None,
    accounts_from_writer: bool = False,
    key_file: Path | None = None,
) -> FastAPI:
    """The web application serving the archive at ``archive_path`` with these ``views``.

    The archive is opened (and its writer started) when the app starts, and closed when
    it stops. ``clock`` drives sessions and login rate limits. ``secret_file`` holds the
    registry secret the outreach pages hash numbers with (they answer 503 without it).
    With ``search_processes``, searches run in that many processes of their own.
    ``database`` overrides the archive's ``database`` setting; with ``writer``, appends
    and background extraction go to that writer process (``serve --jobs``), and with
    ``accounts_from_writer`` account questions too (``serve --join``); else this
    process writes, with the signing key at ``key_file`` (default: in ``private/``).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.service = Service(
            archive_path,
            views,
            clock=clock,
            secret_file=secret_file,
            search_processes=search_processes,
            database=database,
            writer=writer,
            accounts_from_writer=accounts_from_writer,
            key_file=key_file,
        )
        if app.state.service.login_limits is not None:  # one writer counts for all workers
            app.state.login_limiter = app.state.service.login_limits
        try:
            yield
        finally:
            app.state.service.close()

    app = FastAPI(
        title="Erfurt",
        version=erfurt.__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.login_limiter = RateLimiter(clock, burst=login_burst, per_minute=logins_per_minute)
    app.state.screen_jobs = ScreenJobs()
    app.state.tally_charts = TallyCharts()
    app.state.calls_charts = CallsCharts()
    app.add_middleware(SecurityHeaders)
    _install_errors(app)
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(uploads.router)
    app.include_router(resumable.router)
    app.include_router(outreach_routes.router)
    app.include_router(names_routes.router)
    app.include_router(entity_routes.router)
    app.include_router(evidence_routes.router)
    app.include_router(incidents.router)
    app.include_router(yente.router)
    intake.install(app, clock=clock)
    _published_log(app, archive_path / "log")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
