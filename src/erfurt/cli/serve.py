"""``erfurt serve``: the web interface and HTTP API of one archive."""

from __future__ import annotations

from pathlib import Path

import click

from erfurt.cli.options import all_views, archive_option
from erfurt.web import serve


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
def serve_command(archive_path: Path, host: str, port: int) -> None:
    """Serve the archive's web pages and API (loopback only unless --host says otherwise).

    All writes go through one in-process writer; `erfurt users` manages who may log in.
    """
    click.echo(f"Serving {archive_path} at http://{host}:{port}/ (Ctrl-C stops)", err=True)
    serve(archive_path, views=all_views(), host=host, port=port)
