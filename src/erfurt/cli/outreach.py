"""``erfurt outreach log|check|stats|chart``: call outcomes, numbers kept as keyed hashes."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from erfurt.cli.escape import printable
from erfurt.cli.options import (
    archive_option,
    emit_json,
    json_option,
    open_archive,
    value_or_stdin,
)
from erfurt.cli.output import echo_chart, echo_table, plural
from erfurt.cli.secret import load_secret, secret_file_option
from erfurt.outreach import (
    OUTCOMES,
    PERIODS,
    CallHistory,
    Outcome,
    Period,
    PeriodRow,
    chart_outreach,
    check_number,
    log_call,
    read_stats,
)

__all__ = ["outreach"]

_region_option = click.option(
    "--region",
    metavar="CC",
    help="Country (ISO 3166, e.g. CN) for numbers written without their country code.",
)


_period_option = click.option(
    "--by",
    type=click.Choice(PERIODS),
    default="week",
    show_default=True,
    help="One row (or bar) per ISO week or per calendar month.",
)


def _history_json(history: CallHistory) -> list[dict[str, object]]:
    return [
        {"record": c.log_index, "time": c.time, "outcome": c.outcome, "volunteer": c.volunteer}
        for c in history.calls
    ]


def _say_history(history: CallHistory) -> None:
    if not history.calls:
        click.echo("Not called before.")
    for call in history.calls:
        by = f" by {printable(call.volunteer)}" if call.volunteer else ""
        click.echo(f"Called {call.time}{by}: {call.outcome}")
    if history.other_key_calls:
        click.echo(
            f"({history.other_key_calls:,} calls were logged under another registry secret and"
            " cannot be matched to any number)",
            err=True,
        )


@click.group()
def outreach() -> None:
    """The outreach log: call outcomes over time; numbers only as keyed hashes."""


@outreach.command("log")
@click.option(
    "--number",
    required=True,
    help="The number called, in any common format; - reads it from stdin (keeps it out of "
    "shell history and the process list).",
)
@click.option("--outcome", type=click.Choice(OUTCOMES), required=True, help="How the call went.")
@click.option("--volunteer", help="Who called.")
@_region_option
@secret_file_option
@archive_option
@json_option
def log_command(
    number: str,
    outcome: str,
    volunteer: str | None,
    region: str | None,
    secret_file: Path,
    archive_path: Path,
    as_json: bool,
) -> None:
    """Log a call's outcome (the number is stored only as a keyed hash)."""
    number = value_or_stdin(number)
    with open_archive(archive_path) as archive:
        secret = load_secret(secret_file, archive, create=True)
        logged = log_call(
            archive, secret, number=number, outcome=outcome, volunteer=volunteer, region=region
        )
    if as_json:
        emit_json(
            {
                "ok": True,
                "record": logged.log_index,
                "time": logged.time,
                "outcome": logged.outcome,
                "earlier": _history_json(logged.earlier),
            }
        )
        return
    click.echo(f"Logged: {logged.outcome} at {logged.time} (record {logged.log_index})")
    if logged.earlier.calls:
        times = len(logged.earlier.calls)
        click.echo(f"Called before ({plural(times, 'time')}):")
        _say_history(logged.earlier)


@outreach.command()
@click.argument("number")
@_region_option
@secret_file_option
@archive_option
@json_option
def check(
    number: str, region: str | None, secret_file: Path, archive_path: Path, as_json: bool
) -> None:
    """Say whether NUMBER was called before: when, by whom, with what outcome.

    NUMBER - reads the number from stdin (keeps it out of shell history).
    """
    number = value_or_stdin(number)
    with open_archive(archive_path) as archive:
        history = check_number(
            archive, load_secret(secret_file, archive, create=False), number, region
        )
    if as_json:
        emit_json(
            {
                "called_before": bool(history.calls),
                "calls": _history_json(history),
                "other_secret_calls": history.other_key_calls,
            }
        )
    else:
        _say_history(history)


@outreach.command()
@_period_option
@archive_option
@json_option
def stats(by: str, archive_path: Path, as_json: bool) -> None:
    """Call outcomes per week or month: counts and shares."""
    with open_archive(archive_path) as archive:
        result = read_stats(archive, cast(Period, by))
    if as_json:
        for row in result.rows:
            emit_json(
                {
                    "period": row.period,
                    "calls": row.calls,
                    "outcomes": dict(row.outcomes),
                    "share_permille": {o: row.share_permille(o) for o in OUTCOMES},
                }
            )
        return
    if not result.rows:
        click.echo("No call logged yet: erfurt outreach log --number ... --outcome ...", err=True)
        return
    echo_table(
        [by, "calls", *OUTCOMES],
        [
            [row.period, row.calls, *(_count_and_share(row, o) for o in OUTCOMES)]
            for row in result.rows
        ],
        total=[
            "total",
            sum(row.calls for row in result.rows),
            *(sum(dict(row.outcomes)[o] for row in result.rows) for o in OUTCOMES),
        ],
    )


def _count_and_share(row: PeriodRow, outcome: Outcome) -> str:
    return f"{dict(row.outcomes)[outcome]:,} ({row.share_permille(outcome) / 10:.1f}%)"


@outreach.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The chart file: .svg or .png.",
)
@_period_option
@archive_option
@json_option
def chart(out: Path, by: str, archive_path: Path, as_json: bool) -> None:
    """Chart each outcome's share of calls per week or month, with counts (SVG or PNG).

    The plotted numbers go to a .csv and a description to an .alt.txt beside the chart.
    """
    with open_archive(archive_path) as archive:
        plotted = chart_outreach(archive, cast(Period, by), out)
    echo_chart(out, plotted, "call", as_json)
