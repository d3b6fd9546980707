"""Plain text in any encoding: byte-order marks, a declared charset, UTF-8, then detection.

Detection uses charset-normalizer; between GB18030 and Big5, which both decode most
Chinese byte strings without error, the reading with more common Han characters wins
(short texts fool statistical detectors).
"""

from __future__ import annotations

import codecs
from pathlib import Path

import charset_normalizer

from erfurt.ingest.extractors.result import Extraction, ExtractOptions, Page

__all__ = ["decode_text", "extract_text"]

NAME = "text"
VERSION = f"1 (charset-normalizer {charset_normalizer.__version__})"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Declared names that real senders use for what is in fact the superset GB18030.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs"}
_CHINESE = ("gb18030", "big5hkscs")


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str, tuple[str, ...]]:
    """Decode ``data`` to text; return (text, encoding used, warnings).

    A declared charset is honoured; bytes invalid in it are replaced with U+FFFD and a
    warning says where. Never raises for bad bytes.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding, ()
    warnings: list[str] = []
    if declared:
        known = _known_encoding(declared)
        if known is None:
            warnings.append(f"declared charset {declared!r} is unknown; detected instead")
        else:
            try:
                return data.decode(known), known, ()
            except UnicodeDecodeError as exc:
                warnings.append(
                    f"byte {exc.start}: invalid in declared charset {declared!r}; "
                    "invalid bytes replaced with U+FFFD"
                )
                return data.decode(known, errors="replace"), known, tuple(warnings)
    try:
        return data.decode("utf-8"), "utf-8", tuple(warnings)
    except UnicodeDecodeError:
        pass
    encoding = _detect(data)
    return data.decode(encoding, errors="replace"), encoding, tuple(warnings)


def extract_text(path: Path, options: ExtractOptions) -> Extraction:
    """Extract a plain-text file as one page. Raises OSError if it cannot be read."""
    text, _, warnings = decode_text(path.read_bytes())
    return Extraction(NAME, VERSION, "text/plain", pages=(Page(text),), warnings=warnings)


def _known_encoding(name: str) -> str | None:
    lowered = name.strip().lower()
    try:
        codec = codecs.lookup(_SUPERSETS.get(lowered, lowered))
    except LookupError:
        return None
    return codec.name


def _detect(data: bytes) -> str:
    best = charset_normalizer.from_bytes(data).best()
    guess = codecs.lookup(best.encoding).name if best is not None else "utf-8"
    if guess in {"gb2312", "gbk", "gb18030", "big5", "big5hkscs", "cp950", "hz"}:
        readings = []
        for encoding in _CHINESE:
            try:
                readings.append((_common_han_share(data.decode(encoding)), encoding))
            except UnicodeDecodeError:
                continue
        if readings:
            return max(readings)[1]
    return guess


def _common_han_share(text: str) -> tuple[float, int]:
    """Share of non-ASCII characters that are common Han or CJK punctuation, and their count.

    A wrong reading of Chinese bytes yields rare characters, kana and symbols; a right
    one mostly the 3,755 (GB2312) or 5,401 (Big5) most frequent characters.
    """
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return 0.0, 0
    common = sum(
        _is_common(c) or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef" for c in wide
    )
    return common / len(wide), len(wide)


def _is_common(char: str) -> bool:
    try:
        gb = char.encode("gb2312")
        if 0xB0A1 <= int.from_bytes(gb, "big") <= 0xD7F9:
            return True
    except UnicodeEncodeError:
        pass
    try:
        big5 = char.encode("big5")
    except UnicodeEncodeError:
        return False
    return 0xA440 <= int.from_bytes(big5, "big") <= 0xC67E
