"""The JSON API under ``/api/v1/``: the same data as the pages, for machine clients."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from erfurt.declarations import Channel, DeclarationFields, declare, declare_with_receipt
from erfurt.web import queries
from erfurt.web.downloads import attachment, handed_over
from erfurt.web.idempotency import IDEMPOTENT, request_tag
from erfurt.web.security import check_csrf, registry_secret, require, service_of
from erfurt.web.viewer import PAGE_CACHING, document_view, page_png

router = APIRouter(prefix="/api/v1", tags=["archive"])


class ErrorBody(BaseModel):
    """Every API error: HTTP status, a machine code, the message, a hint, the field at fault."""

    ok: bool = False
    status: int
    code: str
    error: str
    hint: str | None = None
    field: str | None = None


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 422, 429)
}


_SEARCH_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "One page of hits: `query`, `collection`, `page`, `has_next`, and "
        "`hits`, each with its document, name, collection, media type and highlighted "
        "`fragments`.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


class DeclarationIn(BaseModel):
    """A declaration as a volunteer submits it, with the declarant's identity if given."""

    model_config = ConfigDict(extra="forbid")

    alias: str = Field(min_length=1, max_length=1000)
    organisations: list[str] = Field(min_length=1, max_length=20)
    place: str | None = Field(default=None, max_length=1000)
    statement: str | None = Field(default=None, max_length=100_000)
    channel: Channel = "in-person"
    identity: str | None = Field(
        default=None,
        max_length=1000,
        description="Typed by the declarant: name; birth date (for example: Wang Xiaoming; "
        "1990-01-02), as on the form. Never stored: the log holds only a salted, keyed "
        "commitment to it; the identity and the salt go into the private receipt of the "
        "answer alone (the server must be started with --secret-file).",
    )


class DeclarationOut(BaseModel):
    """A logged declaration: its number (the running tally) and its log record."""

    number: int
    log_index: int
    time: str
    receipt: str = Field(description="Where the record's inclusion proof is downloaded.")
    private_receipt: str | None = Field(
        default=None,
        description="Only when an identity was given: the private receipt (base64 of its "
        "JSON) holding the identity, its salt and the proof, for the declarant to keep. "
        "The server keeps no copy and cannot send it again.",
    )
    receipt_sha256: str | None = Field(
        default=None, description="The SHA-256 of the private receipt's bytes (hex)."
    )


@router.get("/search", responses=ERRORS | _SEARCH_ANSWER, response_class=JSONResponse)
async def api_search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    collection: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=queries.MAX_PAGE)] = 1,
) -> Response:
    """Documents matching ``q`` that the caller may see, one page at a time."""
    # Async, unlike the other routes: under load a search waits for no worker thread; its
    # answer is made whole in a search process (with --search-processes), passed on here.
    who = require(request, "search")
    service = service_of(request)
    asked = queries.ask_search(service.rules(), who.principal, q, collection=collection, page=page)
    return Response(await service.search_json(asked), media_type="application/json")


@router.get("/documents/{index}", responses=ERRORS)
def api_document(
    request: Request, index: int, q: Annotated[str, Query(max_length=500)] = ""
) -> dict[str, Any]:
    """A document's record, text per page, the persons and organisations named on each page
    (``mentions``: a list per page, in text order, each with its characters ``start``-``end``
    within the page, the entity whose dossier it belongs to, and its review key and status),
    custody chain, and ``page_views``: each page's image address, OCR boxes, and where
    ``q``'s terms match."""
    who = require(request, "read")
    service = service_of(request)
    return document_view(service.archive, service.rules(), who.principal, index, q)


@router.get(
    "/documents/{index}/pages/{number}.png",
    responses={**ERRORS, 200: {"content": {"image/png": {}}}},
    response_class=Response,
)
def api_page_image(
    request: Request, index: int, number: int, q: Annotated[str, Query(max_length=500)] = ""
) -> Response:
    """Page ``number`` of a PDF or an image drawn as a PNG, ``q``'s terms marked where a
    PDF page's text layer places them (400 past the pages drawn)."""
    who = require(request, "read")
    service = service_of(request)
    png = page_png(service.archive, service.rules(), who.principal, index, number, q)
    return Response(png, media_type="image/png", headers={"cache-control": PAGE_CACHING})


@router.get("/documents/{index}/receipt", responses=ERRORS)
def api_document_receipt(request: Request, index: int) -> Response:
    """The document record's ``c2sp.org/tlog-proof@v1`` receipt."""
    who = require(request, "read")
    service = service_of(request)
    proof = queries.document_receipt(service.archive, service.rules(), who.principal, index)
    return attachment(proof, f"record-{index}.proof", "text/plain; charset=utf-8")


@router.post(
    "/declarations",
    responses=ERRORS | {503: {"model": ErrorBody}},
    status_code=201,
    openapi_extra=IDEMPOTENT,
)
def api_declare(request: Request, response: Response, body: DeclarationIn) -> DeclarationOut:
    """Log a declaration; answered once it is durable in the log.

    With an ``identity``, the answer alone carries the private receipt that holds it; it
    is sent with ``Cache-Control: no-store``. Sent again with the same
    ``Idempotency-Key`` header, it gets the first answer (receipt included) and is not
    counted twice.
    """
    who = require(request, "declare")
    check_csrf(request, None, who)
    tag = request_tag(request, who, body)
    fields = DeclarationFields(
        body.alias,
        tuple(body.organisations),
        body.place,
        body.statement,
        body.channel,
        who.principal.name,
    )
    archive = service_of(request).archive
    private: dict[str, str] = {}
    if body.identity is None or not body.identity.strip():
        declared = declare(archive, **asdict(fields), request=tag)
    else:
        secret = registry_secret(request)
        declared, receipt = declare_with_receipt(
            archive, fields, body.identity, secret, request=tag
        )
        private = handed_over(receipt)
        response.headers["cache-control"] = "no-store"
    return DeclarationOut(
        number=declared.number,
        log_index=declared.log_index,
        time=declared.time,
        receipt=f"/declarations/{declared.log_index}/receipt",
        **private,
    )


@router.get("/tally", responses=ERRORS)
def api_tally(request: Request, by: str = "total") -> dict[str, Any]:
    """The public tally of declarations (no login needed)."""
    return queries.tally(service_of(request).archive, by)
