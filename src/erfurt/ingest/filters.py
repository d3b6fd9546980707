"""Filters that match nothing are mistakes: say so, and say what would match."""

from __future__ import annotations

from erfurt.archive import ViewConnection
from erfurt.errors import InputError

__all__ = ["require_collection", "require_extractor"]


def _listed(values: list[str]) -> str:
    return ", ".join(values) if values else "(none yet)"


def require_collection(db: ViewConnection, collection: str | None) -> None:
    """Raise InputError unless ``collection`` is None or holds at least one document."""
    if collection is None:
        return
    if db.execute("SELECT 1 FROM documents WHERE collection = ? LIMIT 1", (collection,)).fetchone():
        return
    known = [str(r[0]) for r in db.execute("SELECT DISTINCT collection FROM documents ORDER BY 1")]
    raise InputError(
        f"no document is in a collection named {collection!r}",
        f"the collections in this archive are: {_listed(known)}",
    )


def require_extractor(db: ViewConnection, extractor: str) -> None:
    """Raise InputError unless some current text was made by an extractor named ``extractor``.

    A part of a name matches (``pdf`` matches ``pdf-pypdf``), as re-extraction does.
    """
    known = [
        str(r[0])
        for r in db.execute("SELECT DISTINCT extractor FROM extractions WHERE ok = 1 ORDER BY 1")
    ]
    if not any(extractor in name for name in known):
        raise InputError(
            f"no text in this archive was made by an extractor named {extractor!r}",
            f"the extractors whose texts can be re-extracted are: {_listed(known)}",
        )
