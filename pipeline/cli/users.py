"""``mailtls users``: the per-user list an admin mails, resets or blocks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from pipeline.cli.lake_option import lake_option
from pipeline.cli.query_options import (
    config_option,
    frame_format_option,
    is_terminal,
    output_option,
    read_plan,
    window_options,
    write_output,
)
from pipeline.config import load_config
from pipeline.query import queries
from pipeline.query.db import connect
from pipeline.query.privacy import KEY_ENV, key_from_env, pseudonymise_column
from pipeline.report.render import frame_as

# the table's columns; CSV and JSON carry every column of user_posture, these first
EPILOG = """\b
Examples:
  mailtls users --level L0 --level L1
  mailtls users --level L0 --format csv -o reset.csv
  mailtls users --since 2025-03-01 --format json
  mailtls users --unverified
  MAILTLS_PSEUDONYM_KEY=secret mailtls users --pseudonymise --format csv
"""


@click.command(epilog=EPILOG)
@lake_option
@window_options
@click.option(
    "--level",
    "levels",
    multiple=True,
    type=click.Choice(queries.LEVELS),
    help="Only users at this level (repeatable).",
)
@click.option(
    "--pseudonymise",
    is_flag=True,
    help="Replace user names by keyed pseudonyms (key: $MAILTLS_PSEUDONYM_KEY).",
)
@click.option(
    "--unverified",
    is_flag=True,
    help="List the refused cleartext attempts that set no level (per user and address, with "
    "the reason: a guesser's address, or not the user's own client) instead of the users.",
)
@config_option
@frame_format_option
@output_option
def users(
    lake: Path,
    since: date | None,
    until: date | None,
    window_days: int,
    plan_path: Path | None,
    levels: tuple[str, ...],
    pseudonymise: bool,
    unverified: bool,
    config_path: Path | None,
    fmt: str,
    output: Path | None,
) -> None:
    """One row per user: level (worst in the window), reset flag, last cleartext and legacy-TLS
    logins, coverage and counts."""
    key = key_from_env() if pseudonymise else None
    if pseudonymise and key is None:
        raise click.UsageError(f"--pseudonymise needs a key in ${KEY_ENV}")
    plan = read_plan(plan_path)
    with connect(lake, evidence=load_config(config_path).evidence) as con:
        if unverified:
            attempts = queries.cleartext_attempts(
                con, since=since, until=until, window_days=window_days
            )[list(queries.ATTEMPT_COLUMNS)]
            if key is not None:
                attempts = pseudonymise_column(attempts, "user_name", key)
            write_output(frame_as(attempts, fmt, styled=is_terminal(output)), output)
            return
        frame = queries.user_posture(
            con,
            since=since,
            until=until,
            window_days=window_days,
            baseline=plan.baseline,
            levels=levels or None,
        )
    if key is not None:
        frame = pseudonymise_column(frame, "user_name", key)
    ordered = frame[
        [*queries.USER_COLUMNS, *(c for c in frame.columns if c not in queries.USER_COLUMNS)]
    ]
    if fmt == "table":
        ordered = ordered[list(queries.USER_COLUMNS)]
    text = frame_as(ordered, fmt, styled=is_terminal(output))
    write_output(text, output)
