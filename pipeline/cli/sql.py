"""``mailtls sql``: DuckDB SQL over the lake with every view and mart in place."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import duckdb

from pipeline.cli.lake_option import lake_option
from pipeline.cli.query_options import config_option, frame_format_option
from pipeline.config import load_config
from pipeline.query.db import connect
from pipeline.report.render import frame_as

EPILOG = """\b
Examples:
  mailtls sql "SELECT level, count(*) FROM user_posture(TIMESTAMPTZ '2025-03-01', TIMESTAMPTZ '2025-04-01', NULL) GROUP BY ALL"
  mailtls sql --format csv "SELECT * FROM daily_security ORDER BY day"
  mailtls sql            # interactive: end statements with ';', .tables lists the views
"""
PROMPT = "mailtls> "


@click.command(epilog=EPILOG)
@lake_option
@config_option
@frame_format_option
@click.argument("query", required=False)
def sql(lake: Path, config_path: Path | None, fmt: str, query: str | None) -> None:
    """Run QUERY and print its result, or read statements from stdin (a prompt on a terminal)."""
    with connect(lake, evidence=load_config(config_path).evidence) as con:
        if query is not None:
            click.echo(_run(con, query, fmt), nl=False)
            return
        if not sys.stdin.isatty():
            click.echo(_run(con, sys.stdin.read(), fmt), nl=False)
            return
        _loop(con, fmt)


def _run(con: duckdb.DuckDBPyConnection, query: str, fmt: str) -> str:
    if query.strip() == ".tables":
        query = """
            SELECT table_name AS name, 'view' AS kind FROM information_schema.tables
            UNION ALL
            SELECT function_name || '(' || array_to_string(parameters, ', ') || ')', 'table macro'
            FROM duckdb_functions() WHERE function_type = 'table_macro' AND NOT internal
            ORDER BY kind DESC, name"""
    try:
        result = con.execute(query)
    except duckdb.Error as exc:
        raise click.ClickException(str(exc).splitlines()[0]) from exc
    if result.description is None:
        return ""
    return frame_as(result.df(), fmt, styled=sys.stdout.isatty())


def _loop(con: duckdb.DuckDBPyConnection, fmt: str) -> None:
    click.echo("DuckDB over the lake. Views: .tables  Quit: .quit or Ctrl-D")
    pending: list[str] = []
    while True:
        try:
            line = input(PROMPT if not pending else "    ...> ")
        except EOFError:
            click.echo()
            return
        if not pending and line.strip() in (".quit", ".exit"):
            return
        pending.append(line)
        statement = "\n".join(pending).strip()
        if statement == ".tables" or statement.endswith(";"):
            pending.clear()
            try:
                click.echo(_run(con, statement, fmt), nl=False)
            except click.ClickException as exc:
                click.echo(f"error: {exc.message}", err=True)
