"""Hostile inputs against a real archive, through the library as the CLI calls it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from erfurt.archive import Archive, Record
from erfurt.ingest import DocumentsView, ExtractionsView


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    views = [DocumentsView(), ExtractionsView()]
    with Archive.init(
        tmp_path / "archive", origin="test.example/adversarial", who="t", views=views
    ) as opened:
        yield opened


def documents(archive: Archive) -> dict[str, Record]:
    """Every document.added record, by recorded name."""
    return {r["name"]: r for _, r in archive.records(kinds={"document.added"})}


def stored(archive: Archive, data: bytes) -> bool:
    """Whether any blob holds exactly ``data``."""
    import hashlib

    return archive.has_blob(hashlib.sha256(data).hexdigest())
