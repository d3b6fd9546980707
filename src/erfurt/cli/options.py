"""Options every command shares, and opening the archive with every feature's views."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from erfurt.archive import JSON, Archive, ArchivePaths, RequestsView, View
from erfurt.cli.escape import printable
from erfurt.config import ArchiveConfig
from erfurt.declarations import DeclarationsView
from erfurt.engine import Engine, EngineSpec, EngineTLS
from erfurt.entities import EntitiesView
from erfurt.errors import ConfigError, ErfurtError, InputError, VerificationError
from erfurt.incidents import IncidentsView
from erfurt.ingest import DocumentsView, ExtractionsView
from erfurt.names import NamesView
from erfurt.outreach import OutreachView
from erfurt.redaction import RedactionsView
from erfurt.search import SearchView

__all__ = [
    "EXIT_UNPINNED",
    "all_views",
    "archive_option",
    "archive_vkey",
    "emit_error",
    "emit_json",
    "engine_option",
    "exit_failed_verification",
    "exit_unpinned",
    "jobs_option",
    "json_option",
    "key_file",
    "key_file_option",
    "open_archive",
    "quiet_option",
    "reading_text",
    "save_archive_setting",
    "started_engine",
    "unredacted_option",
    "value_or_stdin",
    "who_option",
]

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_ARCHIVE = "erfurt-archive"

EXIT_UNPINNED = 3
"""Exit code of a verification that holds only for a key the user did not pin."""


def all_views() -> list[View]:
    """The views of every feature, kept up to date whenever the CLI opens an archive."""
    return [
        DocumentsView(),
        ExtractionsView(),
        SearchView(),
        NamesView(),
        DeclarationsView(),
        OutreachView(),
        IncidentsView(),
        EntitiesView(),
        RedactionsView(),
        RequestsView(),
    ]


def key_file() -> Path | None:
    """The signing key given with ``erfurt --key-file`` (or ``ERFURT_KEY_FILE``), if any."""
    ctx = click.get_current_context(silent=True)
    found = ctx.meta.get("erfurt.key_file") if ctx else None
    return Path(found) if found else None


def database() -> str | None:
    """The views database given with ``erfurt --database`` (or ``ERFURT_DATABASE_URL``)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.meta.get("erfurt.database") if ctx else None
    return str(found) if found else None


def open_archive(path: Path, *, catch_up: bool = True) -> Archive:
    """Open the archive at ``path`` with every feature's views (caught up unless told not)."""
    return Archive.open(
        path, views=all_views(), catch_up=catch_up, key_file=key_file(), database=database()
    )


def save_archive_setting(path: Path, **changes: Any) -> None:
    """Change settings in the archive's ``erfurt.toml`` (written whole, then renamed)."""
    paths = ArchivePaths(path)
    config = ArchiveConfig.load(paths.config).with_changes(**changes)
    temp = paths.config.with_name(paths.config.name + ".new")
    temp.write_text(config.to_toml(), encoding="utf-8")
    temp.replace(paths.config)


def archive_vkey(path: Path) -> str | None:
    """The verifier key of the archive at ``path``, or None when no archive is there."""
    if not ArchivePaths(path).config.is_file():
        return None
    with Archive.open(path, catch_up=False) as archive:
        return archive.vkey


def _remember_json(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    ctx.meta["erfurt.json"] = value
    return value


def archive_option(func: F) -> F:
    """``--archive PATH`` (default ``$ERFURT_ARCHIVE``, else ``./erfurt-archive``)."""
    return click.option(
        "--archive",
        "archive_path",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="ERFURT_ARCHIVE",
        default=DEFAULT_ARCHIVE,
        show_default=True,
        show_envvar=True,
        help="The archive folder.",
    )(func)


def json_option(func: F) -> F:
    """``--json``: print results as JSON on stdout (errors too, as {ok, error, hint})."""
    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        expose_value=True,
        callback=_remember_json,
        help="Print results as JSON on stdout.",
    )(func)


def jobs_option(func: F) -> F:
    """``--jobs N``: how many worker processes (default: one per core)."""
    return click.option(
        "--jobs",
        type=click.IntRange(1, 256),
        help="Worker processes [default: one per core].",
    )(func)


def engine_option(func: F) -> F:
    """``--engine ENGINE``: where a batch runs (default: ``engine`` in erfurt.toml), and
    ``--engine-ca``, ``--engine-cert``, ``--engine-key``: the PEM files of a tls:// one
    (kept for :func:`started_engine`, not passed to the command)."""
    for name, what in reversed(_ENGINE_TLS_FILES):
        func = click.option(
            f"--engine-{name}",
            type=click.Path(dir_okay=False, path_type=Path),
            envvar=f"ERFURT_ENGINE_{name.upper()}",
            show_envvar=True,
            expose_value=False,
            callback=_remember_tls_file,
            help=f"For a tls:// engine: {what} [default: `engine_{name}` in erfurt.toml].",
        )(func)
    return click.option(
        "--engine",
        envvar="ERFURT_ENGINE",
        show_envvar=True,
        help="Where the batch runs: local (this machine's processes), dask (a Dask cluster "
        "started here, --jobs workers), dask://HOST:PORT (a running Dask scheduler) or "
        "tls://HOST:PORT (one reached over TLS) "
        "[default: `engine` in erfurt.toml, else local].",
    )(func)


_ENGINE_TLS_FILES = (
    ("ca", "the PEM file of the CA that signed the cluster's certificates"),
    ("cert", "this client's PEM certificate, signed by that CA"),
    ("key", "the PEM private key of that certificate"),
)


def _remember_tls_file(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.meta[f"erfurt.{param.name}"] = value


def _engine_tls(config: ArchiveConfig) -> EngineTLS | None:
    """The TLS files the options (else erfurt.toml) name; None if none is named."""
    meta = click.get_current_context().meta
    files = {
        name: meta.get(f"erfurt.engine_{name}") or getattr(config, f"engine_{name}")
        for name, _ in _ENGINE_TLS_FILES
    }
    missing = [f"--engine-{name}" for name, path in files.items() if not path]
    if len(missing) == len(files):
        return None
    if missing:
        raise ConfigError(
            f"the engine's TLS needs three files; {', '.join(missing)} is missing",
            "give --engine-ca, --engine-cert and --engine-key (or engine_ca, engine_cert "
            "and engine_key in erfurt.toml)",
        )
    return EngineTLS(Path(files["ca"]), Path(files["cert"]), Path(files["key"]))


@contextmanager
def started_engine(
    chosen: str | None, config: ArchiveConfig, jobs: int | None
) -> Iterator[Engine | None]:
    """The distributed engine ``--engine`` (else the archive's ``engine``) names,
    started or connected for the command (over TLS for a tls:// one); None for the
    local one."""
    spec = EngineSpec.parse(chosen if chosen is not None else config.engine)
    if not spec.distributed:
        yield None
        return
    tls = _engine_tls(config) if spec.address else None  # a local cluster: loopback only
    with Engine.start(spec, workers=jobs, tls=tls) as engine:
        yield engine


def key_file_option(what: str) -> Callable[[F], F]:
    """``--key-file PATH`` (required, an existing file): the private key ``what`` says."""
    return click.option(
        "--key-file",
        "key_path",
        required=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help=what,
    )


def unredacted_option(func: F) -> F:
    """``--unredacted``: what the archive holds, the redactions in force not applied."""
    return click.option(
        "--unredacted",
        is_flag=True,
        help="Give the original, redactions not applied (for staff or a court, never for "
        "publishing) [default: what is redacted is masked or left out].",
    )(func)


def published_option(help_text: str) -> Callable[[F], F]:
    """``--published SOURCE``: a published log, a folder or ``s3://bucket/prefix``."""

    def convert(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | str | None:
        if value is None or value.startswith("s3://"):
            return value
        return click.Path(exists=True, file_okay=False, path_type=Path).convert(value, param, ctx)

    return click.option(
        "--published",
        metavar="FOLDER|s3://BUCKET/PREFIX",
        callback=convert,
        help=help_text,
    )


def quiet_option(func: F) -> F:
    """``--quiet``: no progress display (messages and the summary still go to stderr)."""
    return click.option(
        "--quiet",
        is_flag=True,
        help="Show no progress (failures and the summary are still shown).",
    )(func)


def who_option(func: F) -> F:
    """``--who NAME``: who is doing this, as recorded in the log."""
    return click.option(
        "--who",
        envvar="ERFURT_WHO",
        default=getpass.getuser,
        show_envvar=True,
        help="Who is doing this, as recorded in the log [default: your user name].",
    )(func)


def value_or_stdin(value: str) -> str:
    """``value``, or for ``-`` one line read from stdin (keeps it out of shell history)."""
    return sys.stdin.readline().rstrip("\r\n") if value == "-" else value


@contextmanager
def reading_text(path: Path, expected: str, hint: str = "") -> Iterator[None]:
    """Turn a decoding failure while reading ``path`` into an InputError saying what a
    file there should be (``expected``, e.g. "a CSV file")."""
    try:
        yield
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{printable(str(path))}: not {expected}: byte {exc.object[exc.start]:#04x} is not"
            " UTF-8 text",
            hint or f"give {expected}, saved as UTF-8 text",
        ) from exc


def emit_json(value: JSON) -> None:
    """Print one JSON document (or one JSON Lines row) on stdout."""
    click.echo(json.dumps(value, ensure_ascii=False, sort_keys=False))


def emit_error(error: ErfurtError, as_json: bool, *, label: str = "Error") -> None:
    """Show an error: ``LABEL: message`` and ``Hint: hint`` on stderr, or the JSON error shape."""
    if as_json:
        emit_json({"ok": False, "error": error.message, "hint": error.hint or None})
        return
    click.echo(f"{label}: {printable(error.message)}", err=True)
    if error.hint:
        click.echo(f"Hint: {printable(error.hint)}", err=True)


def exit_failed_verification(error: VerificationError, as_json: bool) -> NoReturn:
    """Report a verification that failed as ``FAIL: …`` (or JSON) and exit with 1."""
    emit_error(error, as_json, label="FAIL")
    raise click.exceptions.Exit(1) from error


def exit_unpinned(vkey: str | None, as_json: bool, proved: JSON) -> NoReturn:
    """Report a verification that has no pinned key to hold to, and exit with 3.

    "No policy, no verify": a valid signature by whatever key the thing carries (``vkey``)
    proves nothing about who signed it, and a receipt carries no key at all (None), so
    neither is ever reported as success.
    """
    if vkey is None:
        message = "a receipt carries no key, so its signature cannot be checked until you pin one"
    else:
        message = f"signature valid for key {vkey}, which you have not pinned"
    error = VerificationError(
        message,
        "pass --vkey with the key the archive publishes (`erfurt log vkey` on it), "
        "or --archive for the archive it came from",
    )
    if as_json:
        emit_json(
            {
                "ok": False,
                "pinned": False,
                "error": error.message,
                "hint": error.hint,
                "vkey": vkey,
                "proved": proved,
            }
        )
    else:
        emit_error(error, False, label="UNPINNED")
    raise click.exceptions.Exit(EXIT_UNPINNED)
