"""Country names and codes (ISO 3166-1 alpha-2), from the CLDR territory names."""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["country_code", "country_names"]


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
    # Other usual English names (the CLDR table has one name per code).
    table.update(
        {"turkey": "tr", "ivory coast": "ci", "myanmar": "mm", "czech republic": "cz",
         "democratic republic of the congo": "cd", "republic of the congo": "cg",
         "east timor": "tl", "usa": "us", "uk": "gb", "macao": "mo", "palestine": "ps",
         "swaziland": "sz", "vatican": "va", "the netherlands": "nl", "holland": "nl",
         "bosnia": "ba", "macau sar china": "mo", "taiwan, province of china": "tw"}
    )  # fmt: skip
    return table


@cache
def country_code(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code (lower case) of a country code or English name."""
    key = " ".join(text.replace("&", "and").lower().split())
    return _countries().get(key) or _countries().get(key.replace(" and ", " & "))


def country_names() -> list[str]:
    """Every country name and code known, lower case (for suggestions)."""
    return sorted(_countries())
