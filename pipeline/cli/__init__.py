"""``mailtls``: the command line. Each command lives in its own module of this package."""

from __future__ import annotations

import sys

import click

from pipeline.cli import dashboard, dialects, explain, ingest, notify, report, sql, users
from pipeline.errors import MailtlsError

EPILOG = """\b
Examples:
  mailtls explain 'Jun 13 20:20:21 mx dovecot: imap-login: Login: user=<a@b>, ...'
  mailtls dialects --check
"""


@click.group(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mailtls")
def cli() -> None:
    """Find who still sends mail passwords in cleartext or over legacy TLS (RFC 8314)."""


for command in (
    ingest.ingest,
    explain.explain,
    dialects.dialects,
    report.report,
    users.users,
    sql.sql,
    dashboard.dashboard,
    notify.notify,
):
    cli.add_command(command)


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
