"""``mailtls dialects``: list every log dialect, or self-test them all."""

from __future__ import annotations

import sys

import click

from parsers.registry import all_dialects
from parsers.selfcheck import check_all


@click.command(epilog="\b\nExamples:\n  mailtls dialects\n  mailtls dialects --check")
@click.option("--check", is_flag=True, help="Run every dialect's examples and not-examples.")
def dialects(check: bool) -> None:
    """List the log dialects mailtls recognises (key, program, examples)."""
    if check:
        problems = check_all()
        for p in problems:
            click.echo(f"FAIL {p.dialect}: {p.what}\n     {p.line}")
        total = len(all_dialects())
        click.echo(
            f"{total - len({p.dialect for p in problems})} of {total} dialects pass their examples"
        )
        sys.exit(1 if problems else 0)
    for d in all_dialects():
        daemons = ",".join(d.daemons) or "*"
        click.echo(f"{d.key:45} {d.family}/{daemons:12} {len(d.examples)} examples")
