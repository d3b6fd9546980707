"""Plain text in any encoding: byte-order marks, a declared charset, UTF-8, then detection.

Detection uses charset-normalizer; between GB18030 and Big5, which both decode most
Chinese byte strings without error, the reading with more common Han characters wins
(short texts fool statistical detectors, so a Chinese reading that is mostly common
characters is preferred to a detector's guess). Large files are decoded in chunks, with
the encoding judged from their first 256 KiB, so memory stays near the size of the text.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from functools import cache, partial
from pathlib import Path

from erfurt.extractors.result import Extraction, ExtractOptions, Page

__all__ = [
    "code_page_codec",
    "common_han_share",
    "decode_text",
    "extract_text",
    "extract_text_bytes",
]

NAME = "text"


@cache
def _version() -> str:
    """The extractor's version, with the detector's: charset-normalizer is imported on
    first use, not by every command that imports the file-name decoder
    (tests/cli/test_startup.py)."""
    import charset_normalizer

    return f"2 (charset-normalizer {charset_normalizer.__version__})"


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
_DETECTED_CHINESE = {"gb2312", "gbk", "gb18030", "big5", "big5hkscs", "cp950", "hz"}
# A Chinese reading this full of common characters is right whatever the detector says.
_CLEARLY_CHINESE = 0.8
# A guess from fewer bytes than this is said to be a guess.
_SHORT_GUESS_BYTES = 256
_SAMPLE_BYTES = 256 * 1024
# Enough characters to tell a right reading from a wrong one, few enough to stay quick.
_SHARE_SAMPLE_CHARS = 4_000
_CHUNK_BYTES = 4 * 1024 * 1024


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str, tuple[str, ...]]:
    """Decode ``data`` to text; return (text, encoding used, warnings).

    A declared charset is honoured; bytes invalid in it are replaced with U+FFFD and a
    warning says where. A declared name that is not a text encoding (``base64``) is
    ignored with a warning. Never raises for bad bytes.
    """
    encoding, warnings = _choose_encoding(data, declared)
    try:
        return data.decode(encoding), encoding, warnings
    except UnicodeDecodeError as exc:
        if declared and not warnings:
            warnings = (
                f"byte {exc.start}: invalid in declared charset {declared!r}; "
                "invalid bytes replaced with U+FFFD",
            )
        return data.decode(encoding, errors="replace"), encoding, warnings


def extract_text(path: Path, options: ExtractOptions) -> Extraction:
    """Extract a plain-text file as one page, reading it in chunks.

    Raises OSError if it cannot be read.
    """
    with path.open("rb") as stream:
        sample = stream.read(_SAMPLE_BYTES)
        return _extraction(sample, iter(partial(stream.read, _CHUNK_BYTES), b""))


def extract_text_bytes(data: bytes) -> Extraction:
    """What :func:`extract_text` gives for a file holding ``data`` (a small one: it is
    all in memory already)."""
    return _extraction(data[:_SAMPLE_BYTES], iter((data[_SAMPLE_BYTES:],)))


def _extraction(sample: bytes, rest: Iterator[bytes]) -> Extraction:
    """The text of a file whose first bytes are ``sample`` and the rest ``rest``."""
    encoding, warnings = _choose_encoding(sample, None, whole=len(sample) < _SAMPLE_BYTES)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    parts = [decoder.decode(sample)]
    parts.extend(decoder.decode(chunk) for chunk in rest)
    parts.append(decoder.decode(b"", final=True))
    text = "".join(parts)
    del parts
    if "\ufffd" in text and not warnings:
        warnings = (f"bytes invalid in {encoding} replaced with U+FFFD",)
    return Extraction(NAME, _version(), "text/plain", pages=(Page(text),), warnings=warnings)


def _choose_encoding(
    data: bytes, declared: str | None, *, whole: bool = True
) -> tuple[str, tuple[str, ...]]:
    """The encoding to read ``data`` with (a prefix of the text unless ``whole``)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, ()
    warnings: tuple[str, ...] = ()
    if declared:
        known = _known_encoding(declared)
        if known is not None:
            return known, ()
        warnings = (
            f"declared charset {declared!r} is unknown or not a text encoding; detected instead",
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=whole)
        return "utf-8", warnings
    except UnicodeDecodeError:
        pass
    encoding = _detect(data, whole=whole)
    if len(data) < _SHORT_GUESS_BYTES:
        warnings += (
            f"charset not declared: guessed {encoding} from only {len(data)} bytes; "
            "check the text against the original",
        )
    return encoding, warnings


def code_page_codec(code_page: int, fallback: str = "cp1252") -> str:
    """The codec of a Windows code page number (936 -> ``cp936``, 65001 -> ``utf-8``) as
    RTF, Outlook messages and TNEF declare them; ``fallback`` for one Python lacks."""
    return _known_encoding(f"cp{code_page}") or fallback


def _known_encoding(name: str) -> str | None:
    lowered = name.strip().lower()
    try:
        codec = codecs.lookup(_SUPERSETS.get(lowered, lowered))
    except LookupError:
        return None
    # base64, zlib, rot13 ... are codecs too, but not ways of writing text.
    return codec.name if getattr(codec, "_is_text_encoding", True) else None


def _detect(data: bytes, *, whole: bool) -> str:
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    guess = codecs.lookup(best.encoding).name if best is not None else "utf-8"
    readings = []
    for encoding in _CHINESE:
        text = _decoded(data, encoding, whole=whole)
        if text is None:
            continue
        share, count = common_han_share(text)
        if guess in _DETECTED_CHINESE or share >= _CLEARLY_CHINESE:
            readings.append(((share, count), encoding))
    return max(readings)[1] if readings else guess


def _decoded(data: bytes, encoding: str, *, whole: bool) -> str | None:
    """``data`` read strictly in ``encoding`` (a sample may end inside a character), or None."""
    for cut in range(1 if whole else 4):
        try:
            return data[: len(data) - cut].decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def common_han_share(text: str) -> tuple[float, int]:
    """Share of non-ASCII characters that are common Han or CJK punctuation, and their count.

    Judged on the first 4,000 non-ASCII characters.

    A wrong reading of Chinese bytes yields rare characters, kana and symbols; a right
    one mostly the 3,755 (GB2312) or 5,401 (Big5) most frequent characters.
    """
    wide = [c for c in text if ord(c) > 0x7F][:_SHARE_SAMPLE_CHARS]
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
