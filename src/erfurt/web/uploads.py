"""Uploads: one file per request, streamed, refused over the size limit before it is kept.

The body is counted as it arrives into a file staged in the archive's owner-only
``private/uploads/`` (see :mod:`erfurt.web.staging`); past ``max_file_size`` the request
ends with 413 and the partial file is deleted. A complete file is preserved under the
name it was uploaded with (never the staging path) by the ingest feature, so sightings,
the refusal of keys and failures follow the same rules as ``erfurt add``; its text is
extracted in the background.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool

from erfurt.errors import InputError
from erfurt.ingest import Outcome, add_staged
from erfurt.web.api import ERRORS
from erfurt.web.security import Caller, check_csrf, require, service_of
from erfurt.web.staging import staged_file

router = APIRouter(prefix="/api/v1", tags=["archive"])


def check_upload_name(name: str, what: str = "file name") -> PurePosixPath:
    """A relative POSIX path safe to keep as a name; InputError saying why not.

    Refused: empty parts, ``.`` and ``..``, absolute paths, backslashes, and any control,
    format (bidi) or separator character other than a plain space.
    """
    bad = [c for c in name if unicodedata.category(c)[0] in {"C", "Z"} and c != " "]
    if bad:
        raise InputError(
            f"{what} {name!r} holds a control, bidi or separator character (U+{ord(bad[0]):04X})",
            "rename the file without invisible or control characters",
        )
    path = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or path.is_absolute()
        or any(part in {"", ".", ".."} for part in name.split("/"))
    ):
        raise InputError(
            f"{what} {name!r} is not a plain relative name",
            "give a name like report.pdf or folder/report.pdf, without '..' or a leading '/'",
        )
    if len(name.encode()) > 1024 or any(len(part.encode()) > 255 for part in path.parts):
        raise InputError(f"{what} {name[:60]!r}... is too long", "shorten the name")
    return path


def check_target(request: Request, name: str, collection: str) -> tuple[Caller, PurePosixPath]:
    """Who uploads, and the checked name: 401/403 unless they may add to ``collection``."""
    who = require(request, "upload")
    check_csrf(request, None, who)
    relative = check_upload_name(name)
    check_upload_name(collection, "collection")
    if not service_of(request).rules().visible(who.principal, collection):
        raise HTTPException(403, f"you may not add to collection {collection!r}")
    return who, relative


def refuse_over_limit(request: Request, size: int) -> int:
    """The archive's ``max_file_size``; 413 saying so when ``size`` is over it."""
    limit = service_of(request).archive.config.max_file_size
    if size > limit:
        raise HTTPException(
            413, f"the file is larger than this archive's {limit:,}-byte limit (max_file_size)"
        )
    return limit


async def preserve(
    request: Request, who: Caller, staged: Path, name: str, collection: str
) -> dict[str, Any]:
    """Preserve the complete staged file as ``name`` in ``collection``; the upload's answer."""
    service = service_of(request)
    added = await run_in_threadpool(
        add_staged, service.archive, staged, name, collection=collection, who=who.principal.name
    )
    if added.outcome is Outcome.FAILED:
        raise InputError(f"{name}: {added.reason}", "check the file and upload it again")
    service.extract_in_background(who.principal.name)
    # A file already kept elsewhere (perhaps in a collection hidden from this user) is
    # reported as added, so an upload cannot probe what restricted collections hold.
    outcome = Outcome.ADDED if added.outcome is Outcome.SIGHTED else added.outcome
    return {
        "name": name,
        "collection": collection,
        "outcome": str(outcome),
        "record": added.record,
        "sha256": added.sha256,
        "size": added.size,
        "warning": added.warning or None,
    }


@router.put("/documents", responses=ERRORS, status_code=201)
async def upload(
    request: Request,
    name: Annotated[str, Query(min_length=1, max_length=1024)],
    collection: Annotated[str, Query(min_length=1, max_length=200)],
) -> dict[str, Any]:
    """Preserve the request body as file ``name`` in ``collection``; log who added it."""
    who, relative = check_target(request, name, collection)
    declared = request.headers.get("content-length", "")
    limit = refuse_over_limit(
        request, int(declared) if declared.isascii() and declared.isdigit() else 0
    )
    with staged_file(service_of(request).archive.paths.uploads) as (staged, out):
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                refuse_over_limit(request, size)
            out.write(chunk)
        out.flush()
        return await preserve(request, who, staged, relative.as_posix(), collection)
