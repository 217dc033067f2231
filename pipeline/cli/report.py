"""``mailtls report``: the headline report over a window of the lake, on screen, as a file or
mailed; cron-ready (named periods, a staleness check, quiet unless something is wrong)."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
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
from pipeline.errors import MailtlsError
from pipeline.query.db import connect
from pipeline.query.queries import event_span
from pipeline.report.periods import staleness
from pipeline.report.summary import TREND_WEEKS

EPILOG = """\b
Examples:
  mailtls report
  mailtls report --lake /srv/mailtls-lake --since 2025-03-01 --until 2025-03-31
  mailtls report --format html -o weekly.html --plan plan.toml
  mailtls report --since last-week --fail-if-stale 2 --format pdf -o weekly.pdf
  mailtls report --since last-week --fail-if-stale 2 --mail-to security@example.org

\b
--since last-week (or last-month) alone is the whole of that period: Monday to Sunday, or the
calendar month, before today (UTC). Key figures are compared with the window just before.
--format pdf and --mail-to print the HTML page with a headless Chromium or Chrome (Debian:
apt-get install chromium; or --chromium PATH); the charts need altair and vl-convert-python
(pip install 'mailtls[report]'). --mail-to hands the HTML page (PDF attached) to the local
MTA: sendmail -t, or SMTP with --smtp HOST[:PORT]. docs/weekly-report.md has a crontab line
and a systemd timer.
"""


@click.command(epilog=EPILOG)
@lake_option
@window_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "md", "html", "json", "csv", "pdf")),
    default="text",
    show_default=True,
)
@config_option
@output_option
@click.option("--names", is_flag=True, help="Show user names (default: keyed pseudonyms).")
@click.option(
    "--weeks",
    "trend_weeks",
    type=click.IntRange(min=1),
    default=TREND_WEEKS,
    show_default=True,
    help="How many weeks the weekly trend reaches back.",
)
@click.option(
    "--fail-if-stale",
    "stale_days",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="Exit 1 with one line, writing and sending nothing, when the newest session is "
    "more than DAYS days old.",
)
@click.option(
    "--mail-to",
    "mail_to",
    multiple=True,
    metavar="ADDR",
    help="Mail the report (HTML body, PDF attached) through the local MTA; repeatable.",
)
@click.option("--mail-from", metavar="ADDR", help="Sender [default: mailtls@this host].")
@click.option("--smtp", metavar="HOST[:PORT]", help="Send by SMTP to this MTA, not sendmail.")
@click.option("--sendmail", "sendmail_command", metavar="COMMAND", help="sendmail to run.")
@click.option("--chromium", metavar="PATH", help="Chromium or Chrome for PDF output.")
def report(
    lake: Path,
    since: date | datetime | None,
    until: date | datetime | None,
    window_days: int,
    plan_path: Path | None,
    fmt: str,
    config_path: Path | None,
    output: Path | None,
    names: bool,
    trend_weeks: int,
    stale_days: int | None,
    mail_to: tuple[str, ...],
    mail_from: str | None,
    smtp: str | None,
    sendmail_command: str | None,
    chromium: str | None,
) -> None:
    """Users per level, password resets due, plan status, weekly and daily trends, the users
    and servers left to fix, and what the data cannot tell."""
    from pipeline.report.document import build_report, render

    if fmt == "pdf" and output is None and sys.stdout.isatty():
        raise click.UsageError("--format pdf writes binary: give -o FILE or redirect stdout")
    plan = read_plan(plan_path)
    with connect(lake, evidence=load_config(config_path).evidence) as con:
        if stale_days is not None:
            problem = staleness(event_span(con)[1], stale_days, datetime.now(UTC))
            if problem:
                raise MailtlsError(problem)
        built = build_report(
            con,
            since=since,
            until=until,
            window_days=window_days,
            plan=plan,
            names=names,
            trend_weeks=trend_weeks,
        )
    page = render(built, "html") if fmt in ("html", "pdf") or mail_to else ""
    pdf = b""
    if fmt == "pdf" or mail_to:
        from pipeline.report.pdf import print_pdf

        pdf = print_pdf(page, chromium)
    if fmt == "pdf":
        if output is None:
            sys.stdout.buffer.write(pdf)
        else:
            output.write_bytes(pdf)
    elif output is not None or not mail_to:
        text = page if fmt == "html" else render(built, fmt, styled=is_terminal(output))
        write_output(text, output)
    if mail_to:
        from pipeline.report.document import render_page
        from pipeline.report.mail import build_message, default_sender, send
        from pipeline.report.page import MailImages

        images = MailImages()  # many mail clients drop inline SVG: the charts go as PNG
        message = build_message(
            subject=f"mailtls report {built.subtitle}: {built.summary.headline}",
            sender=mail_from or default_sender(),
            recipients=mail_to,
            page=render_page(built, embed=images),
            text=render(built, "text"),
            pdf=pdf,
            images=images.images,
        )
        via = send(message, smtp=smtp, sendmail=sendmail_command)
        if is_terminal(None):
            click.echo(f"report mailed to {', '.join(mail_to)} via {via}", err=True)
