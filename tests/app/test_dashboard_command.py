"""``mailtls dashboard`` hands the lake and plan to ``streamlit run`` on the packaged app."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli, dashboard


def test_dashboard_runs_streamlit_headless_on_the_packaged_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(dashboard, "serve", lambda command: calls.append(command) or 0)
    lake, plan = tmp_path / "lake", tmp_path / "plan.toml"
    result = CliRunner().invoke(
        cli, ["dashboard", "--lake", str(lake), "--plan", str(plan), "--port", "8600"]
    )
    assert result.exit_code == 0, result.output
    [command] = calls
    script = Path(command[command.index("run") + 1])
    assert script.name == "streamlit_app.py" and script.is_file()
    assert command[command.index("--server.port") + 1] == "8600"
    assert command[command.index("--server.headless") + 1] == "true"
    assert command[command.index("--") :] == ["--", "--lake", str(lake), "--plan", str(plan)]


@pytest.mark.parametrize(
    ("address", "warned"),
    [
        ("0.0.0.0", True),
        ("::", True),
        ("192.0.2.1", True),
        ("localhost", False),
        ("127.0.0.1", False),
    ],
)
def test_listening_beyond_localhost_warns_that_there_is_no_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, address: str, warned: bool
) -> None:
    monkeypatch.setattr(dashboard, "serve", lambda command: 0)
    result = CliRunner().invoke(cli, ["dashboard", "--lake", str(tmp_path), "--address", address])
    assert result.exit_code == 0, result.output
    assert ("no login of its own" in result.output) is warned
    assert ("reverse proxy" in result.output) is warned


def test_the_site_config_reaches_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(dashboard, "serve", lambda command: calls.append(command) or 0)
    config = tmp_path / "mailtls.toml"
    result = CliRunner().invoke(
        cli, ["dashboard", "--lake", str(tmp_path), "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    assert calls[0][-2:] == ["--config", str(config)]
