"""``mailtls demo``: the lab's sample data ingested, reported on and shown in the dashboard."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import click

import pipeline
from pipeline.errors import MailtlsError

DEMO_LAKE: Final = "mailtls-demo-lake"
# what the demo reads, relative to the sample folder: the eight-week migration history of the
# lab (sample_data/README.md says how it was made)
SAMPLE_INPUTS: Final = ("history/logs", "history/maildir")
SAMPLE_CONFIG: Final = "mailtls.toml"
SAMPLE_PLAN: Final = "plan.toml"

EPILOG = """\b
Examples:
  mailtls demo                          # ingest, report, then the dashboard on :8501
  mailtls demo --no-dashboard --lake /tmp/demo-lake
"""


def checkout_sample_data() -> Path:
    """``sample_data/`` of the source checkout this package runs from (an editable install)."""
    return Path(pipeline.__file__).resolve().parent.parent / "sample_data"


def sample_paths(data: Path) -> tuple[list[Path], Path, Path]:
    """The inputs, site configuration and plan of a sample folder; one line if any is missing."""
    inputs = [data / name for name in SAMPLE_INPUTS]
    config, plan = data / SAMPLE_CONFIG, data / SAMPLE_PLAN
    for path in (*inputs, config, plan):
        if not path.exists():
            raise MailtlsError(
                f"no sample data at {data} ({path.name} is missing): "
                "run from a mailtls checkout, or pass --data DIR"
            )
    return inputs, config, plan


@click.command(epilog=EPILOG)
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The sample folder [default: sample_data/ of this checkout].",
)
@click.option(
    "--lake",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEMO_LAKE,
    show_default=True,
    help="Lake the demo writes: kept apart from your real one.",
)
@click.option(
    "--dashboard/--no-dashboard",
    "serve",
    default=True,
    show_default=True,
    help="Serve the dashboard after the report.",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@click.pass_context
def demo(ctx: click.Context, data: Path | None, lake: Path, serve: bool, port: int) -> None:
    """Ingest the lab's sample logs and mail, print the report, then serve the dashboard.
    Running it again adds nothing to the lake."""
    from pipeline.cli.dashboard import dashboard
    from pipeline.cli.ingest import ingest
    from pipeline.cli.report import report

    inputs, config, plan = sample_paths(data or checkout_sample_data())
    ctx.invoke(ingest, paths=tuple(map(str, inputs)), lake=lake, config_path=config)
    ctx.invoke(report, lake=lake, plan_path=plan)
    if serve:
        ctx.invoke(dashboard, lake=lake, plan=plan, port=port)
