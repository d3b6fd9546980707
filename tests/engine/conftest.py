"""The engine tests' cluster: a real local Dask cluster of 2 worker processes, one per
test module (a module that kills a worker does not leave the next one short)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from erfurt.engine import Engine, EngineSpec


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    """A local cluster of 2 `dask worker` processes, stopped after the module."""
    with Engine.start(EngineSpec.parse("dask"), workers=2) as started:
        yield started
