"""Which engine runs batch work: the value of ``--engine`` and of ``engine`` in erfurt.toml."""

from __future__ import annotations

from dataclasses import dataclass

from erfurt.errors import ConfigError

__all__ = ["EngineSpec"]

_FORMS = "local, dask (a Dask cluster started on this machine) or dask://HOST:PORT"


@dataclass(frozen=True, slots=True)
class EngineSpec:
    """Where batch work runs.

    ``local`` is Erfurt's own pool of processes on this machine; ``dask`` starts a Dask
    cluster on this machine for the job; ``dask://HOST:PORT`` sends the job to the Dask
    scheduler listening there (``address`` is then its ``tcp://HOST:PORT``).

        >>> EngineSpec.parse("dask://10.0.0.5:8786")
        EngineSpec(kind='dask', address='tcp://10.0.0.5:8786')
    """

    kind: str
    address: str = ""

    @classmethod
    def parse(cls, text: str) -> EngineSpec:
        """Read an engine's name or address; ConfigError for anything else."""
        value = text.strip()
        if value in ("", "local"):
            return cls("local")
        if value == "dask":
            return cls("dask")
        host, sep, port = value.removeprefix("dask://").rpartition(":")
        if value.startswith("dask://") and sep and host and port.isdigit():
            return cls("dask", f"tcp://{host}:{port}")
        raise ConfigError(f"engine {text!r} is not one Erfurt knows", f"use {_FORMS}")

    @property
    def distributed(self) -> bool:
        """Whether the work leaves this process's own pool for a distributed engine."""
        return self.kind != "local"
