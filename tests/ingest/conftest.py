"""Ingest tests: generated inputs come from ``tests/ingest_samples.py``."""

from __future__ import annotations

import pytest

from erfurt.extractors import ExtractOptions


@pytest.fixture
def options() -> ExtractOptions:
    return ExtractOptions(time_limit_s=3600)  # far beyond any load: no test races a clock
