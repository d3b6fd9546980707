"""The public intake pages: sources send files and a message, and come back with a codename.

No JavaScript is needed. The upload is parsed as it streams in and every byte goes straight
into the encrypted envelope (:class:`erfurt.intake.Submission`): nothing in clear is spooled
to disk, unlike a framework's form parser would. Nothing about the sender (address, user
agent, precise time) is stored or logged: :class:`QuietAccessLog` keeps these routes out of
the web server's access log, and the codename rate limit keys its buckets by a keyed hash
of the address that lives in memory only.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Form, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect

from erfurt.errors import InputError
from erfurt.intake import (
    CODENAME_WORDS,
    IntakeDesk,
    Submission,
    TooLarge,
    new_form_key,
    normalise_codename,
)
from erfurt.web.render import render
from erfurt.web.security import CSRF_FIELD, Csrf, RateLimiter, check_csrf, service_of

__all__ = ["PREFIX", "QuietAccessLog", "install"]

PREFIX = "/intake"
router = APIRouter(prefix=PREFIX, include_in_schema=False)
_FIELD_LIMIT = 4096  # csrf, codename and form key: short fields, kept in memory
_FORM_KEY_FIELD = "form_key"
_desk_lock = threading.Lock()


# What a source's browser asks for: the intake pages, and what every page loads with them.
_QUIET = (PREFIX, "/static/", "/favicon.ico")


class QuietAccessLog(logging.Filter):
    """Drops the web server's access-log lines (address, path, time) of what a source's
    browser requests: the intake pages, the style sheet and icon they load."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every line but those of a source's requests."""
        args = record.args if isinstance(record.args, tuple) else ()
        return not (len(args) > 2 and str(args[2]).startswith(_QUIET))


def install(app: FastAPI, *, clock: Any) -> None:
    """Add the intake pages to ``app``, quiet in the access log, with their rate limit."""
    app.state.codename_limiter = RateLimiter(clock, burst=10, per_minute=10)
    app.state.address_key = secrets.token_bytes(32)  # memory only: gone with the process
    logging.getLogger("uvicorn.access").addFilter(QuietAccessLog())
    app.include_router(router)


def _desk(request: Request) -> IntakeDesk:
    with _desk_lock:
        desk: IntakeDesk | None = getattr(request.app.state, "intake_desk", None)
        service = service_of(request)
        if desk is None or desk.archive is not service.archive:
            desk = IntakeDesk(service.archive)
            request.app.state.intake_desk = desk
        return desk


def _private(response: Response) -> Response:
    # A cache that kept the new-source form would hand one form key, and so one
    # codename, to several sources: no cache may store these pages, a CDN included
    # (CDN-Cache-Control, RFC 9213).
    response.headers["cache-control"] = "no-store, private"
    response.headers["cdn-cache-control"] = "no-store"
    return response


def _page(request: Request, template: str, data: dict[str, Any], status: int = 200) -> Response:
    data = {"words": CODENAME_WORDS} | data
    return _private(render(request, f"intake/{template}", data, status=status))


@router.get("")
def intake_form(request: Request) -> Response:
    """The page where a new source sends files and a message; its form carries a key
    from which the source's codename is made (the same if the form is sent twice)."""
    data = {"limit": _desk(request).plain_limit, "form_key": new_form_key(time.time())}
    return _page(request, "submit.html", data)


@dataclass
class _Upload:
    """The state of one streamed multipart upload."""

    request: Request
    desk: IntakeDesk
    fields: dict[str, bytearray] = field(default_factory=dict)
    headers: dict[bytes, bytes] = field(default_factory=dict)
    header_name: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)
    submission: Submission | None = None
    entry_open: bool = False
    part_name: str = ""
    part_file: str | None = None

    def field(self, name: str) -> str:
        return self.fields.get(name, bytearray()).decode("utf-8", "replace")

    def start(self) -> Submission:
        if self.submission is None:
            check_csrf(self.request, self.field(CSRF_FIELD))
            given = self.field("codename").strip()
            codename = normalise_codename(given) if given else None
            if given and codename is None:
                raise InputError(
                    "this is not a codename", f"type the {CODENAME_WORDS} words you were given"
                )
            form_key = self.field(_FORM_KEY_FIELD).strip()
            self.submission = self.desk.submission(codename, form_key=form_key)
        return self.submission

    def on_part_begin(self) -> None:
        self.headers.clear()
        self.part_name, self.part_file, self.entry_open = "", None, False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[bytes(self.header_name).lower()] = bytes(self.header_value)
        self.header_name.clear()
        self.header_value.clear()

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.part_name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        self.part_file = filename.decode("utf-8", "replace") if filename is not None else None

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if not chunk:
            return
        if self.part_name in ("files", "message"):
            if not self.entry_open:
                if self.part_name == "files":
                    self.start().begin("F", self.part_file or "file")
                else:
                    self.start().begin("T", "message.txt")
                self.entry_open = True
            self.start().data(chunk)
            return
        kept = self.fields.setdefault(self.part_name, bytearray())
        if len(kept) + len(chunk) > _FIELD_LIMIT:
            raise InputError(f"the form field {self.part_name!r} is too long", "reload the page")
        kept += chunk

    def on_part_end(self) -> None:
        if self.entry_open:
            self.start().end()
            self.entry_open = False


def _boundary(request: Request) -> bytes:
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    if kind != b"multipart/form-data" or b"boundary" not in options:
        raise InputError("send the form as multipart/form-data", "use the page's form")
    return options[b"boundary"]


async def _receive(request: Request, desk: IntakeDesk) -> tuple[Submission, bool]:
    """The submission streamed in, and whether it came with a codename (a returning source)."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > desk.plain_limit + 64 * 1024:
        raise _too_large(desk.plain_limit)
    upload = _Upload(request, desk)
    callbacks: Any = {
        name: getattr(upload, name)
        for name in (
            "on_part_begin",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
            "on_part_data",
            "on_part_end",
        )
    }
    parser = MultipartParser(_boundary(request), callbacks)
    try:
        try:
            async for chunk in request.stream():
                await run_in_threadpool(parser.write, chunk)
            parser.finalize()
        except FormParserError as exc:  # not what a browser sends: refused, not a 500
            raise InputError(
                "the upload could not be read as the form", "send it again from the page"
            ) from exc
        return upload.start(), bool(upload.field("codename").strip())
    except BaseException:
        if upload.submission is not None:
            upload.submission.discard()
        raise


def _too_large(limit: int) -> HTTPException:
    return HTTPException(
        413,
        f"this is more than the {limit:,} bytes this server takes at once: send fewer or "
        "smaller files (you can add more later with your codename)",
    )


@router.post("/send")
async def send(request: Request) -> Response:
    """Receive files and a message, encrypted as they arrive; show the codename if new."""
    desk = _desk(request)
    try:
        submission, returning = await _receive(request, desk)
        await run_in_threadpool(submission.keep)
    except TooLarge as exc:
        raise _too_large(desk.plain_limit) from exc
    except ClientDisconnect:
        return Response(status_code=400)
    return _page(request, "sent.html", {"codename": None if returning else submission.codename})


@router.get("/return")
def return_form(request: Request) -> Response:
    """Where a source types its codename."""
    return _page(request, "return.html", {"wrong": False})


def _address_key(request: Request) -> str:
    address = request.client.host if request.client else "?"
    key: bytes = request.app.state.address_key
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def _source_page(request: Request, codename: str, deleted: bool = False) -> Response:
    desk = _desk(request)
    replies = desk.replies(codename)
    data = {"codename": codename, "replies": replies, "deleted": deleted}
    return _page(request, "source.html", data | {"limit": desk.plain_limit})


def _codename_or_refuse(request: Request, given: str) -> str:
    if not request.app.state.codename_limiter.allow(_address_key(request)):
        raise HTTPException(429, "too many codenames tried: wait a minute and try again")
    codename = normalise_codename(given)
    if codename is None:
        raise HTTPException(
            400, f"that is not a codename: a codename is {CODENAME_WORDS} words from our list"
        )
    return codename


Codename = Annotated[str, Form(max_length=_FIELD_LIMIT)]


@router.post("/return")
def returning(request: Request, codename: Codename, csrf: Csrf = None) -> Response:
    """A source's page: its replies and a form to send more. The same for unknown codenames."""
    check_csrf(request, csrf)
    return _source_page(request, _codename_or_refuse(request, codename))


@router.post("/replies/delete")
def delete_reply(
    request: Request,
    codename: Codename,
    reply: Annotated[str, Form(max_length=64)],
    csrf: Csrf = None,
) -> Response:
    """Delete one of the source's replies."""
    check_csrf(request, csrf)
    found = _codename_or_refuse(request, codename)
    _desk(request).delete_reply(found, reply)
    return _source_page(request, found, deleted=True)
