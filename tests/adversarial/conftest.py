"""Hostile inputs against a real archive, through the library as the CLI calls it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from erfurt.archive import Archive
from erfurt.ingest import DocumentsView, ExtractionsView


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    """An archive with the views ingest needs (documents and extractions)."""
    views = [DocumentsView(), ExtractionsView()]
    with Archive.init(
        tmp_path / "archive", origin="test.example/adversarial", who="t", views=views
    ) as opened:
        yield opened
