"""``erfurt log tsa …`` and ``erfurt log timestamp``: RFC 3161 timestamps of checkpoints."""

from __future__ import annotations

from pathlib import Path

import click

from erfurt.archive import TimestampAuthority, load_root_certificate, timestamp_checkpoint
from erfurt.cli.escape import printable
from erfurt.cli.options import (
    archive_option,
    emit_json,
    json_option,
    open_archive,
    save_archive_setting,
)
from erfurt.errors import InputError

__all__ = ["log_timestamp", "log_tsa"]


@click.group("tsa")
def log_tsa() -> None:
    """The Time-Stamping Authorities that timestamp this archive's checkpoints."""


@log_tsa.command("add")
@archive_option
@click.argument("name")
@click.argument("url")
@click.argument("root", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def tsa_add(archive_path: Path, name: str, url: str, root: Path) -> None:
    """Timestamp checkpoints with the TSA NAME at URL, trusting its ROOT certificate.

    NAME labels its timestamps (no spaces or '+'); ROOT is the PEM or DER certificate
    its operator publishes.
    """
    if not url.startswith(("http://", "https://")):
        raise InputError(f"{url!r} is not an http:// or https:// address", "give the TSA's URL")
    if not name or any(c.isspace() or c == "+" for c in name):
        raise InputError(f"TSA name {name!r} has a space or '+'", "use a name like tsa.example.org")
    tsa = TimestampAuthority(name, url, load_root_certificate(root.read_bytes(), source=str(root)))
    with open_archive(archive_path, catch_up=False) as archive:
        kept = [e for e in archive.config.timestamp_authorities if e.split()[0] != name]
    save_archive_setting(archive_path, timestamp_authorities=(*kept, tsa.entry()))
    click.echo(f"added TSA {printable(name)} ({printable(url)})", err=True)


@log_tsa.command("list")
@archive_option
@json_option
def tsa_list(archive_path: Path, as_json: bool) -> None:
    """The TSAs configured, with their root certificates' subjects."""
    with open_archive(archive_path, catch_up=False) as archive:
        authorities = [TimestampAuthority.parse(e) for e in archive.config.timestamp_authorities]
    rows = [
        {"name": t.name, "url": t.url, "root": t.root.subject.rfc4514_string()} for t in authorities
    ]
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        click.echo(
            f"{printable(row['name'])}  {printable(row['url'])}  root: {printable(row['root'])}"
        )


@log_tsa.command("remove")
@archive_option
@click.argument("name")
def tsa_remove(archive_path: Path, name: str) -> None:
    """Stop asking the TSA NAME."""
    with open_archive(archive_path, catch_up=False) as archive:
        entries = archive.config.timestamp_authorities
    kept = tuple(e for e in entries if e.split()[0] != name)
    if len(kept) == len(entries):
        raise InputError(f"no TSA {name!r} in this archive", "see them with `erfurt log tsa list`")
    save_archive_setting(archive_path, timestamp_authorities=kept)


@click.command("timestamp")
@archive_option
@click.option("--timeout", default=10.0, show_default=True, help="Seconds to wait for each TSA.")
@json_option
def log_timestamp(archive_path: Path, timeout: float, as_json: bool) -> None:
    """Timestamp the current checkpoint with every TSA, and keep the tokens on it.

    Appends never wait for this: run it after a batch, or every few minutes (cron). Each
    token is verified before it is kept; receipts made afterwards carry it, and
    `erfurt verify --tsa-root ROOT.pem` reports "logged no later than T". Exit codes: 0
    every TSA answered; 1 one was unreachable or its token did not verify (nothing of
    its is kept; try again later).
    """
    with open_archive(archive_path) as archive:
        if not archive.config.timestamp_authorities:
            raise InputError(
                "this archive has no timestamp authority",
                "add one with `erfurt log tsa add NAME URL ROOT.pem`",
            )
        size, outcomes = timestamp_checkpoint(archive, timeout=timeout)
    if as_json:
        emit_json(
            {
                "tree_size": size,
                "authorities": [o.to_json() for o in outcomes],
            }
        )
    else:
        for o in outcomes:
            if o.timestamp:
                when = o.timestamp.time.strftime("%Y-%m-%dT%H:%M:%SZ")
                click.echo(
                    f"timestamped by {printable(o.name)} at {when} ({size} records)", err=True
                )
            else:
                click.echo(f"FAIL: {printable(o.problem)}", err=True)
    if any(o.problem for o in outcomes):
        raise click.exceptions.Exit(1)
