"""The HTML pages: each parses the request, asks :mod:`queries` and renders a template."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Form, HTTPException, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from erfurt.archive import MAX_REQUEST_KEY, SESSION_SECONDS, can
from erfurt.declarations import (
    CHANNELS,
    DeclarationFields,
    Declared,
    declare,
    declare_with_receipt,
    registry_settings,
)
from erfurt.errors import ConfigError
from erfurt.web import queries
from erfurt.web.downloads import attachment, file_attachment, handed_over
from erfurt.web.idempotency import form_request_tag, new_form_key
from erfurt.web.render import language_of, render
from erfurt.web.resumable import PIECE
from erfurt.web.search_form import FORM_PARAMETERS, facet_groups, search_url
from erfurt.web.security import (
    SESSION_COOKIE,
    Csrf,
    caller,
    check_csrf,
    client_key,
    registry_secret,
    require,
    service_of,
    speak_for_nobody,
)
from erfurt.web.tally_chart import GROUPED, GroupedChart, TallyChart, TallyCharts
from erfurt.web.viewer import PAGE_CACHING, document_view, page_png

router = APIRouter()


@router.get("/", include_in_schema=False)
def home(request: Request) -> Response:
    """Send each user to the page of their work."""
    principal = caller(request).principal
    target = "/search" if can(principal, "search") else "/declare"
    if principal.anonymous:
        target = "/tally"
    return RedirectResponse(target, status_code=303)


@router.get("/login", include_in_schema=False)
def login_form(request: Request) -> Response:
    """The login form."""
    return render(request, "login.html", {"failed": False})


class LoginForm(BaseModel):
    """The login form's fields."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)
    csrf: str | None = None


@router.post("/login", include_in_schema=False)
def login(request: Request, form: Annotated[LoginForm, Form()]) -> Response:
    """Check the password (rate limited per address) and start a session."""
    check_csrf(request, form.csrf)
    service = service_of(request)
    address = client_key(request.client.host) if request.client else "?"
    if not request.app.state.login_limiter.allow(address):
        raise HTTPException(429, "too many login attempts from this address: wait a minute")
    principal = service.accounts.authenticate(form.username, form.password)
    if principal is None:
        return render(request, "login.html", {"failed": True}, status=401)
    token, _ = service.accounts.start_session(principal)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, secure=True, samesite="strict", path="/"
    )
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, csrf: Csrf = None) -> Response:
    """End the session, and have the browser forget its cookie. When the session cannot
    be ended (a joined worker whose writer does not answer) the browser forgets it all
    the same, and the page (503) says that it ends by itself at its time limit."""
    check_csrf(request, csrf)
    token = request.cookies.get(SESSION_COOKIE)
    response: Response = RedirectResponse("/login", status_code=303)
    try:
        if token:
            service_of(request).accounts.end_session(token)
    except ConfigError as exc:
        speak_for_nobody(request)  # the page must not ask the silent writer again
        response = render(request, "error.html", _session_not_ended(exc), status=503)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _session_not_ended(exc: ConfigError) -> dict[str, Any]:
    hours = SESSION_SECONDS // 3600
    return {
        "status": 503,
        "message": f"Logged out of this browser, but the session could not be ended on "
        f"the server: {exc.message}.",
        "hint": f"This browser no longer sends the session, and the server ends it by "
        f"itself {hours} hours after its login; to end it sooner (a shared or lost "
        f"computer), an admin can set a new password with `erfurt users passwd`, which "
        f"ends all of the user's sessions. {exc.hint}",
    }


@router.get("/search", include_in_schema=False)
def search_page(
    request: Request,
    q: Annotated[str, Query(max_length=500)] = "",
    collection: Annotated[str, Query(max_length=200)] = "",
    media_type: Annotated[str, Query(alias="type", max_length=200)] = "",
    added: Annotated[str, Query(max_length=50)] = "",
    language: Annotated[str, Query(max_length=20)] = "",
    extractor: Annotated[str, Query(max_length=50)] = "",
    page: int = 1,
) -> Response:
    """The search form and, with a query, one page of hits, the total and the facets."""
    who = require(request, "search")
    form = {
        "q": q,
        "collection": collection,
        "type": media_type,
        "added": added,
        "language": language,
        "extractor": extractor,
    }
    data: dict[str, Any] = {"query": q, "page": page, "hits": [], "has_next": False}
    if q.strip():
        service = service_of(request)
        filters = {field: form[name] for field, name in FORM_PARAMETERS.items()}
        asked = queries.ask_search(
            service.rules(), who.principal, q, collection=collection or None, page=page,
            filters=filters,
        )  # fmt: skip
        data = service.search(asked)
    data["form"] = form
    data["facet_groups"] = facet_groups(form, data.get("facets") or {})
    data["previous"] = search_url(form, page=page - 1) if page > 1 else None
    data["next"] = search_url(form, page=page + 1) if data["has_next"] else None
    return render(request, "search.html", data)


@router.get("/documents/{index}", include_in_schema=False)
def document(
    request: Request, index: int, q: Annotated[str, Query(max_length=500)] = ""
) -> Response:
    """A document: page images, text per page (``q``'s terms marked), custody, downloads."""
    who = require(request, "read")
    service = service_of(request)
    data = document_view(service.archive, service.rules(), who.principal, index, q)
    data["query"] = q
    return render(request, "document.html", data)


@router.get("/documents/{index}/pages/{number}.png", include_in_schema=False)
def page_image(
    request: Request, index: int, number: int, q: Annotated[str, Query(max_length=500)] = ""
) -> Response:
    """Page ``number`` of a document drawn as a PNG, ``q``'s terms marked where its text
    layer places them (404 for a document not visible)."""
    who = require(request, "read")
    service = service_of(request)
    png = page_png(service.archive, service.rules(), who.principal, index, number, q)
    return Response(png, media_type="image/png", headers={"cache-control": PAGE_CACHING})


@router.get("/documents/{index}/original", include_in_schema=False)
def original(request: Request, index: int) -> Response:
    """The original file, as an attachment."""
    who = require(request, "read")
    service = service_of(request)
    name, stream = queries.document_original(service.archive, service.rules(), who.principal, index)
    return file_attachment(stream, name, "application/octet-stream")


@router.get("/documents/{index}/receipt", include_in_schema=False)
def receipt(request: Request, index: int) -> Response:
    """The document record's tlog-proof receipt."""
    who = require(request, "read")
    service = service_of(request)
    proof = queries.document_receipt(service.archive, service.rules(), who.principal, index)
    return attachment(proof, f"record-{index}.proof", "text/plain; charset=utf-8")


@router.get("/upload", include_in_schema=False)
def upload_page(request: Request) -> Response:
    """Upload files or a folder into a collection (the page's script calls the API)."""
    require(request, "upload")
    return render(request, "upload.html", {"piece": PIECE})


@router.get("/declare", include_in_schema=False)
def declare_form(request: Request) -> Response:
    """The intake form for volunteers."""
    require(request, "declare")
    settings = registry_settings(service_of(request).archive.config)
    data = {"organisations": settings.organisations, "channels": CHANNELS}
    return render(request, "declare.html", data | {"request_key": new_form_key()})


def _declared_data(declared: Declared) -> dict[str, Any]:
    return {"number": declared.number, "log_index": declared.log_index, "time": declared.time}


@router.post("/declare", include_in_schema=False)
def declare_submit(
    request: Request,
    alias: Annotated[str, Form(max_length=1000)],
    organisations: Annotated[list[str], Form()],
    place: Annotated[str, Form(max_length=1000)] = "",
    statement: Annotated[str, Form(max_length=100_000)] = "",
    channel: Annotated[str, Form(max_length=50)] = "in-person",
    identity: Annotated[str, Form(max_length=1000)] = "",
    request_key: Annotated[str | None, Form(max_length=MAX_REQUEST_KEY)] = None,
    csrf: Csrf = None,
) -> Response:
    """Log a declaration (through the writer) and show its number and receipt link.

    With an identity, the private receipt (which holds it) is built in memory and handed
    over in this page only, as a download and printed; the server keeps no copy. The
    form's ``request_key`` makes a form sent twice log once (:mod:`erfurt.web.idempotency`).
    """
    who = require(request, "declare")
    check_csrf(request, csrf, who)
    fields = DeclarationFields(
        alias, tuple(organisations), place or None, statement or None, channel, who.principal.name
    )
    sent = asdict(fields) | {"identity": identity}
    tag = form_request_tag(request, who, request_key, sent)
    archive = service_of(request).archive
    if not identity.strip():
        declared = declare(archive, **asdict(fields), request=tag)
        return render(request, "declared.html", _declared_data(declared))
    secret = registry_secret(request)
    declared, receipt = declare_with_receipt(archive, fields, identity, secret, request=tag)
    private = handed_over(receipt)
    qr = segno.make(private["receipt_sha256"], error="m").svg_data_uri(scale=4)
    data = _declared_data(declared) | private | {"receipt_qr": qr}
    page = render(request, "declared.html", data)
    page.headers["cache-control"] = "no-store"  # the page holds the identity
    return page


@router.get("/declarations/{index}/receipt", include_in_schema=False)
def declaration_receipt(request: Request, index: int) -> Response:
    """The receipt of a declaration record: its inclusion proof, for the declarant."""
    require(request, "declare")
    proof = queries.declaration_receipt(service_of(request).archive, index)
    return attachment(proof, f"declaration-{index}.proof", "text/plain; charset=utf-8")


@router.get("/verify", include_in_schema=False)
def verify_page(request: Request) -> Response:
    """The in-browser receipt verifier (public), with this log's key filled in."""
    return render(request, "verify.html", {"vkey": service_of(request).archive.vkey})


def _tally_chart(request: Request) -> TallyChart | None:
    charts: TallyCharts = request.app.state.tally_charts
    return charts.get(service_of(request).archive, language_of(request))


def _grouped_chart(request: Request, by: str) -> GroupedChart | None:
    if by not in GROUPED:
        raise HTTPException(404, f"there is no chart by {by}")
    charts: TallyCharts = request.app.state.tally_charts
    return charts.grouped(service_of(request).archive, by, language_of(request))


@router.get("/tally", include_in_schema=False)
def tally_page(request: Request, by: str = "day") -> Response:
    """The public tally, with its chart over time and, grouped by organisation or place,
    its chart of those (alt text and the plotted numbers)."""
    data = queries.tally(service_of(request).archive, by)
    grouped = _grouped_chart(request, by) if by in GROUPED else None
    return render(
        request, "tally.html", {**data, "chart": _tally_chart(request), "grouped": grouped}
    )


@router.get("/tally/chart.svg", include_in_schema=False)
def tally_chart(request: Request) -> Response:
    """The tally's chart: declarations per period and the running total."""
    chart = _tally_chart(request)
    if chart is None:
        raise HTTPException(404, "no declarations to chart yet")
    return Response(chart.svg, media_type="image/svg+xml", headers={"cache-control": "no-cache"})


@router.get("/tally/chart/{by}.svg", include_in_schema=False)
def tally_grouped_chart(request: Request, by: str) -> Response:
    """The tally's chart by organisation or place, in the page's language."""
    chart = _grouped_chart(request, by)
    if chart is None:
        raise HTTPException(404, "no declarations to chart yet")
    return Response(chart.svg, media_type="image/svg+xml", headers={"cache-control": "no-cache"})
