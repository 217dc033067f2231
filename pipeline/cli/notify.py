"""``mailtls notify``: one notice per L0/L1 user, written as .eml files to review and send."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import click

from pipeline.cli.lake_option import lake_option
from pipeline.cli.query_options import config_option, parse_moment, read_plan, window_options
from pipeline.config import load_config
from pipeline.query import queries
from pipeline.query.db import connect
from pipeline.report.escapes import printable
from pipeline.report.notices import as_message, file_name, notice_for, recipient

EPILOG = """\b
Examples:
  mailtls notify --from postmaster@example.org -o notices/
  mailtls notify --level L0 --cutover 2026-03-01 --from it@example.org -o notices/
Nothing is sent: review the files, then send them with your usual tools.
"""


@click.command(epilog=EPILOG)
@lake_option
@window_options
@click.option(
    "--level",
    "levels",
    multiple=True,
    type=click.Choice(["L0", "L1"]),
    help="Levels to notify (default: L0 and L1).",
)
@click.option("--from", "sender", required=True, help="The From address of the notices.")
@click.option("--cutover", callback=parse_moment, help="The date old connections stop working.")
@click.option("--helpdesk", help="A contact line added to every notice.")
@config_option
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the .eml files (created).",
)
def notify(
    lake: Path,
    since: date | None,
    until: date | None,
    window_days: int,
    plan_path: Path | None,
    levels: tuple[str, ...],
    sender: str,
    cutover: date | datetime | None,
    helpdesk: str | None,
    config_path: Path | None,
    out_dir: Path,
) -> None:
    """Write a notice per user still on cleartext (L0) or legacy TLS (L1), in plain words."""
    if recipient(sender) is None:
        raise click.BadParameter(f"{sender!r} is not one mail address", param_hint="--from")
    plan = read_plan(plan_path)
    with connect(lake, evidence=load_config(config_path).evidence) as con:
        frame = queries.user_posture(
            con,
            since=since,
            until=until,
            window_days=window_days,
            baseline=plan.baseline,
            levels=list(levels or ("L0", "L1")),
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    day = cutover.date() if isinstance(cutover, datetime) else cutover
    now = datetime.now(UTC)
    written = 0
    skipped: list[str] = []
    for row in frame.to_dict("records"):
        notice = notice_for({str(k): v for k, v in row.items()}, cutover=day, helpdesk=helpdesk)
        if notice is None:
            continue
        if recipient(notice.user_name) is None:
            skipped.append(notice.user_name)
            continue
        message = as_message(notice, sender=sender, now=now)
        (out_dir / file_name(notice.user_name)).write_bytes(message.as_bytes())
        written += 1
    click.echo(f"{written} notices written to {out_dir} (nothing was sent)")
    if skipped:
        click.echo(
            f"{len(skipped)} users without a notice, their name is not one mail address: "
            + ", ".join(printable(name) for name in skipped[:20])
            + (" …" if len(skipped) > 20 else ""),
            err=True,
        )
