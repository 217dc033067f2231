"""``mailtls dashboard``: run the Streamlit dashboard over a lake."""

from __future__ import annotations

import importlib.util
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType
from typing import Final

import click

from pipeline.children import death_signal_hook
from pipeline.errors import MailtlsError
from pipeline.query.db import default_lake

EPILOG = """\b
Examples:
  mailtls dashboard
  mailtls dashboard --lake /srv/mailtls-lake --plan plan.toml --port 8502
"""


def app_script() -> Path:
    """The packaged dashboard's entrypoint, found without importing Streamlit."""
    spec = importlib.util.find_spec("app")
    if spec is None or not spec.submodule_search_locations:
        raise MailtlsError("the dashboard package `app` is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "streamlit_app.py"


LOOPBACK: Final = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
UNGUARDED = (
    "warning: the dashboard has no login of its own: on {address} anyone who can reach port "
    "{port} sees every user's name, level and reset flag. Keep it on localhost behind a "
    "reverse proxy that asks for a login (docs/security.md, The dashboard)."
)


def is_exposed(address: str) -> bool:
    """Whether ``address`` lets other machines connect (anything but the loopback)."""
    return address.strip().lower() not in LOOPBACK and not address.startswith("127.")


def streamlit_command(
    lake: Path, port: int, plan: Path | None, address: str, config: Path | None = None
) -> list[str]:
    """The ``streamlit run`` line: headless, no usage statistics, the lake after ``--``."""
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_script()),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
        "--",
        "--lake",
        str(lake),
    ]
    command += ["--plan", str(plan)] if plan else []
    return command + (["--config", str(config)] if config else [])


@click.command(epilog=EPILOG)
@click.option(
    "--lake",
    type=click.Path(path_type=Path),
    help="Lake folder [default: $MAILTLS_LAKE or ./mailtls-lake].",
)
@click.option(
    "--plan",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Migration plan (plan.toml) to track.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8501,
    show_default=True,
    help="Port to serve on.",
)
@click.option(
    "--address",
    default="localhost",
    show_default=True,
    help="Address to listen on. The dashboard has no login: anything but localhost warns.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Site configuration, for its [evidence] rule (default ./mailtls.toml when present).",
)
def dashboard(
    lake: Path | None, plan: Path | None, port: int, address: str, config_path: Path | None
) -> None:
    """Serve the dashboard (overview, users, migration plan, data quality) in the browser."""
    if importlib.util.find_spec("streamlit") is None:
        raise MailtlsError("the dashboard needs Streamlit: pip install 'mailtls[app]'")
    command = streamlit_command(lake or default_lake(), port, plan, address, config_path)
    if is_exposed(address):
        click.echo(UNGUARDED.format(address=address, port=port), err=True)
    click.echo(f"mailtls dashboard on http://{address}:{port} (Ctrl-C to stop)", err=True)
    sys.exit(serve(command))


def serve(command: list[str]) -> int:
    """Run the server until it ends; a SIGTERM or SIGHUP to this process is passed on to it,
    and it gets SIGTERM from the kernel if this process dies any other way (``kill -9``)."""
    child = subprocess.Popen(command, preexec_fn=death_signal_hook(signal.SIGTERM))

    def forward(signum: int, _frame: FrameType | None) -> None:
        child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        while True:
            try:
                code = child.wait()
                break
            except KeyboardInterrupt:  # Ctrl-C reached the child too: wait for it to stop
                code = 0
                child.send_signal(signal.SIGINT)
        return 0 if code in (0, -signal.SIGINT, -signal.SIGTERM) else code
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
