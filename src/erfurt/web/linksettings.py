"""The writer link as ``erfurt.toml`` sets it up: where the writer listens, its TLS files,
its key, how long a worker waits for it, and the writer a host joins with
``erfurt serve --join HOST:PORT``.

A host that joins a writer on another host runs only workers (docs/deployment.md,
"Several hosts"). Before any of them starts, :func:`joined_writer` connects once and
checks the key, both certificates and that the writer writes this archive, so a mistake
stops the command with a message saying which.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from erfurt.archive import WriterAddress, WriterClient, WriterTLS, load_link_key
from erfurt.config import ArchiveConfig
from erfurt.errors import ConfigError

__all__ = [
    "joined_writer",
    "listen_address",
    "workers_address",
    "writer_authkey",
    "writer_time_limit",
    "writer_tls",
]


def _parse_address(text: str, what: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[IPv6]:PORT`` too) as (host, port); ConfigError naming ``what``
    (the setting or option it came from) when it is none."""
    host, _, port = text.rpartition(":")
    if not host or not (port.isascii() and port.isdigit()) or int(port) > 65535:
        raise ConfigError(
            f"{what} {text!r} is not HOST:PORT",
            'write it like "10.0.0.5:7400" or "[fd00::5]:7400"',
        )
    return host.strip("[]"), int(port)


def listen_address(config: ArchiveConfig) -> tuple[str, int]:
    """Where the writer listens for workers: ``writer_listen``, or a free loopback port."""
    if not config.writer_listen:
        return "127.0.0.1", 0
    return _parse_address(config.writer_listen, "writer_listen")


def writer_tls(config: ArchiveConfig) -> WriterTLS | None:
    """The writer link's TLS files, or None when none is set; ConfigError for some."""
    files = {"writer_ca": config.writer_ca, "writer_cert": config.writer_cert,
             "writer_key": config.writer_key}  # fmt: skip
    if not any(files.values()):
        return None
    missing = [name for name, value in files.items() if not value]
    if missing:
        raise ConfigError(
            f"the writer link's TLS needs {', '.join(missing)} too",
            "set writer_ca, writer_cert and writer_key together in erfurt.toml, or none",
        )
    return WriterTLS(*(Path(value) for value in files.values()))


def writer_time_limit(config: ArchiveConfig) -> float:
    """Seconds a worker waits for the writer's answer (``writer_time_limit``);
    ConfigError unless it is at least 1."""
    if config.writer_time_limit < 1:
        raise ConfigError(
            f"writer_time_limit {config.writer_time_limit} is not a number of seconds",
            "set it in erfurt.toml to at least 1, e.g. 60 (the default)",
        )
    return float(config.writer_time_limit)


def workers_address(server: WriterAddress, config: ArchiveConfig) -> WriterAddress:
    """The address of this host's writer (``server``), as its own workers reach it: with
    the time limit of ``config``."""
    return replace(server, time_limit=writer_time_limit(config))


def writer_authkey(archive_path: Path, config: ArchiveConfig) -> bytes | None:
    """The writer's link key from ``writer_secret_file`` (made there when missing), or
    None when it is not set (a random key then). Raises ConfigError as
    :func:`erfurt.archive.load_link_key` does."""
    if not config.writer_secret_file:
        return None
    return load_link_key(Path(config.writer_secret_file), archive_root=archive_path, create=True)


def joined_writer(archive_path: Path, config: ArchiveConfig, join: str) -> WriterAddress:
    """The writer at ``join`` (HOST:PORT), reached with the TLS files and key file of
    ``config``, once it proved it writes the same archive.

    Raises ConfigError for a malformed address, a missing, unprotected or wrong key file,
    a certificate either end refuses, a writer that cannot be reached or does not answer
    within ``writer_time_limit``, or one that writes another archive.
    """
    host, port = _parse_address(join, "--join")
    if not config.writer_secret_file:
        raise ConfigError(
            "joining a writer on another host needs its key: writer_secret_file is not set",
            "set writer_secret_file in erfurt.toml to the path of a copy of the writer's "
            "key file (docs/deployment.md, Several hosts)",
        )
    authkey = load_link_key(
        Path(config.writer_secret_file), archive_root=archive_path, create=False
    )
    address = WriterAddress(host, port, authkey, writer_tls(config), writer_time_limit(config))
    client = WriterClient(address)
    try:
        origin = client.hello()
    finally:
        client.close()
    if origin != config.origin:
        raise ConfigError(
            f"the writer at {join} writes the archive {origin!r}, not this one ({config.origin!r})",
            "join the writer of this archive, or point --archive at the folder shared "
            "from its host",
        )
    return address
