"""``mailtls ingest``: logs into the lake, incrementally."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from pipeline.cli.query_options import lake_option
from pipeline.config import load_config
from pipeline.ingest import ENGINES, IngestReport, OnResult, ingest
from pipeline.segment import SegmentResult

EXIT_INCOMPLETE = 3
OnPlan = Callable[[int], None]

EPILOG = """\b
Examples:
  mailtls ingest /var/log/mail.log*
  mailtls ingest /srv/logs/mx1 /srv/logs/imap1 --lake /srv/mailtls-lake --workers 4
  mailtls ingest --config /etc/mailtls.toml '/var/log/mail.log*'

\b
Exit codes: 0 all input read; 1 error (one line on stderr); 2 usage;
3 the run completed but some input was skipped or read only in part (see stderr).
"""


@click.command("ingest", epilog=EPILOG)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@lake_option
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Parallel parsing processes.  [default: the number of cores]",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="local",
    show_default=True,
    help="local: a process pool; dask: a Dask cluster (not yet available).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Site configuration.  [default: ./mailtls.toml if present]",
)
@click.option(
    "--flush-open",
    is_flag=True,
    help="Write sessions still open at the end instead of keeping them for the next run.",
)
def ingest_command(
    paths: tuple[str, ...],
    lake: Path,
    workers: int | None,
    engine: str,
    config_path: Path | None,
    flush_open: bool,
) -> None:
    """Read Postfix and Dovecot logs (files, directories, globs; plain, .gz, .bz2, .xz, .zst)
    into the lake. Rotated sets are read oldest first; files already read are skipped, a grown
    file is read from where the last run stopped."""
    config = load_config(config_path)
    with _progress() as (on_plan, on_result):
        report = ingest(
            paths,
            lake,
            config,
            workers=workers,
            engine=engine,
            flush_open=flush_open,
            on_plan=on_plan,
            on_result=on_result,
        )
    _print_report(report)
    if report.incomplete:
        raise SystemExit(EXIT_INCOMPLETE)


def _print_report(report: IngestReport) -> None:
    for item in report.skipped:
        click.echo(f"mailtls: skipped {item.path}: {item.reason}", err=True)
    for warning in report.warnings:
        click.echo(f"mailtls: warning: {warning}", err=True)
    for note in report.notes:
        click.echo(f"mailtls: note: {note}", err=True)
    for summary in report.summaries.values():
        click.echo(summary.line())
    extra = []
    if report.unchanged:
        extra.append(f"{report.unchanged} files already ingested")
    if report.pending:
        extra.append(f"{report.pending} sessions still open, kept for the next run")
    if report.unattached:
        extra.append(f"{report.unattached} events joined no session")
    if extra:
        click.echo("; ".join(extra))


@contextmanager
def _progress() -> Iterator[tuple[OnPlan | None, OnResult | None]]:
    """A progress bar over the bytes to read, only on a terminal (quiet under cron)."""
    if not sys.stderr.isatty():
        yield None, None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("ingest", total=None)

        def on_plan(total: int) -> None:
            bar.update(task, total=total)

        def on_result(result: SegmentResult) -> None:
            read = result.read.end_offset - result.segment.start_offset
            bar.update(task, advance=read, description=Path(result.segment.path).name)

        yield on_plan, on_result
