"""``mailtls compact``: fewer, larger, time-sorted parts per day; same rows."""

from __future__ import annotations

import functools
import sys
from datetime import datetime
from pathlib import Path

import click

from pipeline.cli.lake_option import lake_option
from pipeline.lake.compact import CompactSummary
from pipeline.lake.compact import compact as run_compact
from pipeline.lake.schema import TABLES

EPILOG = """\b
Examples:
  mailtls compact                                   # every day with more than one part
  mailtls compact --lake /srv/mailtls --since 2025-01-01 --until 2025-03-31
  mailtls compact --table sessions --dry-run

\b
Run it after ingest (from the same cron job, say): it holds the lake's lock as ingest does.
Running it again does nothing until an ingest adds parts.
"""


@click.command(epilog=EPILOG)
@lake_option
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="First day to compact.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day to compact.")
@click.option(
    "--table",
    "table_names",
    type=click.Choice(tuple(TABLES)),
    multiple=True,
    help="Only this table (repeatable); default all.",
)
@click.option("--dry-run", is_flag=True, help="Count what would be rewritten; write nothing.")
def compact(
    lake: Path,
    since: datetime | None,
    until: datetime | None,
    table_names: tuple[str, ...],
    dry_run: bool,
) -> None:
    """Rewrite each day's many small Parquet parts into one part sorted by time (a few for a
    very large day): the same rows, fewer files for every query to open."""
    run = functools.partial(
        run_compact,
        lake,
        since=since.date() if since else None,
        until=until.date() if until else None,
        tables=table_names or tuple(TABLES),
        dry_run=dry_run,
    )
    summary = run() if dry_run or not sys.stderr.isatty() else _with_progress(run)
    for problem in summary.skipped:
        click.echo(f"mailtls: skipped: {problem}", err=True)
    click.echo(_describe(summary, dry_run))


def _with_progress(run: functools.partial[CompactSummary]) -> CompactSummary:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("compacting", total=None)
        return run(
            on_plan=lambda total: bar.update(task, total=total),
            progress=lambda partition: bar.update(
                task, advance=1, description=f"{partition.table} {partition.day}"
            ),
        )


def _describe(summary: CompactSummary, dry_run: bool) -> str:
    if not summary.partitions:
        return "nothing to compact: no day chosen has more than one part"
    days = f"{summary.partitions} partition{'s' if summary.partitions != 1 else ''}"
    before = f"{summary.files_before:,} files, {_size(summary.bytes_before)}"
    if dry_run:
        return f"would compact {days}: {before}"
    after = f"{summary.files_after:,} files, {_size(summary.bytes_after)}"
    return f"compacted {days}: {before} -> {after} in {summary.seconds:.1f} s"


def _size(count: int) -> str:
    return f"{count / 1e6:,.1f} MB"
