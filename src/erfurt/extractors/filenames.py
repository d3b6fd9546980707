"""File names that are not UTF-8: a readable form for display, the original bytes kept.

A name from a Chinese Windows disk (GBK) or a zip made there (GBK, Big5, Shift-JIS, or
the zip default CP437) cannot go into a UTF-8 record as it is. :func:`decode_name` reads
it in the legacy encoding that makes most sense of it; the record keeps the original
bytes too (base64), so nothing about the name is lost when the guess is wrong.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import PurePosixPath

from erfurt.extractors.text import common_han_share

__all__ = ["DecodedName", "decode_name", "safe_relative_name"]

_CHINESE = ("gb18030", "big5hkscs")
# Below this share of common Han characters, a Chinese reading is likely a wrong guess.
_CHINESE_SHARE = 0.6


@dataclass(frozen=True, slots=True)
class DecodedName:
    """A name as shown and recorded, and (when it was not UTF-8) how it was read.

    ``raw`` is empty for UTF-8 names; otherwise ``encoding`` names the legacy encoding
    used to read it.
    """

    text: str
    raw: bytes = b""
    encoding: str = ""

    def record_fields(self) -> dict[str, str]:
        """The optional ``document.added`` fields that keep the original bytes."""
        if not self.raw:
            return {}
        return {
            "name_bytes": base64.b64encode(self.raw).decode("ascii"),
            "name_encoding": self.encoding,
        }


def decode_name(raw: bytes) -> DecodedName:
    """Read the bytes of a file name: UTF-8 if they are, else the likeliest legacy encoding.

    Never raises: CP437 (the zip format's default) decodes any byte string.
    """
    try:
        return DecodedName(raw.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    readings = []
    for encoding in _CHINESE:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        readings.append((common_han_share(text), encoding, text))
    if readings:
        (share, _), encoding, text = max(readings)
        if share >= _CHINESE_SHARE:
            return DecodedName(_printable(text), raw, encoding)
    try:
        text = raw.decode("shift_jis")
        if any("\u3040" <= c <= "\u30ff" for c in text):  # kana: Japanese, not a guess
            return DecodedName(_printable(text), raw, "shift_jis")
    except UnicodeDecodeError:
        pass
    return DecodedName(_printable(raw.decode("cp437")), raw, "cp437")


def _printable(text: str) -> str:
    """``text`` without control characters, which a display name has no use for."""
    return "".join(c if c.isprintable() or c == "/" else "\ufffd" for c in text)


def safe_relative_name(name: str) -> str:
    """``name`` as a relative path that stays inside its folder: backslashes read as
    separators, a drive letter, ``..``, ``.`` and leading slashes dropped; ``unnamed``
    when nothing is left."""
    normal = name.replace("\\", "/")
    if len(normal) > 1 and normal[1] == ":":
        normal = normal[2:]
    parts = [p for p in PurePosixPath(normal).parts if p not in ("/", "..", ".")]
    return "/".join(parts) or "unnamed"
