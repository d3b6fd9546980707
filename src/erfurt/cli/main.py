"""The root command group and the entry point that turns errors into messages."""

from __future__ import annotations

import click

import erfurt


@click.group()
@click.version_option(erfurt.__version__, prog_name="erfurt")
def cli() -> None:
    """Preserve records in a verifiable, append-only archive."""


def main(args: list[str] | None = None) -> None:
    """Run the command line with ``args`` (default: ``sys.argv[1:]``)."""
    cli.main(args=args, prog_name="erfurt")
