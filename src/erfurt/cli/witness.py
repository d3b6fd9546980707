"""Witnesses: ``erfurt log witness …`` (the archive's side) and ``erfurt witness …`` (a witness).

An archive asks the witnesses in its ``witnesses`` setting to cosign its checkpoint; a
witness (``erfurt witness serve``) cosigns a log's checkpoints only while they extend
one another. Two archives can witness each other.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from erfurt.archive import (
    LogForkError,
    LogUnavailableError,
    MonitorResult,
    WitnessSpec,
    create_witness_keys,
    monitor_published_log,
    parse_witness_keys,
    witness_checkpoint,
    witness_server,
)
from erfurt.cli.escape import printable
from erfurt.cli.options import (
    archive_option,
    emit_error,
    emit_json,
    json_option,
    key_file_option,
    open_archive,
    save_archive_setting,
)
from erfurt.errors import InputError, IntegrityError

__all__ = ["log_monitor", "log_witness", "witness"]

EXIT_FORK = 4
"""Exit code when a log is caught forked or rolled back (by a witness or the monitor)."""


@click.group("witness")
def log_witness() -> None:
    """The witnesses that cosign this archive's checkpoints."""


@log_witness.command("add")
@archive_option
@click.argument("url")
@click.argument("vkeys", nargs=-1, required=True)
def witness_add(archive_path: Path, url: str, vkeys: tuple[str, ...]) -> None:
    """Ask the witness at URL to cosign from now on; VKEYS are its verifier keys.

    The change takes effect at the next `erfurt log witness submit`.
    """
    if not url.startswith(("http://", "https://")):
        raise InputError(f"{url!r} is not an http:// or https:// address", "give the witness's URL")
    spec = WitnessSpec(url.rstrip("/"), parse_witness_keys(vkeys, source="witness key"))
    with open_archive(archive_path, catch_up=False) as archive:
        entries = [e for e in archive.config.witnesses if e.split()[0] != spec.url]
    save_archive_setting(archive_path, witnesses=(*entries, spec.entry()))
    click.echo(f"added witness {printable(spec.url)} ({len(spec.keys)} keys)", err=True)


@log_witness.command("remove")
@archive_option
@click.argument("url")
def witness_remove(archive_path: Path, url: str) -> None:
    """Stop asking the witness at URL."""
    with open_archive(archive_path, catch_up=False) as archive:
        entries = tuple(e for e in archive.config.witnesses if e.split()[0] != url.rstrip("/"))
        if len(entries) == len(archive.config.witnesses):
            raise InputError(
                f"no witness {url!r} in this archive", "see them with `erfurt log witness list`"
            )
    save_archive_setting(archive_path, witnesses=entries)


@log_witness.command("list")
@archive_option
@json_option
def witness_list(archive_path: Path, as_json: bool) -> None:
    """The witnesses configured, with their keys."""
    with open_archive(archive_path, catch_up=False) as archive:
        specs = [WitnessSpec.parse(entry) for entry in archive.config.witnesses]
    if as_json:
        emit_json([{"url": s.url, "vkeys": [k.vkey for k in s.keys]} for s in specs])
        return
    for spec in specs:
        click.echo(spec.url)
        for key in spec.keys:
            click.echo(f"  {key.algorithm}: {key.vkey}")


@log_witness.command("submit")
@archive_option
@click.option(
    "--timeout", default=10.0, show_default=True, help="Seconds to wait for each witness."
)
@json_option
def witness_submit(archive_path: Path, timeout: float, as_json: bool) -> None:
    """Ask every witness to cosign the current checkpoint, and keep their cosignatures.

    Receipts and packages made afterwards carry the cosignatures. Exit codes: 0 every
    witness cosigned; 1 a witness was unreachable or refused (try again later; the log
    is unchanged); 4 a witness has cosigned a larger tree than this log holds (the log
    was rolled back or forked: keep the witness's answer as evidence).
    """
    with open_archive(archive_path) as archive:
        if not archive.config.witnesses:
            raise InputError(
                "this archive has no witnesses", "add one with `erfurt log witness add URL VKEY`"
            )
        result = witness_checkpoint(archive, timeout=timeout)
    if as_json:
        emit_json(
            {
                "tree_size": result.tree_size,
                "stored": result.stored,
                "witnesses": [o.to_json() for o in result.outcomes],
            }
        )
    else:
        for outcome in result.outcomes:
            if outcome.problem:
                click.echo(f"FAIL: {printable(outcome.problem)}", err=True)
            else:
                names = ", ".join(sorted({c.algorithm for c in outcome.cosignatures}))
                click.echo(f"cosigned by {printable(outcome.url)} ({names})", err=True)
        if not result.stored and any(o.cosignatures for o in result.outcomes):
            click.echo(
                f"the log moved on meanwhile: the cosignatures are kept with the checkpoint of "
                f"{result.tree_size} records (receipts for its records use it); submit again "
                "for the current one",
                err=True,
            )
    if any(o.fork_evidence for o in result.outcomes):
        raise click.exceptions.Exit(EXIT_FORK)
    if any(o.problem for o in result.outcomes):
        raise click.exceptions.Exit(1)


@click.group()
def witness() -> None:
    """Run a witness: cosign other logs' checkpoints while they only grow."""


@witness.command()
@click.argument("name")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write the private keys to (created with mode 0600; never overwritten).",
)
def keygen(name: str, out: Path) -> None:
    """Create a witness's keys named NAME (Ed25519 and ML-DSA-44); print the verifier keys."""
    for cosigner in create_witness_keys(out, name):
        click.echo(cosigner.verifier.vkey)


@witness.command()
@key_file_option("The key file written by `erfurt witness keygen`.")
@click.option(
    "--state",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder where the latest checkpoint of each log is kept (created if missing).",
)
@click.option(
    "--log",
    "log_vkeys",
    multiple=True,
    required=True,
    help="Verifier key of a log to witness (repeat for more logs); see `erfurt log vkey`.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8500,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="The TCP port to listen on (0: any free port, printed at start).",
)
def serve(key_path: Path, state: Path, log_vkeys: tuple[str, ...], host: str, port: int) -> None:
    """Serve the tlog-witness API: POST /add-checkpoint.

    Each log is known by its origin, which is its verifier key's name. The witness
    cosigns a checkpoint only if it extends the last one it cosigned for that log, and
    keeps refused but properly signed checkpoints in STATE/evidence/.
    """
    server, service = witness_server(key_path, state, log_vkeys, host, port)
    click.echo(
        f"witness {service.cosigners[0].name} for {', '.join(sorted(service.logs))} on "
        f"http://{host}:{server.server_address[1]}/add-checkpoint",
        err=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@click.command("monitor")
@click.argument("url")
@click.option(
    "--vkey", required=True, help="The log's verifier key to pin (see `erfurt log vkey`)."
)
@click.option(
    "--state",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder where the last checkpoint seen, and any evidence, is kept (created if missing).",
)
@click.option(
    "--interval",
    type=click.IntRange(min=1),
    help="Check again every this many seconds until stopped [default: check once].",
)
@json_option
def log_monitor(url: str, vkey: str, state: Path, interval: int | None, as_json: bool) -> None:
    """Follow the log published at URL: each checkpoint must extend the one seen before.

    Works with any C2SP tiled log served over HTTP (another organisation's Erfurt
    included). Exit codes: 0 consistent (or first seen); 1 the log could not be read or
    its checkpoint does not verify with --vkey; 4 a fork or rollback: both signed
    checkpoints are kept in STATE as evidence.
    """
    while True:
        try:
            result = monitor_published_log(url, vkey, state)
        except LogForkError as exc:
            emit_error(IntegrityError(str(exc), "keep the evidence folder"), as_json, label="FORK")
            raise click.exceptions.Exit(EXIT_FORK) from exc
        except LogUnavailableError as exc:
            if interval is None:
                raise InputError(str(exc), "check the URL and the key; try again later") from exc
            click.echo(f"warning: {printable(str(exc))}", err=True)
        else:
            _say_seen(result, as_json)
        if interval is None:
            return
        time.sleep(interval)


def _say_seen(result: MonitorResult, as_json: bool) -> None:
    now, before = result.current, result.previous
    if as_json:
        emit_json(
            {
                "origin": now.origin,
                "tree_size": now.tree_size,
                "previous_size": before.tree_size if before else None,
                "consistent": True,
            }
        )
    elif before is None:
        click.echo(f"first seen: {printable(now.origin)} at {now.tree_size} records", err=True)
    else:
        click.echo(
            f"OK: {printable(now.origin)} grew from {before.tree_size} to {now.tree_size} "
            "records, consistently",
            err=True,
        )
