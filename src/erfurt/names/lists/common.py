"""What a list reader returns, and the text decoding the readers share."""

from __future__ import annotations

from dataclasses import dataclass

from erfurt.names.model import Entity

__all__ = ["LoadedList", "decode"]


@dataclass(frozen=True, slots=True)
class LoadedList:
    """The entities read from one list, and what was left out and why."""

    kind: str  # "ofac-sdn" or "ftm"
    entities: tuple[Entity, ...]
    skipped: int  # rows or entities that are not persons or organisations, or have no name


def decode(data: bytes) -> str:
    """UTF-8 text, or Latin-1 (legacy OFAC files) when the bytes are not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")
