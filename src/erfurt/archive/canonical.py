"""Canonical JSON: the one byte form of every record (RFC 8785 style).

Keys sorted by their UTF-16 code units, no insignificant whitespace, UTF-8, strings
escaped minimally, and integers only: floats are refused, because their text form is
where implementations disagree.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from erfurt.errors import InputError

__all__ = ["JSON", "canonical_json", "parse_json"]

JSON = Any  # None | bool | int | str | list[JSON] | dict[str, JSON]

_MAX_SAFE_INT = 2**53 - 1  # beyond this, JSON readers in other languages lose precision


def canonical_json(value: JSON) -> bytes:
    """Encode ``value`` canonically; raises :class:`InputError` for what JSON cannot hold."""
    out: list[str] = []
    _encode(value, out, "$")
    return "".join(out).encode("utf-8")


def _encode(value: JSON, out: list[str], where: str) -> None:
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
            _encode(value[key], out, f"{where}.{key}")
        out.append("}")
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        out.append("[")
        for n, item in enumerate(value):
            if n:
                out.append(",")
            _encode(item, out, f"{where}[{n}]")
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
    """Parse JSON bytes, refusing floats and duplicate keys.

    Raises :class:`InputError` naming ``source`` when the bytes are not such JSON.
    """

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
