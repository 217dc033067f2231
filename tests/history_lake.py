"""The lab's eight-week migration history (sample_data/history/), ingested as `make demo` does,
for the tests that look at it through the dashboard."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from click.testing import CliRunner

from pipeline.cli import cli

ROOT: Final = Path(__file__).resolve().parents[1]
SAMPLE: Final = ROOT / "sample_data"
PLAN: Final = SAMPLE / "plan.toml"


def write_history_lake(lake: Path) -> Path:
    result = CliRunner().invoke(
        cli,
        [
            "ingest",
            str(SAMPLE / "history" / "logs"),
            str(SAMPLE / "history" / "maildir"),
            "--lake",
            str(lake),
            "--config",
            str(SAMPLE / "mailtls.toml"),
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    return lake
