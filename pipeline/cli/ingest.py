"""``mailtls ingest``: logs into the lake."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from parsers.shapes import merge_counts
from pipeline.cli.lake_option import lake_option
from pipeline.config import SiteConfig, load_config
from pipeline.ingest.engines import ENGINES
from pipeline.ingest.results import RunSummary, SetResult
from pipeline.ingest.run import default_workers
from pipeline.ingest.run import ingest as run_ingest
from pipeline.ingest.span_parser import PARSERS

EXIT_SKIPPED = 3

EPILOG = """\b
Examples:
  mailtls ingest /var/log/mail.log*                 # a rotated set, oldest first
  mailtls ingest /srv/logs/ --lake /srv/mailtls     # every file below a folder
  mailtls ingest 'logs/**/*.gz' --workers 2 --config mailtls.toml
  mailtls ingest /srv/logs/ --engine dask --scheduler tcp://10.0.0.5:8786
  mailtls ingest /var/log/mail.log --parser duckdb  # the vectorised parser

\b
Exit codes: 0 all read; 1 error; 2 usage; 3 some input was skipped or cut (the rest was read).
Running it again adds nothing; a grown log adds only its new lines.
"""


@click.command(epilog=EPILOG)
@click.argument("paths", nargs=-1, required=True)
@lake_option
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    default=default_workers,
    show_default="cores",
    help="Processes reading files in parallel (with --engine dask and no --scheduler: the "
    "local cluster's workers).",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="local",
    show_default=True,
    help="Where parsing runs: this machine, or a Dask distributed cluster.",
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    default=None,
    help="The Dask scheduler (--engine dask); without it, a local cluster of --workers.",
)
@click.option(
    "--parser",
    type=click.Choice(PARSERS),
    default="python",
    show_default=True,
    help="How log lines are parsed: one at a time in Python (the reference), or in DuckDB "
    "(vectorised, equal lakes; not yet faster on 2 cores, see README Performance).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Site configuration (default ./mailtls.toml when present).",
)
def ingest(
    paths: tuple[str, ...],
    lake: Path,
    workers: int,
    engine: str,
    scheduler: str | None,
    parser: str,
    config_path: Path | None,
) -> None:
    """Read mail logs (plain, .gz, .bz2, .xz, .zst) and stored mail (Maildir, mbox, .eml) into
    the Parquet lake."""
    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    config = load_config(config_path)
    summary = _with_progress(list(paths), lake, config, workers, engine, scheduler, parser)
    _print_summary(summary)
    if summary.has_skips:
        sys.exit(EXIT_SKIPPED)


def _with_progress(
    paths: list[str],
    lake: Path,
    config: SiteConfig,
    workers: int,
    engine: str,
    scheduler: str | None,
    parser: str,
) -> RunSummary:
    run = functools.partial(
        run_ingest,
        paths,
        lake,
        config,
        workers=workers,
        engine=engine,
        scheduler=scheduler,
        parser=parser,
    )
    if not sys.stderr.isatty():
        return run()
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("ingesting", total=None)
        return run(
            progress=lambda n: bar.advance(task, n),
            on_total=lambda total: bar.update(task, total=total),
        )


def _print_summary(summary: RunSummary) -> None:
    for problem in summary.problems:
        click.echo(f"mailtls: skipped: {problem}", err=True)
    for result in summary.sets:
        for file in result.files:
            if file.problem:
                click.echo(f"mailtls: skipped: {file.problem}", err=True)
            for remark in file.remarks:
                click.echo(f"mailtls: note: {remark}", err=True)
    if summary.unchanged:
        many = "s" if summary.unchanged != 1 else ""
        click.echo(f"{summary.unchanged} file{many} unchanged since the last run: not read")
    for result in summary.sets:
        for file in result.files:
            if file.note:
                click.echo(f"mailtls: {file.path}: {file.note}")
    for result in summary.sets:
        files = sum(1 for file in result.files if not file.problem)  # skipped: not ingested
        if not files:
            continue
        head = f"{result.name}: {files} file{'s' if files != 1 else ''}, "
        if result.name == "mail":
            click.echo(
                head + f"{result.total('lines')} messages, {result.total('events')} Received fields"
            )
            continue
        click.echo(
            head + f"{result.total('lines')} lines, {result.total('events')} recognised, "
            f"{result.sessions} sessions, {result.total('skipped')} out of scope, "
            f"{result.total('rejects')} rejected"
            + (f", {len(result.pending)} sessions still open" if result.pending else "")
        )
        unknown = unknown_summary(result)
        if unknown:
            click.echo(f"  not recognised: {unknown} (mailtls explain --unknown FILE)")


def unknown_summary(result: SetResult) -> str:
    """``postfix 12 lines in 3 shapes, dovecot 1 line in 1 shape``, or empty."""
    merged: dict[str, dict[str, int]] = {}
    for file in result.files:
        merge_counts(merged, file.unknown)
    parts = []
    for family, shapes in sorted(merged.items()):
        lines = sum(shapes.values())
        parts.append(
            f"{family} {lines} line{'s' if lines != 1 else ''} in {len(shapes)}"
            f" shape{'s' if len(shapes) != 1 else ''}"
        )
    return ", ".join(parts)
