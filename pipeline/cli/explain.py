"""``mailtls explain``: which dialect a log line matches and what it yields."""

from __future__ import annotations

import click

from parsers.logline import LogLineParser
from parsers.records import LogEvent, Reject
from parsers.redact import redact
from pipeline.report.escapes import printable_lines


@click.command(
    epilog="\b\nExamples:\n  mailtls explain 'Mar 14 00:31:06 mx postfix/smtpd[1]: connect from a[192.0.2.1]'\n  mailtls explain /var/log/mail.log"
)
@click.argument("line_or_file")
def explain(line_or_file: str) -> None:
    """Show which dialect matches LINE (or each line of FILE) and the fields it yields.

    A Received header ("Received: from …") or a message file (.eml, mbox) prints its hop table.
    """
    import os

    from pipeline.cli import explain_received  # a Received header or a message file

    if explain_received.applies(line_or_file):
        click.echo(printable_lines(explain_received.explain(line_or_file)))
        return
    if os.path.isfile(line_or_file):
        with open(line_or_file, encoding="utf-8", errors="surrogateescape") as handle:
            lines = [line.rstrip("\n") for line in handle]
    else:
        lines = [line_or_file]
    parser = LogLineParser()
    for number, line in enumerate(lines, 1):
        click.echo(printable_lines(render(parser.parse(line, number), redact(line))))


def render(record: LogEvent | Reject | None, line: str) -> str:
    if record is None:
        return f"out of scope: {line}"
    if isinstance(record, Reject):
        return f"rejected ({record.kind}): {record.reason}\n  {line}"
    rows = [
        f"dialect  {record.kind}",
        f"time     {record.event_at.isoformat() if record.event_at else '-'}",
        f"host     {record.host}",
        f"program  {record.program}",
        f"pid      {record.pid}",
    ]
    shown = {name: value for name, value in record.fields.items() if value is not None}
    width = max(map(len, shown), default=0)
    rows += [f"  {name:{width}}  {value}" for name, value in shown.items()]
    return "\n".join(rows)
