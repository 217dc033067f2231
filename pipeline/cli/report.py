"""``mailtls report``: the headline report over a window of the lake."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from pipeline.cli.lake_option import lake_option
from pipeline.cli.query_options import (
    config_option,
    is_terminal,
    output_option,
    read_plan,
    window_options,
    write_output,
)
from pipeline.config import load_config
from pipeline.query.db import connect
from pipeline.report.document import FORMATS, build_report, render

EPILOG = """\b
Examples:
  mailtls report
  mailtls report --lake /srv/mailtls-lake --since 2025-03-01 --until 2025-03-31
  mailtls report --format html -o weekly.html --plan plan.toml
"""


@click.command(epilog=EPILOG)
@lake_option
@window_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@config_option
@output_option
def report(
    lake: Path,
    since: date | None,
    until: date | None,
    window_days: int,
    plan_path: Path | None,
    fmt: str,
    config_path: Path | None,
    output: Path | None,
) -> None:
    """Users per level, password resets due, plan status, daily trend and rejects."""
    plan = read_plan(plan_path)
    with connect(lake, evidence=load_config(config_path).evidence) as con:
        built = build_report(con, since=since, until=until, window_days=window_days, plan=plan)
    write_output(render(built, fmt, styled=is_terminal(output)), output)
