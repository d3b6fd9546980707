"""The legacy OFAC SDN CSV files: ``sdn.csv``, ``alt.csv`` (aliases), ``add.csv`` (addresses).

No header; ``-0-`` marks an empty field; the files may end with a DOS end-of-file byte.
Dates of birth, nationalities, ID numbers and "a.k.a." names are read from the remarks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from erfurt.errors import InputError
from erfurt.names.lists.common import LoadedList, decode
from erfurt.names.model import Entity, country_code

__all__ = ["OFAC_FILES", "parse_ofac_sdn", "read_ofac_sdn"]

OFAC_FILES = ("sdn.csv", "alt.csv", "add.csv")
_WIDTH = {"sdn.csv": 12, "alt.csv": 5, "add.csv": 6}
_SCHEMAS = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}
_DOB = re.compile(r"\bDOB ((?:circa )?[^;]+)")
_COUNTRY = re.compile(r"\b(?:nationality|citizen) ([^;.]+)")
_AKA = re.compile(r"\ba\.k\.a\. '([^']+)'")
_IDS = re.compile(
    r"\b(?:Passport|National ID No\.|Identification Number|Cedula No\.|Tax ID No\.|"
    r"D\.N\.I\.|NIT #|C\.U\.R\.P\.|R\.F\.C\.|SSN|Registration ID|IMO) ([A-Z0-9][A-Z0-9-]{3,})"
)
_FORMATS = (("%d %b %Y", 10), ("%b %Y", 7), ("%Y", 4))


def _rows(name: str, text: str) -> list[tuple[int, list[str]]]:
    body = text.rstrip("\x1a")
    if body.strip() and not body.endswith("\n"):
        last = body.count("\n") + 1
        raise InputError(
            f"{name} line {last}: the file ends in the middle of a row",
            "the file looks truncated: download it again",
        )
    reader = csv.reader(io.StringIO(body), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if not row or row == [""]:
                continue
            if len(row) != _WIDTH[name]:
                raise InputError(
                    f"{name} line {reader.line_num}: {len(row)} fields, expected {_WIDTH[name]}",
                    f"give the legacy OFAC CSV files ({', '.join(OFAC_FILES)}) as published",
                )
            cells = [c.strip() for c in row]
            if not (cells[0].isascii() and cells[0].isdigit()):
                raise InputError(
                    f"{name} line {reader.line_num}: entity number {cells[0]!r} is not a number",
                    "give the legacy OFAC CSV files as published (no header row)",
                )
            rows.append((reader.line_num, ["" if c == "-0-" else c for c in cells]))
    except csv.Error as exc:
        raise InputError(
            f"{name} line {reader.line_num}: {exc}", "the file is damaged: download it again"
        ) from exc
    return rows


def _dates(remarks: str) -> list[str]:
    found: list[str] = []
    for raw in _DOB.findall(remarks):
        for piece in re.split(r"\bto\b", raw.replace("circa", "")):
            value = piece.strip().rstrip(".").strip()  # "DOB 14 Oct 1974." ends a sentence
            for fmt, width in _FORMATS:
                try:
                    found.append(dt.datetime.strptime(value, fmt).date().isoformat()[:width])
                    break
                except ValueError:
                    continue
    return found


def parse_ofac_sdn(files: dict[str, bytes], source: str = "ofac-sdn") -> LoadedList:
    """Entities from the three files' bytes (keys: ``OFAC_FILES``), listed as ``source``.

    Raises InputError naming the file and line for a truncated or malformed file, an
    alias or address of an entity that sdn.csv does not list, or a missing file.
    """
    missing = [f for f in OFAC_FILES if f not in files]
    if missing:
        raise InputError(
            f"missing {', '.join(missing)}", f"give a folder with {', '.join(OFAC_FILES)}"
        )
    parsed = {name: _rows(name, decode(files[name])) for name in OFAC_FILES}
    if not parsed["sdn.csv"]:
        raise InputError("sdn.csv has no rows", "give the legacy OFAC SDN CSV files")
    names: dict[str, list[str]] = {}
    facts: dict[str, tuple[str, list[str], set[str], set[str]]] = {}
    for _, row in parsed["sdn.csv"]:
        ent, name, kind, remarks = row[0], row[1], row[2], row[11]
        names[ent] = [name, *_AKA.findall(remarks)]
        countries = {c for c in (country_code(x) for x in _COUNTRY.findall(remarks)) if c}
        ids = set(_IDS.findall(remarks))
        facts[ent] = (_SCHEMAS.get(kind.lower(), "Organization"), _dates(remarks), countries, ids)
    for file_name, column in (("alt.csv", 3), ("add.csv", 4)):
        for line, row in parsed[file_name]:
            ent = row[0]
            if ent not in names:
                raise InputError(
                    f"{file_name} line {line}: entity {ent} is not in sdn.csv",
                    "the three files must come from the same download",
                )
            if file_name == "alt.csv" and row[column]:
                names[ent].append(row[column])
            elif file_name == "add.csv" and row[column]:
                code = country_code(row[column])
                if code:
                    facts[ent][2].add(code)
    entities = tuple(
        Entity(
            id=f"ofac-{ent}",
            schema=facts[ent][0],
            names=tuple(dict.fromkeys(n for n in names[ent] if n)),
            list=source,
            birth_dates=tuple(dict.fromkeys(facts[ent][1])),
            countries=tuple(sorted(facts[ent][2])),
            identifiers=tuple(sorted(facts[ent][3])),
        )
        for ent in names
    )
    return LoadedList("ofac-sdn", entities, 0)


def read_ofac_sdn(directory: Path) -> LoadedList:
    """Read ``sdn.csv``, ``alt.csv`` and ``add.csv`` from ``directory`` (see parse_ofac_sdn)."""
    files: dict[str, bytes] = {}
    for name in OFAC_FILES:
        path = directory / name
        if not path.is_file():
            raise InputError(f"{path}: no such file", f"give a folder with {', '.join(OFAC_FILES)}")
        files[name] = path.read_bytes()
    return parse_ofac_sdn(files)
