"""``mailtls``: the command line. Each command lives in its own module of this package."""

from __future__ import annotations

import importlib
import sys

import click

from pipeline.errors import MailtlsError

# name → module of this package holding a command of that name. A command's module is imported
# only when that command runs (or help lists them all): pandas, DuckDB and Arrow cost a second of
# start-up, which `mailtls ingest` over an unchanged set would otherwise spend importing.
COMMANDS = (
    "ingest",
    "compact",
    "explain",
    "dialects",
    "report",
    "users",
    "sql",
    "dashboard",
    "notify",
    "demo",
)

EPILOG = """\b
Examples:
  mailtls explain 'Jun 13 20:20:21 mx dovecot: imap-login: Login: user=<a@b>, ...'
  mailtls dialects --check
"""


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(f"{__name__}.{cmd_name}")
        command: click.Command = getattr(module, cmd_name)
        return command


@click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mailtls")
def cli() -> None:
    """Find who still sends mail passwords in cleartext or over legacy TLS (RFC 8314)."""


def main() -> None:
    """Console entry point: environment errors become one line on stderr and exit code 1."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except MailtlsError as exc:
        click.echo(f"mailtls: error: {exc}", err=True)
        sys.exit(1)
    except Exception as exc:
        if not type(exc).__module__.startswith(("duckdb", "_duckdb")):
            raise
        # a query of a command's own that met the lake mid-change, or DuckDB refusing: one line
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        click.echo(f"mailtls: error: {first}", err=True)
        sys.exit(1)
