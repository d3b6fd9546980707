"""TLS between the driver and a remote Dask scheduler: the cluster's CA, and this
client's certificate and key (Dask authenticates both ends; see docs/engine.md).

The files are read when the engine starts; a file that is missing or not PEM, or a
scheduler whose certificate the CA did not sign, is a clear error before any work goes out.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from erfurt.errors import ConfigError, EngineError

__all__ = ["EngineTLS"]

_HINT_FILES = (
    "give the cluster's CA certificate, and this client's certificate and key, as PEM files "
    "(--engine-ca, --engine-cert, --engine-key, or engine_ca, engine_cert, engine_key in "
    "erfurt.toml; docs/engine.md)"
)


@dataclass(frozen=True, slots=True)
class EngineTLS:
    """The PEM files of a TLS connection to a Dask cluster.

    ``ca`` signed the scheduler's and the workers' certificates; ``cert`` and ``key`` are
    this client's own, signed by the same CA (the scheduler asks for them).
    """

    ca: Path
    cert: Path
    key: Path

    def security(self, distributed: Any) -> Any:
        """Dask's ``Security`` for these files, encryption required; ConfigError for a
        file that cannot be read or is not a certificate or key."""
        for path in (self.ca, self.cert, self.key):
            if "\n" in str(path) or not path.is_file():  # Dask reads a "\n" as PEM text
                raise ConfigError(f"engine TLS file {str(path)!r} is not a file", _HINT_FILES)
        security = distributed.Security(
            tls_ca_file=str(self.ca),
            tls_client_cert=str(self.cert),
            tls_client_key=str(self.key),
            require_encryption=True,
        )
        self.context(security)
        return security

    @staticmethod
    def context(security: Any) -> ssl.SSLContext:
        """The client's TLS context ``security`` makes; ConfigError for unusable files."""
        try:
            context: ssl.SSLContext = security.get_connection_args("client")["ssl_context"]
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(
                f"the engine's TLS files cannot be used: {exc.strerror or exc}", _HINT_FILES
            ) from exc
        return context


def check_scheduler_certificate(address: str, security: Any, timeout: float) -> None:
    """Shake hands with the scheduler at ``address`` (tls://HOST:PORT) once: EngineError
    at once if its certificate was not signed by the CA (Dask would retry until its
    time limit and then report only a timeout)."""
    parts = urlsplit(address)
    context = EngineTLS.context(security)
    try:
        with (
            socket.create_connection((parts.hostname or "", parts.port or 0), timeout) as raw,
            context.wrap_socket(raw) as tls,
        ):
            tls.do_handshake()
    except ssl.SSLCertVerificationError as exc:
        raise EngineError(
            f"the Dask scheduler at {address} presented a certificate the engine's CA did "
            f"not sign ({exc.verify_message})",
            "check --engine-ca (or engine_ca in erfurt.toml): it must be the CA that signed "
            "the cluster's certificates; if the scheduler is the one you meant, someone may "
            "be in between",
        ) from exc
    except ssl.SSLError as exc:
        raise EngineError(
            f"no TLS connection to the Dask scheduler at {address}: {exc.reason or exc}",
            "check that the scheduler listens with TLS (tls://) and accepts certificates "
            "signed by the engine's CA",
        ) from exc
