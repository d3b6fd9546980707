"""Evidence packages over HTTP: export a visible document's, verify anyone's (public)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from erfurt.web import queries
from erfurt.web.api import ERRORS
from erfurt.web.evidence import (
    MAX_PACKAGE_BYTES,
    export_zip,
    new_scratch,
    remove_scratch,
    scratch,
    verify_upload,
)
from erfurt.web.render import render
from erfurt.web.security import require, service_of

router = APIRouter()


def _package(request: Request, index: int) -> Response:
    who = require(request, "export")
    service = service_of(request)
    queries.document_receipt(service.archive, service.rules(), who.principal, index)  # 404s
    folder = new_scratch(service.archive)
    try:
        zipped = export_zip(service.archive, index, folder)
    except BaseException:
        remove_scratch(folder)
        raise
    return FileResponse(
        zipped,
        media_type="application/zip",
        filename=zipped.name,
        background=BackgroundTask(remove_scratch, folder),
    )


@router.get("/documents/{index}/package", include_in_schema=False)
def package_download(request: Request, index: int) -> Response:
    """The document record's evidence package, as a zip (archivists and admins)."""
    return _package(request, index)


@router.get("/api/v1/documents/{index}/package", responses=ERRORS, tags=["evidence"])
def api_package(request: Request, index: int) -> Response:
    """The document record's evidence package (BagIt folder of `erfurt export`) as a zip."""
    return _package(request, index)


@router.get("/verify/package", include_in_schema=False)
def verify_package_page(request: Request) -> Response:
    """Upload an evidence package to have it checked against this archive's key (public)."""
    return render(request, "verify_package.html", {"limit": MAX_PACKAGE_BYTES})


@router.post("/api/v1/packages/verify", responses=ERRORS, tags=["evidence"])
async def api_verify_package(request: Request) -> dict[str, Any]:
    """Verify the evidence package zip sent as the body, against this archive's key.

    200 with what it proves; 400 saying what failed for an altered, forged or hostile
    package; 413 past the size limit. Nothing sent is kept.
    """
    service = service_of(request)
    with scratch(service.archive) as folder:
        upload = folder / "upload.zip"
        size = 0
        with upload.open("wb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_PACKAGE_BYTES:
                    raise HTTPException(
                        413, f"the package is larger than {MAX_PACKAGE_BYTES:,} bytes"
                    )
                out.write(chunk)
        return await run_in_threadpool(verify_upload, service.archive, upload, folder / "package")
