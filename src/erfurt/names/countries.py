"""Country names and codes (ISO 3166-1 alpha-2), from the CLDR territory names."""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["country_code"]


@cache
def _countries() -> dict[str, str]:
    lines = (
        resources.files("erfurt.names")
        .joinpath("data")
        .joinpath("countries.tsv")
        .read_text("utf-8")
    )
    table: dict[str, str] = {}
    for line in lines.splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t")
            table[code] = code
            table[name.lower()] = code
    table.update({"china": "cn", "hong kong": "hk", "macau": "mo", "russia": "ru", "burma": "mm"})
    table.update({"korea, north": "kp", "korea, south": "kr", "iran": "ir", "syria": "sy"})
    return table


@cache
def country_code(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code (lower case) of a country code or English name."""
    key = " ".join(text.replace("&", "and").lower().split())
    return _countries().get(key) or _countries().get(key.replace(" and ", " & "))
