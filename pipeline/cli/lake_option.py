"""``--lake``: the option every command that reads or writes the lake takes. Kept apart from
:mod:`pipeline.cli.query_options` so ``mailtls ingest`` does not import the query stack."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from pipeline.lake.writer import DEFAULT_LAKE, LAKE_ENV, default_lake

F = TypeVar("F", bound=Callable[..., Any])


def lake_option(command: F) -> F:
    return click.option(
        "--lake",
        type=click.Path(file_okay=False, path_type=Path),
        default=default_lake,
        show_default=f"${LAKE_ENV} or ./{DEFAULT_LAKE}",
        help="The lake folder written by `mailtls ingest`.",
    )(command)
