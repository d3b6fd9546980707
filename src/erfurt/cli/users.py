"""``erfurt users``: accounts of a served archive, and restricted collections."""

from __future__ import annotations

from pathlib import Path

import click

from erfurt.archive import ROLES, Accounts, Archive, ArchivePaths
from erfurt.cli.escape import printable
from erfurt.cli.options import archive_option, emit_json, json_option
from erfurt.cli.output import plural

_ROLES = click.Choice([r for r in ROLES if r != "public"])


def _password(ctx_value: str | None) -> str:
    if ctx_value:
        return ctx_value
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True))


@click.group("users")
def users() -> None:
    """Manage who may log in to `erfurt serve` (kept in private/, never in the log)."""


@users.command("add")
@archive_option
@click.argument("name")
@click.option("--role", type=_ROLES, required=True, help="What the user may do.")
@click.option("--password", envvar="ERFURT_PASSWORD", help="The password [default: asked for].")
def add_user(archive_path: Path, name: str, role: str, password: str | None) -> None:
    """Create user NAME with a role and a password (hashed with argon2id)."""
    with Accounts.open(ArchivePaths(archive_path)) as accounts:
        accounts.add_user(name, role, _password(password))
    click.echo(f"OK: user {name} ({role})", err=True)


@users.command("list")
@archive_option
@json_option
def list_users(archive_path: Path, as_json: bool) -> None:
    """List users, their roles and whether they are disabled."""
    with Accounts.open(ArchivePaths(archive_path)) as accounts:
        found = accounts.users()
    for user in found:
        row = {"name": user.name, "role": user.role, "disabled": user.disabled}
        if as_json:
            emit_json(row)
        else:
            click.echo("\t".join([user.name, user.role] + ["disabled"] * user.disabled))


@users.command("disable")
@archive_option
@click.argument("name")
def disable_user(archive_path: Path, name: str) -> None:
    """Disable user NAME: their sessions and API tokens stop working at once."""
    with Accounts.open(ArchivePaths(archive_path)) as accounts:
        accounts.disable(name)
    click.echo(f"OK: user {name} disabled", err=True)


@users.command("passwd")
@archive_option
@click.argument("name")
@click.option("--password", envvar="ERFURT_PASSWORD", help="The new password [default: asked].")
def set_password(archive_path: Path, name: str, password: str | None) -> None:
    """Set a new password for NAME (their sessions end)."""
    with Accounts.open(ArchivePaths(archive_path)) as accounts:
        accounts.set_password(name, _password(password))
    click.echo(f"OK: new password for {name}", err=True)


@users.command("token")
@archive_option
@click.argument("name")
@click.option("--label", default="api", show_default=True, help="What the token is for.")
def new_token(archive_path: Path, name: str, label: str) -> None:
    """Print a new API token for NAME (shown once; send it as `Authorization: Bearer`)."""
    with Accounts.open(ArchivePaths(archive_path)) as accounts:
        click.echo(accounts.new_token(name, label))


@users.command("restrict")
@archive_option
@click.argument("collection")
@click.option(
    "--allow", "allowed", multiple=True, required=True, help="A user, or role:NAME (repeat)."
)
def restrict(archive_path: Path, collection: str, allowed: tuple[str, ...]) -> None:
    """Restrict COLLECTION to the allowed users and roles (and admins).

    Documents added to it from now on are logged sealed: the published log shows when
    they were added, never their names or hashes. Restrict a collection before adding to it.
    """
    with Accounts.open(ArchivePaths(archive_path)) as accounts:
        accounts.restrict(collection, list(allowed))
    click.echo(f"OK: {collection} restricted to {', '.join(allowed)}", err=True)
    with Archive.open(archive_path, catch_up=False) as archive:
        public = sum(
            1
            for _, record in archive.records(kinds={"document.added"}, as_logged=True)
            if record["collection"] == collection
        )
    if public:
        click.echo(
            f"Warning: {printable(collection)} already holds {plural(public, 'document')} "
            "logged before this rule: their names stay readable in the published log (it "
            "is append-only); documents added from now on are logged sealed",
            err=True,
        )
