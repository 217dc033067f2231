"""``mailtls dialects``: list every log and Received dialect, or self-test them all."""

from __future__ import annotations

import sys

import click

from parsers import selfcheck
from parsers.received import selfcheck as received_selfcheck
from parsers.received.registry import DIALECTS as RECEIVED_DIALECTS
from parsers.registry import all_dialects


@click.command(epilog="\b\nExamples:\n  mailtls dialects\n  mailtls dialects --check")
@click.option(
    "--check",
    is_flag=True,
    help="Run every dialect's examples and not-examples, in Python and in RE2 (the DuckDB "
    "parser's engine).",
)
def dialects(check: bool) -> None:
    """List the dialects mailtls recognises: log lines (key, program) and Received TLS details."""
    if check:
        from pipeline.ingest.vector.dialect_sql import PER_LINE, re2_problems

        problems = selfcheck.check_all() + received_selfcheck.check_all()
        for p in problems:
            click.echo(f"FAIL {p.dialect}: {p.what}\n     {p.line}")
        fast_path = re2_problems()
        for key, what in fast_path:
            click.echo(f"FAIL {key}: {what}")
        for key, why in sorted(PER_LINE.items()):
            click.echo(f"note {key}: read line by line in Python, not in DuckDB ({why})")
        total = len(all_dialects()) + len(RECEIVED_DIALECTS)
        failing = len({p.dialect for p in problems})
        click.echo(f"{total - failing} of {total} dialects pass their examples")
        sys.exit(1 if problems or fast_path else 0)
    for d in all_dialects():
        daemons = ",".join(d.daemons) or "*"
        click.echo(f"log       {d.key:45} {d.family}/{daemons:12} {len(d.examples)} examples")
    for r in RECEIVED_DIALECTS:
        click.echo(f"received  {r.key:45} {'Received':25} {len(r.examples)} examples")
