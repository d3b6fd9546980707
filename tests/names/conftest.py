"""Shared data for the names tests: the 2021 OFAC list (read in place, never copied), and
the evaluation protocol of ``bench/names_halves.py``, importable as ``names_halves``."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from erfurt.names import Entity, Matcher, read_ofac_sdn

ROOT = Path(__file__).resolve().parents[2]


def _load_halves() -> None:
    spec = importlib.util.spec_from_file_location(
        "names_halves", ROOT / "bench" / "names_halves.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["names_halves"] = module
    spec.loader.exec_module(module)


_load_halves()
NAMES_DATA: Path = sys.modules["names_halves"].SHARED
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
