"""What a receipt proves beyond the operator: the options that ask for timestamps and
witnesses (``--tsa-root``, ``--witness``, ``--min-witnesses``), and how the answer is shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from erfurt.archive import (
    Assurance,
    ReceiptCheck,
    assess,
    load_root_certificate,
    parse_witness_keys,
)
from erfurt.cli.escape import printable

__all__ = ["assess_receipt", "echo_assurance", "trust_options"]

F = TypeVar("F", bound=Callable[..., Any])


def trust_options(func: F) -> F:
    """``--witness VKEY`` (repeatable), ``--min-witnesses K`` and ``--tsa-root FILE``."""
    func = click.option(
        "--min-witnesses",
        type=click.IntRange(min=1),
        help="How many of the witnesses given must have cosigned [default: all of them].",
    )(func)
    func = click.option(
        "--tsa-root",
        "tsa_roots",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Root certificate of a Time-Stamping Authority whose timestamp to require "
        "(PEM or DER; repeat for more).",
    )(func)
    return click.option(
        "--witness",
        "witness_vkeys",
        multiple=True,
        help="A witness's verifier key whose cosignature to require (repeat for more).",
    )(func)


def assess_receipt(
    receipt: ReceiptCheck,
    vkey: str,
    *,
    key_pinned: bool,
    witness_vkeys: Sequence[str],
    min_witnesses: int | None,
    tsa_roots: Sequence[Path],
    source: str,
) -> Assurance:
    """Check what the trust options ask of a verified receipt (see :func:`assess`)."""
    witnesses = parse_witness_keys(witness_vkeys, source="--witness")
    if min_witnesses is not None and min_witnesses > len({w.name for w in witnesses}):
        raise click.UsageError("--min-witnesses is more than the witnesses given with --witness")
    roots = [load_root_certificate(p.read_bytes(), source=str(p)) for p in tsa_roots]
    return assess(
        receipt,
        vkey,
        key_pinned=key_pinned,
        witnesses=witnesses,
        min_witnesses=min_witnesses,
        tsa_roots=roots,
        source=source,
    )


def echo_assurance(assurance: Assurance, proved_first: Sequence[str] = ()) -> None:
    """Print what is proved, what is left to trust, and which signatures were not checked."""
    for line in [*proved_first, *assurance.proved()]:
        click.echo(f"  proved: {printable(line)}", err=True)
    for line in assurance.trusted():
        click.echo(f"  trusted, not proved: {printable(line)}", err=True)
    if assurance.unchecked:
        names = printable(", ".join(assurance.unchecked))
        click.echo(
            f"  not checked: signatures by {names} (give their keys with --witness, "
            "or a TSA's root with --tsa-root)",
            err=True,
        )
