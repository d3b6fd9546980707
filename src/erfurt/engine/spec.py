"""Which engine runs batch work: the value of ``--engine`` and of ``engine`` in erfurt.toml."""

from __future__ import annotations

from dataclasses import dataclass

from erfurt.errors import ConfigError

__all__ = ["EngineSpec"]

_FORMS = (
    "local, dask (a Dask cluster started on this machine), dask://HOST:PORT or "
    "tls://HOST:PORT (a Dask scheduler, the latter over TLS)"
)


@dataclass(frozen=True, slots=True)
class EngineSpec:
    """Where batch work runs.

    ``local`` is Erfurt's own pool of processes on this machine; ``dask`` starts a Dask
    cluster on this machine for the job; ``dask://HOST:PORT`` sends the job to the Dask
    scheduler listening there (``address`` is then its ``tcp://HOST:PORT``), and
    ``tls://HOST:PORT`` to one that speaks TLS (which needs :class:`EngineTLS` files).

        >>> EngineSpec.parse("dask://10.0.0.5:8786")
        EngineSpec(kind='dask', address='tcp://10.0.0.5:8786')
        >>> EngineSpec.parse("tls://10.0.0.5:8786").tls
        True
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
        scheme, _, rest = value.partition("://")
        host, sep, port = rest.rpartition(":")
        if scheme in ("dask", "tls") and sep and host and port.isascii() and port.isdigit():
            return cls("dask", f"{'tls' if scheme == 'tls' else 'tcp'}://{host}:{port}")
        raise ConfigError(f"engine {text!r} is not one Erfurt knows", f"use {_FORMS}")

    @property
    def tls(self) -> bool:
        """Whether the scheduler is reached over TLS."""
        return self.address.startswith("tls://")

    @property
    def distributed(self) -> bool:
        """Whether the work leaves this process's own pool for a distributed engine."""
        return self.kind != "local"
