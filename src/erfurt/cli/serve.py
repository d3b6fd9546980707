"""``erfurt serve``: the web interface and HTTP API of one archive."""

from __future__ import annotations

from pathlib import Path

import click

from erfurt.cli.escape import printable
from erfurt.cli.options import all_views, archive_option, database, key_file
from erfurt.cli.secret import secret_file_option


@click.command("serve")
@archive_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="The TCP port to listen on.",
)
@click.option(
    "--search-processes",
    default=0,
    show_default=True,
    type=click.IntRange(0, 64),
    help="Processes that answer searches beside the server's own (0: it answers them).",
)
@click.option(
    "--jobs",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes serving requests, on ports --port, --port + 1, ...; this one "
    "then writes for them (more than 1 needs the views in PostgreSQL).",
)
@click.option(
    "--join",
    metavar="HOST:PORT",
    envvar="ERFURT_JOIN",
    help="Run only workers here (--jobs of them), for the writer of this archive "
    "listening at HOST:PORT on another host (its writer_listen); needs the views in "
    "PostgreSQL, writer_secret_file and the writer link's TLS files "
    "(docs/deployment.md).",
)
@secret_file_option
def serve_command(
    archive_path: Path,
    host: str,
    port: int,
    search_processes: int,
    jobs: int,
    join: str | None,
    secret_file: Path,
) -> None:
    """Serve the archive's web pages and API (loopback only unless --host says otherwise).

    All writes go through one in-process writer; `erfurt users` manages who may log in.
    Volunteers' calls, identities and the API's Idempotency-Key are hashed with the
    registry secret (--secret-file); without one the calls pages are off, and the API
    refuses identities and idempotency keys (`erfurt outreach log` creates it). With
    --jobs N and the views in PostgreSQL, N worker processes answer requests (put a
    reverse proxy in front: docs/deployment.md); with --join, they serve here for a
    writer on another host.
    """
    if not secret_file.exists():
        click.echo(
            f"No registry secret at {printable(str(secret_file))}: the calls pages are off, "
            "and the API refuses identities and Idempotency-Key headers (503) "
            "(pass --secret-file, or create one with `erfurt outreach log`)",
            err=True,
        )
    last = f"-{port + jobs - 1}" if jobs > 1 else ""
    if join:
        click.echo(f"Joining the archive's writer at {printable(join)}", err=True)
    click.echo(f"Serving {archive_path} at http://{host}:{port}{last}/ (Ctrl-C stops)", err=True)
    known = secret_file if secret_file.exists() else None
    # Imported here: the web stack (FastAPI and its templates) takes longer to import than
    # the rest of the CLI together, and every other command would pay for it at start.
    from erfurt.web import serve

    serve(
        archive_path,
        views=all_views(),
        host=host,
        port=port,
        secret_file=known,
        search_processes=search_processes,
        database=database(),
        jobs=jobs,
        key_file=key_file(),
        join=join or None,
    )
