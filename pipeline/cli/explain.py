"""``mailtls explain``: which dialect a log line matches and what it yields."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import click

from parsers.logline import LogLineParser
from parsers.records import LogEvent, Reject
from parsers.redact import redact
from parsers.shapes import UnknownShapes
from pipeline.report.escapes import printable_lines


@click.command(
    epilog="\b\nExamples:\n  mailtls explain 'Mar 14 00:31:06 mx postfix/smtpd[1]: connect from a[192.0.2.1]'\n  mailtls explain /var/log/mail.log\n  mailtls explain --unknown /var/log/mail.log"
)
@click.argument("line_or_file")
@click.option(
    "--unknown",
    is_flag=True,
    help="For FILE: list the shapes of the login daemons' lines no dialect reads, with counts "
    "and one example each (line numbers from 1).",
)
def explain(line_or_file: str, unknown: bool) -> None:
    """Show which dialect matches LINE (or each line of FILE, numbered) and the fields it yields.

    A Received header ("Received: from …") or a message file (.eml, mbox) prints its hop table.
    """
    import os

    from pipeline.cli import explain_received  # a Received header or a message file

    if not unknown and explain_received.applies(line_or_file):
        click.echo(printable_lines(explain_received.explain(line_or_file)))
        return
    is_file = os.path.isfile(line_or_file)
    if unknown and not is_file:
        raise click.UsageError("--unknown needs a FILE")
    lines = _lines_of(line_or_file) if is_file else iter([line_or_file])
    if unknown:
        click.echo(printable_lines(unknown_report(lines)))
        return
    # a file's year-less lines are dated as an ingest dates them: never after its last change
    not_after = datetime.fromtimestamp(os.stat(line_or_file).st_mtime, UTC) if is_file else None
    parser = LogLineParser(not_after=not_after)
    for number, line in enumerate(lines, 1):
        shown = render(parser.parse(line, number), redact(line))
        click.echo(printable_lines(f"line {number}: {shown}" if is_file else shown))


def _lines_of(path: str) -> Iterator[str]:
    """The lines of a log file, compressed or not."""
    from pipeline.ingest.sources import open_bytes

    with open_bytes(Path(path)) as stream:
        for raw in stream:
            yield raw.decode("utf-8", "surrogateescape").rstrip("\r\n")


def unknown_report(lines: Iterable[str]) -> str:
    """The shapes of unrecognised lines, per family, most frequent first."""
    shapes = UnknownShapes()
    parser = LogLineParser(shapes=shapes)
    for number, line in enumerate(lines, 1):
        parser.parse(line, number)
    if not shapes.families:
        return "every line of the login daemons was recognised (or there were none)"
    out: list[str] = []
    for family, found in sorted(shapes.families.items()):
        total = sum(shape.count for shape in found.values())
        out.append(
            f"{family}: {total} line{'s' if total != 1 else ''} not recognised,"
            f" {len(found)} shape{'s' if len(found) != 1 else ''}"
        )
        for text, shape in sorted(found.items(), key=lambda item: (-item[1].count, item[0])):
            out.append(f"  {shape.count:>7}  {text}")
            out.append(f"           line {shape.line_no}: {shape.example}")
    return "\n".join(out)


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
