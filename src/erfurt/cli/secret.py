"""The ``--secret-file`` option: where the registry secret lives (outside the archive)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from erfurt.archive import Archive, RegistrySecret, load_registry_secret
from erfurt.cli.escape import printable

__all__ = ["load_secret", "secret_file_option"]

F = TypeVar("F", bound=Callable[..., object])

_DEFAULT_SHOWN = "$XDG_CONFIG_HOME/erfurt/registry-secret, i.e. ~/.config/erfurt/registry-secret"


def _default_secret_file() -> Path:
    return Path(click.get_app_dir("erfurt")) / "registry-secret"


def secret_file_option(command: F) -> F:
    """Add ``--secret-file`` (env ``ERFURT_SECRET_FILE``) to a command."""
    return click.option(
        "--secret-file",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="ERFURT_SECRET_FILE",
        default=_default_secret_file,
        show_default=_DEFAULT_SHOWN,
        help="Registry secret for keyed hashes (created 0600 on first use; never inside "
        "the archive folder; back it up apart from the archive).",
    )(command)


def load_secret(path: Path, archive: Archive, *, create: bool) -> RegistrySecret:
    """The registry secret at ``path`` for ``archive`` (created when missing and ``create``).

    A newly created secret is announced on stderr, with where it is and why to back it up.
    """
    existed = path.exists()
    secret = load_registry_secret(path, archive_root=archive.paths.root, create=create)
    if not existed:
        click.echo(
            f"Created a new registry secret (key {secret.key_id}) at {printable(str(path))}. "
            "Back it up now, apart from the archive: without it, repeat declarations and "
            "numbers already called can no longer be recognised.",
            err=True,
        )
    return secret
