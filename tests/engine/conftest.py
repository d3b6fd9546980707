"""The engine tests' cluster: a real local Dask cluster of 2 worker processes, one per
test module (a module that kills a worker does not leave the next one short), and how a
command reaches it: its tls:// address and the run's certificate, written for the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from engine_jobs import ClusterAccess
from erfurt.engine import Engine, EngineSpec


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    """A local cluster of 2 `dask worker` processes, stopped after the module."""
    with Engine.start(EngineSpec.parse("dask"), workers=2) as started:
        yield started


@pytest.fixture(scope="module")
def access(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> ClusterAccess:
    """The module's cluster as a command reaches it: its tls:// address, and the
    certificate and key made for its run (its own CA) written to files."""
    folder = tmp_path_factory.mktemp("engine-tls")
    security = engine.client.security
    pems = (security.tls_ca_file, security.tls_client_cert, security.tls_client_key)
    paths: list[Path] = []
    for name, pem in zip(("ca", "cert", "key"), pems, strict=True):
        paths.append(folder / f"{name}.pem")
        paths[-1].write_text(pem, encoding="ascii")
        paths[-1].chmod(0o600)
    return ClusterAccess(engine.client.scheduler.address, *paths)
