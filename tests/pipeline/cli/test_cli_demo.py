"""`mailtls demo`: the sample folder ingested, reported on and handed to the dashboard."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.cli.demo import SAMPLE_INPUTS, SAMPLE_PLAN, checkout_sample_data


def test_demo_ingests_every_sample_file_and_reports(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    result = CliRunner().invoke(cli, ["demo", "--no-dashboard", "--lake", str(lake)])
    assert result.exit_code == 0, result.output
    data = checkout_sample_data()
    files = sum(1 for name in SAMPLE_INPUTS for p in (data / name).rglob("*") if p.is_file())
    ingested = re.search(r"^files ingested\s+(\d+)$", result.output, re.MULTILINE)
    assert ingested and int(ingested[1]) == files, result.output
    assert "Migration plan" in result.output and (lake / "sessions").is_dir()


def test_demo_serves_the_dashboard_on_its_lake_and_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("streamlit")
    served: list[list[str]] = []
    from pipeline.cli import dashboard

    monkeypatch.setattr(dashboard, "serve", lambda command: served.append(command) or 0)
    lake = tmp_path / "lake"
    result = CliRunner().invoke(cli, ["demo", "--lake", str(lake), "--port", "8599"])
    assert result.exit_code == 0, result.output
    (command,) = served
    assert command[command.index("--server.port") + 1] == "8599"
    assert command[-4:] == [
        "--lake",
        str(lake),
        "--plan",
        str(checkout_sample_data() / SAMPLE_PLAN),
    ]


def test_demo_without_sample_data_says_where_it_looked(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["demo", "--no-dashboard", "--data", str(tmp_path)])
    assert result.exit_code != 0
    assert f"no sample data at {tmp_path}" in str(result.exception)
