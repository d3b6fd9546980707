"""Ingest tests: this folder is on sys.path, so tests import ``ingest_samples`` from here."""

from __future__ import annotations

import pytest

from erfurt.ingest.extractors import ExtractOptions


@pytest.fixture
def options() -> ExtractOptions:
    return ExtractOptions(time_limit_s=60)
