"""FollowTheMoney entities as JSON lines (OpenSanctions, Aleph): one entity per line.

Persons and organisations (and vessels, aircraft) are kept; other schemas (addresses,
sanctions, ownerships) and entities without a name are counted as skipped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from erfurt.errors import InputError
from erfurt.names.lists.common import LoadedList, decode
from erfurt.names.model import Entity, country_code
from erfurt.names.parts import ORGANISATION_SCHEMAS

__all__ = ["parse_ftm", "read_ftm"]

_NAMES = ("name", "alias", "previousName", "weakAlias")
_COUNTRIES = ("country", "nationality", "citizenship", "jurisdiction", "mainCountry")
_IDS = (
    "idNumber", "passportNumber", "registrationNumber", "taxNumber", "innCode", "ogrnCode",
    "leiCode", "imoNumber", "swiftBic",
)  # fmt: skip
_SCHEMAS = ORGANISATION_SCHEMAS | {"Person"}


def _values(properties: dict[str, Any], keys: tuple[str, ...], line: int) -> list[str]:
    found: list[str] = []
    for key in keys:
        values = properties.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InputError(
                f"line {line}: property {key!r} is not a list of strings",
                "give FollowTheMoney entities as JSON lines",
            )
        found += values
    return found


def _entity(obj: Any, line: int, source: str) -> Entity | None:
    if not (
        isinstance(obj, dict)
        and isinstance(obj.get("id"), str)
        and isinstance(obj.get("schema"), str)
        and isinstance(obj.get("properties", {}), dict)
    ):
        raise InputError(
            f"line {line}: not a FollowTheMoney entity (needs 'id', 'schema', 'properties')",
            "give FollowTheMoney entities as JSON lines, one per line",
        )
    properties = obj.get("properties", {})
    names = _values(properties, _NAMES, line)
    countries = _values(properties, _COUNTRIES, line)
    dates = [d[:10] for d in _values(properties, ("birthDate",), line)]
    ids = _values(properties, _IDS, line)
    if obj["schema"] not in _SCHEMAS or not names:
        return None
    codes = sorted({c for c in (country_code(x) for x in countries) if c})
    return Entity(
        id=obj["id"],
        schema=obj["schema"],
        names=tuple(dict.fromkeys(n.strip() for n in names if n.strip())),
        list=source,
        birth_dates=tuple(dict.fromkeys(dates)),
        countries=tuple(codes),
        identifiers=tuple(sorted({"".join(i.upper().split()) for i in ids})),
    )


def parse_ftm(data: bytes, source: str = "ftm") -> LoadedList:
    """Entities from FtM JSON lines; InputError naming the line for any bad line.

    A last line without its newline is taken as a truncated file.
    """
    text = decode(data)
    if text.strip() and not text.endswith("\n"):
        raise InputError(
            f"line {text.count(chr(10)) + 1}: the file ends in the middle of a line",
            "the file looks truncated: export or download it again",
        )
    entities: list[Entity] = []
    skipped = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"line {number}: not JSON ({exc.msg} at column {exc.colno})",
                "give FollowTheMoney entities as JSON lines, one per line",
            ) from exc
        except RecursionError as exc:  # the parser recurses once per level of nesting
            raise InputError(
                f"line {number}: lists or objects nested too deep to be an entity",
                "give FollowTheMoney entities as JSON lines, one per line",
            ) from exc
        entity = _entity(obj, number, source)
        if entity is None:
            skipped += 1
        else:
            entities.append(entity)
    if not entities:
        raise InputError("no person or organisation in the file", "give FollowTheMoney entities")
    return LoadedList("ftm", tuple(entities), skipped)


def read_ftm(path: Path) -> LoadedList:
    """Read a FollowTheMoney JSON lines file (see parse_ftm)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror}", "give a readable file") from exc
    return parse_ftm(data, source=path.name)
