"""The root command group, and the one place errors become messages and exit codes.

Exit codes: 0 success; 1 an error the user can act on (or a failed verification);
2 a usage error; 3 a verification that holds only for a key the user did not pin;
130 interrupted (Ctrl-C), with a word on what is kept; a bug exits 1 with a traceback
and a request to report it. When the reader of the
output goes away (``erfurt search ... | head``), Click's own handler ends the command
quietly (exit 1): a broken pipe is neither the user's error nor a bug.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from typing import Any

import click

import erfurt
from erfurt.cli.archive import add, export, init, prove, rebuild, show, verify
from erfurt.cli.declarations import declarations, declare_command
from erfurt.cli.entities import dossier, entities
from erfurt.cli.examples import add_examples
from erfurt.cli.incidents import figures, incidents
from erfurt.cli.intake import intake
from erfurt.cli.log import log
from erfurt.cli.names import lists, match, screen
from erfurt.cli.options import emit_error
from erfurt.cli.outreach import outreach
from erfurt.cli.redact import redact_command, redactions_group
from erfurt.cli.search import alerts_command, search_command
from erfurt.cli.serve import serve_command
from erfurt.cli.text import failures_command, reextract
from erfurt.cli.users import users
from erfurt.cli.witness import witness
from erfurt.errors import ErfurtError

__all__ = ["cli", "main"]


_INTERRUPTED = ErfurtError(
    "stopped before the end; nothing logged is lost (each batch is logged whole or not at all)",
    "run the same command again to finish: what is already done is found and not done twice",
)


class ErfurtGroup(click.Group):
    """A group that shows :class:`ErfurtError` as one line (or JSON) and exits 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ErfurtError as exc:
            emit_error(exc, bool(ctx.meta.get("erfurt.json")))
            if ctx.meta.get("erfurt.verbose"):
                traceback.print_exc()
            ctx.exit(1)
        except KeyboardInterrupt:
            # The line of progress Ctrl-C cut is ended first, as Click's own handler does.
            click.echo(err=True)
            emit_error(_INTERRUPTED, bool(ctx.meta.get("erfurt.json")), label="Interrupted")
            ctx.exit(130)
        except (
            click.ClickException,
            click.exceptions.Exit,
            click.Abort,
            SystemExit,
            BrokenPipeError,  # the reader went away; Click's main() ends quietly
        ):
            raise
        except Exception:
            traceback.print_exc()
            click.echo(
                "Error: this is a bug in Erfurt. Please report it with the traceback above.",
                err=True,
            )
            ctx.exit(1)


@click.group(cls=ErfurtGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(erfurt.__version__, prog_name="erfurt")
@click.option("-v", "--verbose", is_flag=True, help="Show debug messages and tracebacks.")
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="ERFURT_KEY_FILE",
    show_envvar=True,
    help="The log's signing key [default: ARCHIVE/private/log.key]. In production keep it "
    "outside the archive (see docs/signing-key.md); `init` creates it there.",
)
@click.option(
    "--database",
    metavar="URL",
    envvar="ERFURT_DATABASE_URL",
    show_envvar=True,
    help="Keep the views in this PostgreSQL database (postgresql://user:password@host/db) "
    "instead of the archive's setting; never logged or written to the archive.",
)
@click.pass_context
def cli(ctx: click.Context, verbose: bool, key_file: Path | None, database: str | None) -> None:
    """Preserve records in a verifiable, append-only archive.

    Exit codes: 0 success; 1 an error or a failed verification; 2 a usage error; 3 a
    verification that holds only for a key you have not pinned (see `erfurt verify`); 130
    interrupted (Ctrl-C): nothing logged is lost, run the command again to finish.
    """
    ctx.meta["erfurt.verbose"] = verbose
    ctx.meta["erfurt.key_file"] = key_file
    ctx.meta["erfurt.database"] = database
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    package_logger = logging.getLogger("erfurt")
    package_logger.handlers[:] = [handler]
    package_logger.setLevel(logging.DEBUG if verbose else logging.WARNING)


for command in (
    init,
    add,
    show,
    search_command,
    alerts_command,
    failures_command,
    reextract,
    rebuild,
    prove,
    export,
    verify,
    log,
    lists,
    match,
    screen,
    declare_command,
    declarations,
    outreach,
    incidents,
    figures,
    intake,
    redact_command,
    redactions_group,
    serve_command,
    users,
    entities,
    dossier,
    witness,
):
    cli.add_command(command)
add_examples(cli)


def main(args: list[str] | None = None) -> None:
    """Run the command line with ``args`` (default: ``sys.argv[1:]``)."""
    cli.main(args=args, prog_name="erfurt")
