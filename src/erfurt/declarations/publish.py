"""The public listing: number, time, alias, organisations, place, statement, and the tally.

Nothing else leaves: no commitment, keyed hash, key id, channel or volunteer. Publishing
is a redaction policy written as an allow-list (:data:`PUBLIC_FIELDS`, each copied by
name), so a field added to declarations later stays private until someone adds it here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from erfurt.archive import JSON, Archive
from erfurt.declarations.model import Declaration
from erfurt.declarations.registry import declarations_in_log
from erfurt.declarations.tally import GROUPINGS, tally_declarations

__all__ = ["PUBLIC_FIELDS", "Published", "publish_registry"]

PUBLIC_FIELDS = ("number", "time", "alias", "organisations", "place", "statement")
LISTING_NAME = "declarations.jsonl"
TALLY_NAME = "tally.json"


@dataclass(frozen=True, slots=True)
class Published:
    """What was published: how many declarations, up to which log index, which files."""

    declarations: int
    last_log_index: int | None
    files: tuple[Path, ...]


def _replace_file(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def publish_registry(archive: Archive, out: Path) -> Published:
    """Write ``declarations.jsonl`` and ``tally.json`` into the folder ``out``.

    The listing is computed from the log (not the view), one JSON object per line in
    number order; the tally comes from the same pass, so they always agree. Each file
    is written beside its final name and then renamed, never left half-written.
    """
    out.mkdir(parents=True, exist_ok=True)
    listing_path, tally_path = out / LISTING_NAME, out / TALLY_NAME
    partial = listing_path.with_name(LISTING_NAME + ".partial")
    last_index: list[int] = []

    def listed(listing: TextIO) -> Iterator[Declaration]:
        for number, (index, declaration) in enumerate(declarations_in_log(archive), start=1):
            entry = {
                "number": number,
                "time": declaration.time,
                "alias": declaration.alias,
                "organisations": list(declaration.organisations),
                "place": declaration.place,
                "statement": declaration.statement,
            }
            listing.write(json.dumps(entry, ensure_ascii=False))
            listing.write("\n")
            last_index[:] = [index]
            yield declaration

    with partial.open("w", encoding="utf-8") as listing:
        counts = tally_declarations(listed(listing))
    os.replace(partial, listing_path)
    last = last_index[0] if last_index else None
    tally: dict[str, JSON] = {
        "last_log_index": last,
        **{
            grouping: [
                {"key": key, "declarations": d, "persons": p}
                for (g, key), (d, p) in sorted(counts.items())
                if g == grouping
            ]
            for grouping in GROUPINGS
        },
    }
    _replace_file(tally_path, (json.dumps(tally, ensure_ascii=False, indent=1) + "\n").encode())
    total = counts.get(("total", ""), (0, 0))[0]
    return Published(total, last, (listing_path, tally_path))
