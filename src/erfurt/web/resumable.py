"""Resumable uploads: a large file sent in pieces survives a dropped connection.

``POST /api/v1/uploads?name=&collection=&size=`` opens an upload and answers its ``id``;
each ``PATCH /api/v1/uploads/{id}`` with an ``Upload-Offset`` header (tus-style) appends
its body at that offset; ``GET`` tells how much has arrived (after a dropped connection,
resume from there); ``DELETE`` gives it up. When the last byte arrives the file is
preserved as a plain upload is (:func:`erfurt.web.uploads.preserve`), and only then does
it appear anywhere: until complete it is a file in the archive's owner-only
``private/uploads/resumable/`` that no page, search or record names. The size is declared
and checked against ``max_file_size`` before anything is kept; each user has at most
:data:`MAX_OPEN` open uploads, and one untouched for :data:`EXPIRES` seconds is removed.

    $ curl -X POST -H "Authorization: Bearer $T" \\
        "http://127.0.0.1:8000/api/v1/uploads?name=scan.pdf&collection=c&size=1048576"
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Query, Request, Response
from starlette.requests import ClientDisconnect

from erfurt.web.api import ERRORS
from erfurt.web.security import Caller, check_csrf, require, service_of
from erfurt.web.staging import private_folder
from erfurt.web.uploads import check_target, preserve, refuse_over_limit

router = APIRouter(prefix="/api/v1", tags=["archive"])

PIECE = 8 * 1024 * 1024
"""Bytes the upload page sends per request; larger files go through this API in pieces."""
MAX_OPEN = 8
"""Open resumable uploads one user may have at once."""
EXPIRES = 24 * 3600
"""Seconds an upload may go untouched before it is removed."""
_ID_BYTES = 18


def _folder(request: Request) -> Path:
    return private_folder(service_of(request).archive.paths.uploads / "resumable")


def _expire(folder: Path, now: float) -> None:
    for meta in folder.glob("*.json"):
        with contextlib.suppress(FileNotFoundError):
            if now - meta.stat().st_mtime > EXPIRES:
                meta.with_suffix(".part").unlink(missing_ok=True)
                meta.unlink()


def _meta(folder: Path, upload_id: str, who: Caller) -> dict[str, Any]:
    """The upload's description; 404 for an unknown id or another user's upload."""
    meta = folder / f"{upload_id}.json" if upload_id.isascii() and upload_id.isalnum() else None
    try:
        described: dict[str, Any] = json.loads(meta.read_bytes()) if meta else {}
    except FileNotFoundError:
        described = {}
    if described.get("who") != who.principal.name:
        raise HTTPException(404, f"there is no upload {upload_id!r} of yours")
    return described


def _create_private(path: Path, data: bytes) -> None:
    """A new owner-only file holding ``data`` (it names the upload: never readable by others)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _locked(part: Path) -> Iterator[int]:
    """The upload's file, opened for appending and locked: 409 while another request has it."""
    fd = os.open(part, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise HTTPException(409, "another request is sending this upload") from None
        yield fd
    finally:
        os.close(fd)


@router.post("/uploads", responses=ERRORS, status_code=201)
def open_upload(
    request: Request,
    name: Annotated[str, Query(min_length=1, max_length=1024)],
    collection: Annotated[str, Query(min_length=1, max_length=200)],
    size: Annotated[int, Query(ge=1)],
) -> dict[str, Any]:
    """Open a resumable upload of ``size`` bytes, to be kept as ``name`` in ``collection``."""
    who, relative = check_target(request, name, collection)
    refuse_over_limit(request, size)
    folder = _folder(request)
    _expire(folder, time.time())
    mine = [
        m for m in folder.glob("*.json") if json.loads(m.read_bytes())["who"] == who.principal.name
    ]
    if len(mine) >= MAX_OPEN:
        raise HTTPException(
            429, f"you have {MAX_OPEN} uploads open: finish or delete one (DELETE) first"
        )
    upload_id = secrets.token_hex(_ID_BYTES)
    meta = {"who": who.principal.name, "name": relative.as_posix(), "collection": collection}
    _create_private(folder / f"{upload_id}.part", b"")
    _create_private(folder / f"{upload_id}.json", json.dumps({**meta, "size": size}).encode())
    return {"id": upload_id, "offset": 0, "size": size}


@router.get("/uploads/{upload_id}", responses=ERRORS)
def upload_status(request: Request, upload_id: str) -> dict[str, Any]:
    """How many bytes of the upload have arrived (resume a dropped one from there)."""
    who = require(request, "upload")
    folder = _folder(request)
    meta = _meta(folder, upload_id, who)
    offset = (folder / f"{upload_id}.part").stat().st_size
    return {"id": upload_id, "offset": offset, "size": meta["size"]}


@router.patch("/uploads/{upload_id}", responses=ERRORS)
async def send_piece(
    request: Request,
    response: Response,
    upload_id: str,
    upload_offset: Annotated[int, Header(ge=0)],
) -> dict[str, Any]:
    """Append the body at ``Upload-Offset``; preserve the file once its last byte is in."""
    who = require(request, "upload")
    check_csrf(request, None, who)
    folder = _folder(request)
    meta = _meta(folder, upload_id, who)
    part = folder / f"{upload_id}.part"
    with _locked(part) as fd:
        offset = os.fstat(fd).st_size
        if upload_offset != offset:
            raise HTTPException(409, f"this upload holds {offset} bytes: send from there")
        try:
            async for chunk in request.stream():
                if offset + len(chunk) > meta["size"]:
                    raise HTTPException(413, f"more than the {meta['size']} bytes declared")
                os.write(fd, chunk)
                offset += len(chunk)
        except ClientDisconnect:
            pass  # what arrived is kept: the client asks for the offset and resumes
        finally:
            os.fsync(fd)  # an offset answered is an offset kept
        os.utime(folder / f"{upload_id}.json")
        if offset < meta["size"]:
            response.status_code = 200
            return {"id": upload_id, "offset": offset, "size": meta["size"]}
        response.status_code = 201
        try:
            return await preserve(request, who, part, meta["name"], meta["collection"])
        finally:
            part.unlink(missing_ok=True)
            (folder / f"{upload_id}.json").unlink(missing_ok=True)


@router.delete("/uploads/{upload_id}", responses=ERRORS, status_code=204)
def cancel_upload(request: Request, upload_id: str) -> Response:
    """Give the upload up: what arrived of it is deleted."""
    who = require(request, "upload")
    check_csrf(request, None, who)
    folder = _folder(request)
    _meta(folder, upload_id, who)
    (folder / f"{upload_id}.part").unlink(missing_ok=True)
    (folder / f"{upload_id}.json").unlink(missing_ok=True)
    return Response(status_code=204)
