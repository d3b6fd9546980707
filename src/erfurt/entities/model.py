"""Mentions and position claims found in one text, and how they are written to a blob."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "EXTRACTOR",
    "EXTRACTOR_VERSION",
    "FOUND_KIND",
    "REVIEW_KIND",
    "Box",
    "Claim",
    "EntityType",
    "Found",
    "Mention",
    "Method",
    "entity_id",
    "name_key",
]

EXTRACTOR = "erfurt-entities"
EXTRACTOR_VERSION = "3"  # 3: mentions on OCR pages carry their word boxes
FOUND_KIND = "entities.found"
REVIEW_KIND = "entity.reviewed"

Method = Literal["known", "tagger", "ner", "title", "pattern"]
EntityType = Literal["person", "organisation", "place"]
Box = tuple[int, int, int, int]
"""left, top, right, bottom in thousandths of the stored page image."""


def name_key(name: str) -> str:
    """A name folded for grouping: NFKC, case-folded, spaces collapsed (Han left as found;
    callers fold traditional to simplified before)."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def entity_id(kind: EntityType, folded_name: str) -> str:
    """The stable id of an entity not on any list: its type and folded name, hashed, so the
    same name found again (by a newer extractor too) is the same entity."""
    digest = hashlib.sha256(f"{kind}\x00{folded_name}".encode()).hexdigest()[:10]
    return f"{kind[0]}-{digest}"


@dataclass(frozen=True, slots=True)
class Mention:
    """A name in a text: characters ``start``-``end`` on ``page`` (1-based, pages split at
    form feeds); ``folded`` is the grouping form (simplified, case-folded); ``known`` the
    list entry it names, when one was found; ``boxes`` where its words are on the page
    image, when OCR read the page (see :mod:`erfurt.entities.boxes`)."""

    start: int
    end: int
    page: int
    method: Method
    type: EntityType
    surface: str
    folded: str
    known: str = ""
    boxes: tuple[Box, ...] = ()

    def key(self, source: str) -> str:
        """The review key: source blob, span and surface, never a row id."""
        return f"m:{source}:{self.start}:{self.end}:{self.surface}"

    def entity(self) -> str:
        """The entity this mention names before any review: its list entry, or its name."""
        return self.known or entity_id(self.type, self.folded)

    def to_json(self) -> list[Any]:
        """Compact form for the blob (the boxes last, only when there are any)."""
        row: list[Any] = [self.start, self.end, self.page, self.method, self.type,
                          self.surface, self.folded, self.known]  # fmt: skip
        if self.boxes:
            row.append([list(box) for box in self.boxes])
        return row

    @classmethod
    def from_json(cls, row: list[Any]) -> Mention:
        """Read the compact form (extractor versions before 3 wrote no boxes)."""
        boxes = tuple(_box(b) for b in row[8]) if len(row) > 8 else ()
        return cls(int(row[0]), int(row[1]), int(row[2]), row[3], row[4], str(row[5]),
                   str(row[6]), str(row[7]), boxes)  # fmt: skip


def _box(values: list[Any]) -> Box:
    left, top, right, bottom = (int(v) for v in values)
    return left, top, right, bottom


@dataclass(frozen=True, slots=True)
class Claim:
    """``holder`` held ``post`` (at ``organisation``), from ``start_date`` to ``end_date``
    (ISO 8601 prefixes, empty when not stated), read from ``passage`` (character span);
    ``holder_mention`` is the span of the holder's name."""

    holder: Mention
    post: str
    organisation: str
    start_date: str
    end_date: str
    passage: tuple[int, int]
    method: Method = "pattern"

    def key(self, source: str) -> str:
        """The review key: source blob, the holder's span and the post."""
        return f"c:{source}:{self.holder.start}:{self.holder.end}:{self.post}"

    def to_json(self) -> dict[str, Any]:
        """Form for the blob."""
        return {
            "holder": self.holder.to_json(),
            "post": self.post,
            "organisation": self.organisation,
            "start": self.start_date,
            "end": self.end_date,
            "passage": list(self.passage),
            "method": self.method,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Claim:
        """Read the blob form."""
        return cls(
            Mention.from_json(data["holder"]),
            str(data["post"]),
            str(data["organisation"]),
            str(data["start"]),
            str(data["end"]),
            (int(data["passage"][0]), int(data["passage"][1])),
            data["method"],
        )


@dataclass(frozen=True, slots=True)
class Found:
    """Everything one extractor run found in one text."""

    mentions: tuple[Mention, ...]
    claims: tuple[Claim, ...]
    warnings: tuple[str, ...] = ()

    def to_bytes(self) -> bytes:
        """Canonical JSON (sorted keys, UTF-8), the blob an ``entities.found`` record cites."""
        data = {
            "mentions": [m.to_json() for m in self.mentions],
            "claims": [c.to_json() for c in self.claims],
            "warnings": list(self.warnings),
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> Found:
        """Read a blob written by :meth:`to_bytes`."""
        parsed = json.loads(data)
        return cls(
            tuple(Mention.from_json(m) for m in parsed["mentions"]),
            tuple(Claim.from_json(c) for c in parsed["claims"]),
            tuple(parsed.get("warnings", ())),
        )
