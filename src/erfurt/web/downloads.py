"""Sending files as downloads, with names that cannot break the header or the page."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from fastapi import Response

_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]")


def safe_file_name(name: str) -> str:
    """The last path part of ``name`` without control, bidi or format characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(c for c in base if unicodedata.category(c)[0] not in {"C", "Z"} or c == " ")
    kept = kept.strip(" .")
    return kept or "download"


def attachment(data: bytes, name: str, media_type: str) -> Response:
    """``data`` as a download named ``name`` (RFC 6266: ASCII fallback plus UTF-8 name)."""
    clean = safe_file_name(name)
    ascii_name = _UNSAFE.sub("_", clean)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(clean)}"
    return Response(data, media_type=media_type, headers={"content-disposition": disposition})
