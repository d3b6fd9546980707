"""Shared data for the names tests: the 2021 OFAC list (read in place, never copied)."""

from __future__ import annotations

from pathlib import Path

import pytest

from erfurt.names import Entity, Matcher, read_ofac_sdn

NAMES_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "names"
OFAC_DIR = NAMES_DATA / "ofac-sdn-2021"


@pytest.fixture(scope="session")
def ofac_dir() -> Path:
    assert (OFAC_DIR / "sdn.csv").is_file(), f"shared test data missing: {OFAC_DIR}"
    return OFAC_DIR


@pytest.fixture(scope="session")
def ofac_entities() -> list[Entity]:
    assert (OFAC_DIR / "sdn.csv").is_file(), f"shared test data missing: {OFAC_DIR}"
    return list(read_ofac_sdn(OFAC_DIR).entities)


@pytest.fixture(scope="session")
def ofac_matcher(ofac_entities: list[Entity]) -> Matcher:
    return Matcher.build(ofac_entities)
