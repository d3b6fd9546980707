"""Names pages and their API twins: match one name, screen a CSV, see the lists loaded."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from erfurt.errors import ErfurtError, InputError
from erfurt.web.api import ERRORS
from erfurt.web.downloads import attachment
from erfurt.web.render import render
from erfurt.web.screening import (
    MAX_CSV_BYTES,
    SCHEMAS,
    ScreenJob,
    ScreenJobs,
    lists_json,
    match_name,
    name_query,
    rows_as_csv,
    rows_as_jsonl,
)
from erfurt.web.security import Caller, check_csrf, require, service_of

router = APIRouter()

Text = Annotated[str, Query(max_length=1000)]
_FORM_OVERHEAD = 16 * 1024  # multipart boundaries, headers and the CSRF field


def _jobs(request: Request) -> ScreenJobs:
    jobs: ScreenJobs = request.app.state.screen_jobs
    return jobs


def _job(request: Request, who: Caller, job_id: str) -> ScreenJob:
    job = _jobs(request).get(job_id, who.principal.name)
    if job is None:
        raise HTTPException(404, f"there is no screening {job_id!r} of yours")
    return job


@router.get("/names", include_in_schema=False)
def names_page(
    request: Request,
    name: Text = "",
    birth_date: Annotated[str, Query(max_length=20)] = "",
    country: Annotated[str, Query(max_length=100)] = "",
    schema: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """The match form and, with a name, the matches and why each scored as it did."""
    require(request, "screen")
    form = {"name": name, "birth_date": birth_date, "country": country, "schema": schema}
    data: dict[str, Any] = {"form": form, "schemas": SCHEMAS, "result": None, "error": None}
    status = 200
    if name.strip():
        try:
            matcher, _ = service_of(request).matcher()
            data["result"] = match_name(matcher, name_query(name, birth_date, country, schema))
        except ErfurtError as exc:
            data["error"] = {"message": exc.message, "hint": exc.hint}
            status = 400
    return render(request, "names.html", data, status=status)


@router.get("/names/lists", include_in_schema=False)
def lists_page(request: Request) -> Response:
    """The lists screening runs against."""
    require(request, "screen")
    return render(request, "lists.html", lists_json(service_of(request)))


@router.get("/names/screen", include_in_schema=False)
def screen_form(request: Request) -> Response:
    """Upload a CSV of names to screen."""
    require(request, "screen")
    return render(request, "screen.html", {"limit": MAX_CSV_BYTES})


class _InMemoryForm(MultiPartParser):
    """A multipart form whose file stays in memory (screened names never touch the disk)."""

    spool_max_size = MAX_CSV_BYTES + _FORM_OVERHEAD


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) past ``limit`` bytes before more is read."""
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise HTTPException(413, f"the CSV is larger than {MAX_CSV_BYTES:,} bytes")
    return bytes(data)


@router.post("/names/screen", include_in_schema=False)
async def screen_submit(request: Request) -> Response:
    """Start screening the uploaded CSV; go to its progress and results page."""
    who = require(request, "screen")
    body = await _body(request, MAX_CSV_BYTES + _FORM_OVERHEAD)

    async def chunks() -> AsyncGenerator[bytes, None]:
        yield body

    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InputError("the CSV must be sent as a file of a form", "use the form on this page")
    try:
        form = await _InMemoryForm(request.headers, chunks(), max_files=1, max_fields=2).parse()
    except MultiPartException as exc:
        raise InputError(f"the form could not be read: {exc.message}", "send it again") from exc
    try:
        csrf, upload = form.get("csrf"), form.get("file")
        check_csrf(request, csrf if isinstance(csrf, str) else None, who)
        if not isinstance(upload, UploadFile):
            raise InputError("no CSV file was sent", "choose a file and press Screen")
        data = await upload.read()
    finally:
        await form.close()
    matcher, _ = service_of(request).matcher()
    job = _jobs(request).start(matcher, data, upload.filename or "the CSV", who.principal.name)
    return RedirectResponse(f"/names/screen/{job.id}", status_code=303)


@router.get("/names/screen/{job_id}", include_in_schema=False)
def screen_page(request: Request, job_id: str) -> Response:
    """A screening's progress (the page reloads itself) and then its results, alerts first."""
    who = require(request, "screen")
    return render(request, "screened.html", _job(request, who, job_id).summary())


@router.get("/names/screen/{job_id}/results.{fmt}", include_in_schema=False)
def screen_download(request: Request, job_id: str, fmt: str) -> Response:
    """A finished screening's rows as JSON lines or CSV."""
    who = require(request, "screen")
    job = _job(request, who, job_id)
    if fmt not in {"jsonl", "csv"} or not job.finished:
        raise HTTPException(404, "results are downloadable as .jsonl or .csv once finished")
    rows = job.summary()["rows"]
    if fmt == "csv":
        return attachment(rows_as_csv(rows), "screening.csv", "text/csv; charset=utf-8")
    return attachment(rows_as_jsonl(rows), "screening.jsonl", "application/x-ndjson")


class NameIn(BaseModel):
    """One name to screen, with what else is known about whoever bears it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=1000)
    birth_date: str = Field(default="", max_length=20)
    country: str = Field(default="", max_length=100)
    schema_: str = Field(default="", alias="schema", max_length=20)
    limit: int = Field(default=10, ge=1, le=100)


@router.get("/api/v1/lists", responses=ERRORS, tags=["names"])
def api_lists(request: Request) -> dict[str, Any]:
    """The lists loaded for screening."""
    require(request, "screen")
    return lists_json(service_of(request))


@router.post("/api/v1/names/match", responses=ERRORS, tags=["names"])
def api_match(request: Request, body: NameIn) -> dict[str, Any]:
    """The best matches of one name, each with the features that explain its score."""
    require(request, "screen")
    matcher, _ = service_of(request).matcher()
    query = name_query(body.name, body.birth_date, body.country, body.schema_)
    return match_name(matcher, query, body.limit)


@router.post("/api/v1/names/screen", responses=ERRORS, status_code=202, tags=["names"])
async def api_screen(request: Request) -> dict[str, Any]:
    """Screen the CSV sent as the body (columns: name; optional id, birth_date, country,
    schema); poll the job it answers with.
    """
    who = require(request, "screen")
    check_csrf(request, None, who)
    data = await _body(request, MAX_CSV_BYTES)
    matcher, _ = service_of(request).matcher()
    job = _jobs(request).start(matcher, data, "the CSV", who.principal.name)
    return {**job.summary(), "status_url": f"/api/v1/names/screen/{job.id}"}


@router.get("/api/v1/names/screen/{job_id}", responses=ERRORS, tags=["names"])
def api_screened(request: Request, job_id: str) -> dict[str, Any]:
    """A screening's progress, and its rows (alerts first) once finished."""
    who = require(request, "screen")
    return _job(request, who, job_id).summary()
