"""The archive's settings: one table, one loader.

Settings live in ``ARCHIVE/erfurt.toml``. Each is declared once in :data:`SETTINGS`
(name, type, default, help); ``docs/configuration.md`` documents every one, and a test
checks that it does.

    >>> config = ArchiveConfig.from_toml('origin = "example.org/archive"\\n')
    >>> config.origin, config.max_file_size
    ('example.org/archive', 2147483648)
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from erfurt.errors import ConfigError

__all__ = ["SETTINGS", "ArchiveConfig", "Setting"]

_KIND_NAMES = {str: "text", int: "a whole number", bool: "true or false", tuple: "a list"}


INCIDENT_KINDS = (
    "killing",
    "detention",
    "disappearance",
    "torture",
    "destruction of records",
    "order issued",
)


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting of ``erfurt.toml``."""

    name: str
    type: type
    default: Any
    help: str
    minimum: int | None = None
    """The least value an int setting takes (sizes, counts and seconds are never negative)."""


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "origin",
        str,
        "",
        "The log's origin line: a schema-less URL naming this log, fixed at `erfurt init`.",
    ),
    Setting(
        "vkey",
        str,
        "",
        "The log's verifier key, fixed at `erfurt init`: a signing key must match it, and "
        "`erfurt verify --archive` pins it.",
    ),
    Setting(
        "blobs",
        str,
        "",
        "Where blobs are kept: empty for the archive's blobs/ folder, or an S3-compatible "
        'store, "s3://bucket/prefix" (credentials and endpoint from the AWS environment: '
        "AWS_ACCESS_KEY_ID, AWS_PROFILE, AWS_ENDPOINT_URL_S3; never written here).",
    ),
    Setting(
        "publish",
        str,
        "",
        'Where `erfurt log publish` copies the log: "s3://bucket/prefix" (the files keep '
        "their paths under it; the checkpoint goes last).",
    ),
    Setting(
        "database",
        str,
        "",
        "Where the views are kept: empty for the archive's views/views.sqlite, or a "
        'PostgreSQL database, "postgresql://user@host:5432/dbname" (a password is better '
        "kept in ~/.pgpass or PGPASSWORD than here; ERFURT_DATABASE_URL overrides this).",
    ),
    Setting(
        "max_file_size",
        int,
        2 * 1024**3,
        "Largest file `erfurt add` preserves, in bytes; larger files are refused by name.",
        minimum=1,
    ),
    Setting(
        "extract_max_size",
        int,
        512 * 1024**2,
        "Largest file whose text is extracted, in bytes; larger ones are preserved without text.",
        minimum=1,
    ),
    Setting(
        "extract_time_limit",
        int,
        300,
        "Seconds one file's text extraction (OCR included) may take before it is stopped.",
        minimum=1,
    ),
    Setting(
        "extract_memory_limit",
        int,
        2 * 1024**3,
        "Bytes of address space each extraction worker may use (RLIMIT_AS); a file that "
        "needs more is recorded as failed instead of exhausting the machine.",
        minimum=1,
    ),
    Setting(
        "extract_expand_bytes",
        int,
        256 * 1024**2,
        "Bytes that everything inside one added file (zip members, attachments, at every "
        "nesting level together) may unpack to.",
        minimum=1,
    ),
    Setting(
        "extract_expand_ratio",
        int,
        100,
        "Everything inside one added file may unpack to at most this many times its size "
        "(but always to 16 MiB).",
        minimum=1,
    ),
    Setting(
        "extract_expand_members",
        int,
        1_000,
        "Files that may be unpacked from one added file, at every nesting level together.",
        minimum=0,
    ),
    Setting(
        "extract_expand_depth",
        int,
        5,
        "Levels of containers inside containers that are unpacked.",
        minimum=0,
    ),
    Setting(
        "extract_max_page_pixels",
        int,
        50_000_000,
        "Largest image, in pixels, a PDF page is rendered to for OCR; larger pages are "
        "rendered at a lower resolution.",
        minimum=1,
    ),
    Setting(
        "organisations",
        tuple,
        ("Party", "Youth League", "Young Pioneers"),
        "The organisations a declaration may name as left (the registry's own list).",
    ),
    Setting(
        "incident_kinds",
        tuple,
        INCIDENT_KINDS,
        "The kinds an incident may be recorded as (`erfurt incidents add --kind`).",
    ),
    Setting(
        "statement_max_bytes",
        int,
        16_384,
        "Largest declaration statement, in UTF-8 bytes; longer ones are refused.",
        minimum=1,
    ),
    Setting(
        "engine",
        str,
        "local",
        "Where `erfurt screen`, `add` and `reextract` run their batch work: local (this "
        "machine's processes), dask (a Dask cluster started on this machine for the job) "
        "or dask://HOST:PORT (the scheduler of a running Dask cluster; docs/engine.md), "
        "tls://HOST:PORT for one reached over TLS. --engine overrides it.",
    ),
    Setting(
        "engine_ca",
        str,
        "",
        "For a tls:// engine: the PEM file of the CA that signed the cluster's "
        "certificates (an absolute path). --engine-ca overrides it.",
    ),
    Setting(
        "engine_cert",
        str,
        "",
        "For a tls:// engine: this client's PEM certificate, signed by that CA. "
        "--engine-cert overrides it.",
    ),
    Setting(
        "engine_key",
        str,
        "",
        "For a tls:// engine: the PEM private key of that certificate (keep it readable "
        "by you only). --engine-key overrides it.",
    ),
    Setting(
        "writer_listen",
        str,
        "",
        "Where the writer of `erfurt serve --jobs N` listens for its workers, HOST:PORT; "
        "empty: a free loopback port. Off loopback, writer_ca, writer_cert and writer_key "
        "are required.",
    ),
    Setting(
        "writer_ca",
        str,
        "",
        "The PEM file of the CA that signed the writer's and the workers' certificates "
        "(an absolute path); set with writer_cert and writer_key, the writer link is TLS.",
    ),
    Setting(
        "writer_cert",
        str,
        "",
        "This host's PEM certificate for the writer link, signed by writer_ca; the "
        "writer's must name the address the workers connect to.",
    ),
    Setting(
        "writer_key",
        str,
        "",
        "The PEM private key of writer_cert (keep it readable by the server only).",
    ),
    Setting(
        "writer_secret_file",
        str,
        "",
        "The file holding the writer link's key (an absolute path outside the archive, "
        "mode 0600), for workers on other hosts (`erfurt serve --join`): the writer makes "
        "it on its first start; copy it to each worker host. Empty: a new random key at "
        "each start, handed only to the workers the writer starts.",
    ),
    Setting(
        "writer_time_limit",
        int,
        60,
        "Seconds a worker of `erfurt serve` waits for the writer to answer one request "
        "(an append, a login, a session check), connecting included; past it the request "
        "fails with 503 and the worker connects again for the next.",
        minimum=1,
    ),
    Setting(
        "lock_wait",
        int,
        120,
        "Seconds a command waits for another erfurt process writing to the archive to "
        "finish its batch, before it gives up.",
        minimum=0,
    ),
    Setting(
        "witnesses",
        tuple,
        (),
        "Witnesses asked to cosign each checkpoint, one per entry: its URL, then its "
        "verifier keys, space-separated (added by `erfurt log witness add`).",
    ),
    Setting(
        "timestamp_authorities",
        tuple,
        (),
        "RFC 3161 Time-Stamping Authorities asked to timestamp checkpoints, one per entry: "
        "a name, its URL and its root certificate (added by `erfurt log tsa add`).",
    ),
    Setting(
        "attest_interval",
        int,
        60,
        "Seconds between the rounds in which `erfurt serve` has each new checkpoint "
        "timestamped and cosigned by the TSAs and witnesses above (longer after a "
        "failure); 0 turns it off.",
        minimum=0,
    ),
)


@dataclass(frozen=True, slots=True)
class ArchiveConfig:
    """The settings of one archive, with defaults for anything unset."""

    origin: str = ""
    vkey: str = ""
    blobs: str = ""
    publish: str = ""
    database: str = ""
    max_file_size: int = 2 * 1024**3
    extract_max_size: int = 512 * 1024**2
    extract_time_limit: int = 300
    extract_memory_limit: int = 2 * 1024**3
    extract_expand_bytes: int = 256 * 1024**2
    extract_expand_ratio: int = 100
    extract_expand_members: int = 1_000
    extract_expand_depth: int = 5
    extract_max_page_pixels: int = 50_000_000
    organisations: tuple[str, ...] = ("Party", "Youth League", "Young Pioneers")
    incident_kinds: tuple[str, ...] = INCIDENT_KINDS
    statement_max_bytes: int = 16_384
    engine: str = "local"
    engine_ca: str = ""
    engine_cert: str = ""
    engine_key: str = ""
    writer_listen: str = ""
    writer_ca: str = ""
    writer_cert: str = ""
    writer_key: str = ""
    writer_secret_file: str = ""
    writer_time_limit: int = 60
    lock_wait: int = 120
    witnesses: tuple[str, ...] = ()
    timestamp_authorities: tuple[str, ...] = ()
    attest_interval: int = 60

    @classmethod
    def from_toml(cls, text: str, *, source: str = "erfurt.toml") -> ArchiveConfig:
        """Parse settings from TOML text.

        Raises :class:`ConfigError` naming ``source`` for malformed TOML, an unknown setting
        or a value of the wrong type.
        """
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(
                f"{source}: {exc}", "fix the TOML syntax, or restore the file from a backup"
            ) from exc
        known = {s.name: s for s in SETTINGS}
        values: dict[str, Any] = {}
        for key, value in data.items():
            setting = known.get(key)
            if setting is None:
                raise ConfigError(
                    f"{source}: unknown setting {key!r}",
                    f"known settings: {', '.join(sorted(known))} (see docs/configuration.md)",
                )
            if setting.type is tuple:
                value = _string_list(value, f"{source}: {key}")
            if not isinstance(value, setting.type) or isinstance(value, bool) != (
                setting.type is bool
            ):
                raise ConfigError(
                    f"{source}: {key} must be {_KIND_NAMES[setting.type]}, not {value!r}",
                    "see docs/configuration.md",
                )
            if setting.minimum is not None and isinstance(value, int) and value < setting.minimum:
                raise ConfigError(
                    f"{source}: {key} must be at least {setting.minimum}, not {value}",
                    f"{setting.help} (see docs/configuration.md)",
                )
            values[key] = value
        if _has_password(values.get("database", "")):
            raise ConfigError(
                f"{source}: the database URL carries a password, and erfurt.toml travels "
                "with the archive",
                "remove it from the URL and put it in ~/.pgpass or PGPASSWORD, or pass the "
                "whole URL in ERFURT_DATABASE_URL",
            )
        return cls(**values)

    @classmethod
    def load(cls, path: Path) -> ArchiveConfig:
        """Read settings from ``path``; raises :class:`ConfigError` if it cannot be read."""
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(
                f"cannot read {path}: {exc.strerror}",
                "is this an Erfurt archive? create one with `erfurt init`",
            ) from exc
        return cls.from_toml(text, source=str(path))

    def to_toml(self) -> str:
        """The settings as TOML, one commented line per setting."""
        lines = []
        for setting in SETTINGS:
            value = getattr(self, setting.name)
            encoded = json.dumps(value, ensure_ascii=False)
            lines += [f"# {setting.help}", f"{setting.name} = {encoded}", ""]
        return "\n".join(lines)

    def with_changes(self, **changes: Any) -> ArchiveConfig:
        """A copy with some settings changed."""
        return replace(self, **changes)


def _has_password(url: str) -> bool:
    """Whether a connection URL carries a password (``user:password@``, or ``password=``)."""
    return bool(re.search(r"://[^/@]*:[^/@]*@|[?&]password=", url))


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    """A TOML array of non-empty strings, as a tuple."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(
            f'{where} must be a list of names, like ["Party", "Youth League"]',
            "see docs/configuration.md",
        )
    return tuple(value)
