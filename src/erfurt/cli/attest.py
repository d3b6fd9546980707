"""``erfurt log attest``: timestamps and cosignatures for each new checkpoint, with retries."""

from __future__ import annotations

from pathlib import Path

import click

from erfurt.archive import Archive, Attester, AttestRound
from erfurt.cli.escape import printable
from erfurt.cli.options import archive_option, emit_json, json_option, open_archive
from erfurt.cli.witness import EXIT_FORK
from erfurt.errors import ErfurtError, InputError

__all__ = ["describe_round", "log_attest"]


def describe_round(done: AttestRound) -> list[str]:
    """What a round did, one line each: who signed, and who did not and why."""
    lines = [
        f"checkpoint of {done.tree_size} records timestamped by TSA {o.name}"
        for o in done.timestamps
        if o.timestamp
    ]
    lines += [
        f"checkpoint of {done.tree_size} records cosigned by witness {o.url}"
        for o in done.witnessing.outcomes
        if o.cosignatures
    ]
    return [printable(line) for line in lines + [f"FAIL: {p}" for p in done.problems]]


def _round_json(done: AttestRound) -> dict[str, object]:
    return {
        "tree_size": done.tree_size,
        "timestamps": [o.to_json() for o in done.timestamps],
        "witnesses": [o.to_json() for o in done.witnessing.outcomes],
        "fork_evidence": done.fork_evidence,
    }


@click.command("attest")
@archive_option
@click.option(
    "--interval",
    type=click.IntRange(min=1),
    help="Keep going until stopped: a round every N seconds, and longer after a failure "
    "[default: one round].",
)
@click.option(
    "--timeout", default=10.0, show_default=True, help="Seconds to wait for each TSA or witness."
)
@json_option
def log_attest(archive_path: Path, interval: int | None, timeout: float, as_json: bool) -> None:
    """Have the current checkpoint timestamped and cosigned by every TSA and witness
    configured that has not yet signed it.

    Appends never wait for this: `erfurt serve` does it in the background every
    `attest_interval` seconds, and this command does it for archives written from the
    command line (once, or with --interval as a service). A TSA or witness that is down
    is asked again next round. Exit codes: 0 all signed; 1 one was unreachable or
    refused (one round only); 4 a witness holds a larger tree than this log (rolled back
    or forked: keep its answer as evidence); stops the --interval loop too.
    """
    with open_archive(archive_path, catch_up=False) as archive:
        config = archive.config
    if not config.witnesses and not config.timestamp_authorities:
        raise InputError(
            "this archive has no timestamp authority and no witness",
            "add them with `erfurt log tsa add` and `erfurt log witness add`",
        )
    rounds: list[AttestRound] = []
    errors: list[ErfurtError | OSError] = []

    def report(done: AttestRound) -> None:
        rounds.append(done)
        if as_json:
            emit_json(_round_json(done))
        else:
            for line in describe_round(done):
                click.echo(line, err=True)
            if interval is None and not done.signed and not done.problems:
                click.echo(
                    f"the checkpoint of {done.tree_size} records already carries the "
                    "signatures of every TSA and witness configured",
                    err=True,
                )
        if interval is None or done.fork_evidence:
            attester.stop()

    def on_error(exc: ErfurtError | OSError) -> None:
        errors.append(exc)
        click.echo(f"FAIL: {printable(str(exc))}", err=True)
        if interval is None:
            attester.stop()

    def open_for_round() -> Archive:
        return open_archive(archive_path, catch_up=False)

    attester = Attester(
        open_for_round,
        interval=interval or 1,
        report=report,
        on_error=on_error,
        timeout=timeout,
    )
    try:
        attester.run()
    except KeyboardInterrupt:
        return
    if any(r.fork_evidence for r in rounds):
        raise click.exceptions.Exit(EXIT_FORK)
    if errors or any(r.problems for r in rounds):
        raise click.exceptions.Exit(1)
