"""Sending files as downloads, with names that cannot break the header or the page."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from typing import BinaryIO
from urllib.parse import quote

from fastapi import Response
from fastapi.responses import StreamingResponse

from erfurt.declarations import Receipt

_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]")
_CHUNK = 1 << 20


def safe_file_name(name: str) -> str:
    """The last path part of ``name`` without control, bidi or format characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(c for c in base if unicodedata.category(c)[0] not in {"C", "Z"} or c == " ")
    kept = kept.strip(" .")
    return kept or "download"


def _disposition(name: str) -> dict[str, str]:
    """The header that names a download (RFC 6266: ASCII fallback plus UTF-8 name)."""
    clean = safe_file_name(name)
    ascii_name = _UNSAFE.sub("_", clean)
    value = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(clean)}"
    return {"content-disposition": value}


def attachment(data: bytes, name: str, media_type: str) -> Response:
    """``data`` as a download named ``name``."""
    return Response(data, media_type=media_type, headers=_disposition(name))


def file_attachment(stream: BinaryIO, name: str, media_type: str) -> StreamingResponse:
    """An open file sent as a download named ``name``, a chunk at a time, then closed.

    A large original (a video) is never held whole in memory, however many ask for it.
    """

    def chunks() -> Iterator[bytes]:
        with stream:
            while chunk := stream.read(_CHUNK):
                yield chunk

    size = os.fstat(stream.fileno()).st_size - stream.tell()
    headers = _disposition(name) | {"content-length": str(size)}
    return StreamingResponse(chunks(), media_type=media_type, headers=headers)


def handed_over(receipt: Receipt) -> dict[str, str]:
    """A private receipt as it is handed to the declarant and never kept: its bytes in
    base64 (``private_receipt``) and their SHA-256 in hex (``receipt_sha256``)."""
    private = receipt.to_bytes()
    return {
        "private_receipt": base64.b64encode(private).decode("ascii"),
        "receipt_sha256": hashlib.sha256(private).hexdigest(),
    }
