"""Canonical JSON: the one byte form of every record (RFC 8785 style).

Keys sorted by their UTF-16 code units, no insignificant whitespace, UTF-8, strings
escaped minimally, and integers only: floats are refused, because their text form is
where implementations disagree. Nesting is limited to :data:`MAX_DEPTH` levels, so that
hostile input (a published log, a receipt) fails with an error instead of exhausting
the stack.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from erfurt.errors import InputError

__all__ = ["JSON", "MAX_DEPTH", "canonical_json", "parse_json"]

JSON = Any  # None | bool | int | str | list[JSON] | dict[str, JSON]

_MAX_SAFE_INT = 2**53 - 1  # beyond this, JSON readers in other languages lose precision
MAX_DEPTH = 64
"""The deepest nesting of lists and objects a record may have."""


def canonical_json(value: JSON) -> bytes:
    """Encode ``value`` canonically; raises :class:`InputError` for what JSON cannot hold."""
    if _standard_encoder_is_exact(value, 0):
        try:
            return _standard_encoding(value).encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: the encoder below names where it is
    out: list[str] = []
    _encode(value, out, "$", 0)
    return "".join(out).encode("utf-8")


# One encoder for every record: json.dumps with options makes a new one each call.
_STANDARD_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _standard_encoding(value: JSON) -> str:
    return _STANDARD_ENCODER.encode(value)


def _standard_encoder_is_exact(value: JSON, depth: int) -> bool:
    """Whether the standard library's encoder gives the canonical form of ``value``.

    The fast path, several times faster than :func:`_encode`. It holds for plain dicts,
    lists, strings, safe integers, booleans and null nested at most MAX_DEPTH deep, with
    ASCII keys only: for those, sorting by code point (what ``sort_keys`` does) is
    sorting by UTF-16 code units, and strings are escaped by the same function. For
    anything else (a float, a key outside ASCII, a subclass) the answer is False, and
    :func:`_encode` encodes or refuses it.
    """
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return bool(-_MAX_SAFE_INT <= value <= _MAX_SAFE_INT)
    if depth >= MAX_DEPTH:
        return False
    if kind is dict:
        for key, item in value.items():  # a loop, not all(): records are mostly dicts
            if type(key) is not str or not key.isascii():
                return False
            if type(item) is str:  # most fields: no call for them
                continue
            if not _standard_encoder_is_exact(item, depth + 1):
                return False
        return True
    if kind is list or kind is tuple:
        return all(_standard_encoder_is_exact(item, depth + 1) for item in value)
    return False


def _too_deep(where: str) -> InputError:
    return InputError(
        f"{where}: lists and objects are nested more than {MAX_DEPTH} levels deep",
        "records are small and flat; this input is not one Erfurt wrote",
    )


def _encode(value: JSON, out: list[str], where: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise _too_deep(where)
    if value is None or isinstance(value, bool):
        out.append("null" if value is None else ("true" if value else "false"))
    elif isinstance(value, int):
        if abs(value) > _MAX_SAFE_INT:
            raise InputError(f"{where}: integer {value} is too large for canonical JSON")
        out.append(str(value))
    elif isinstance(value, str):
        _check_text(value, where)
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, Mapping):
        out.append("{")
        keys = list(value)
        for key in keys:
            if not isinstance(key, str):
                raise InputError(f"{where}: object key {key!r} is not a string")
            _check_text(key, where)
        for n, key in enumerate(sorted(keys, key=lambda k: k.encode("utf-16-be"))):
            if n:
                out.append(",")
            out.append(json.dumps(key, ensure_ascii=False))
            out.append(":")
            _encode(value[key], out, f"{where}.{key}", depth + 1)
        out.append("}")
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        out.append("[")
        for n, item in enumerate(value):
            if n:
                out.append(",")
            _encode(item, out, f"{where}[{n}]", depth + 1)
        out.append("]")
    else:
        kind = type(value).__name__
        raise InputError(
            f"{where}: a {kind} cannot be stored in a record",
            "records hold strings, integers, booleans, null, lists and objects only",
        )


def _check_text(text: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(
            f"{where}: text contains a lone surrogate at position {exc.start}"
        ) from exc


def parse_json(data: bytes, *, source: str) -> JSON:
    """Parse JSON bytes, refusing floats, duplicate keys and nesting deeper than MAX_DEPTH.

    Raises :class:`InputError` naming ``source`` when the bytes are not such JSON.
    """
    if data.count(b"[") + data.count(b"{") > MAX_DEPTH and _nesting(data) > MAX_DEPTH:
        raise _too_deep(f"{source}: $")

    def no_duplicates(pairs: list[tuple[str, JSON]]) -> dict[str, JSON]:
        result: dict[str, JSON] = {}
        for key, item in pairs:
            if key in result:
                raise ValueError(f"duplicate key {key!r}")
            result[key] = item
        return result

    def no_float(text: str) -> float:
        raise ValueError(f"number {text} is not an integer")

    try:
        return json.loads(
            data.decode("utf-8"), object_pairs_hook=no_duplicates, parse_float=no_float
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{source}: not a valid record: {exc}") from exc


def _nesting(data: bytes) -> int:
    """How deep lists and objects nest in JSON ``data`` (brackets inside strings ignored).

    Counted before parsing, because the standard parser recurses once per level.
    """
    deepest = depth = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest
