"""Options shared by the commands that read the lake: --lake, the window, the plan, output."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from pipeline.plan.phases import EMPTY_PLAN, Plan, load_plan
from pipeline.query.queries import DEFAULT_WINDOW_DAYS
from pipeline.report.periods import PERIODS, period_bounds
from pipeline.report.render import FRAME_FORMATS

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_PLAN = "plan.toml"
PERIOD_END = "mailtls.period_end"  # ctx.meta key: the end of a period named by --since


def parse_moment(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> date | datetime | None:
    """``YYYY-MM-DD`` (a whole day), an ISO date and time (UTC unless it says otherwise), or a
    named period (``last-week``, ``last-month``): its first day for --since, its last for
    --until. A period given to --since alone is the whole period: Click handles a missing
    --until after the given --since, and it takes the period's end then."""
    if value is None:
        return ctx.meta.get(PERIOD_END) if param.name == "until" else None
    if value in PERIODS:
        first, last = period_bounds(value, datetime.now(UTC).date())
        if param.name == "since":
            ctx.meta[PERIOD_END] = last
            return first
        return last
    try:
        return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date (2025-03-01), a time (2025-03-01T08:00) "
            f"or one of {', '.join(PERIODS)}"
        ) from None


def window_options(command: F) -> F:
    for option in reversed(
        (
            click.option(
                "--since",
                metavar="DATE",
                callback=parse_moment,
                help="Window start: a date, or last-week / last-month for that whole period "
                "(default: --days before --until).",
            ),
            click.option(
                "--until",
                metavar="DATE",
                callback=parse_moment,
                help="Window end, inclusive for a date (default: the last day in the lake).",
            ),
            click.option(
                "--days",
                "window_days",
                type=click.IntRange(min=1),
                default=DEFAULT_WINDOW_DAYS,
                show_default=True,
                help="Window length when --since is not given.",
            ),
            click.option(
                "--plan",
                "plan_path",
                type=click.Path(dir_okay=False, path_type=Path),
                envvar="MAILTLS_PLAN",
                help=f"Migration plan (default: ./{DEFAULT_PLAN} when present).",
            ),
        )
    ):
        command = option(command)
    return command


def output_option(command: F) -> F:
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write to FILE instead of stdout.",
    )(command)


def config_option(command: F) -> F:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Site configuration, for its [evidence] rule (default ./mailtls.toml when present).",
    )(command)


def frame_format_option(command: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FRAME_FORMATS),
        default="table",
        show_default=True,
    )(command)


def read_plan(path: Path | None) -> Plan:
    if path is not None:
        return load_plan(path)
    default = Path(DEFAULT_PLAN)
    return load_plan(default) if default.is_file() else EMPTY_PLAN


def write_output(text: str, output: Path | None) -> None:
    """To ``output`` when given, else stdout."""
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")


def is_terminal(output: Path | None) -> bool:
    return output is None and sys.stdout.isatty()
