"""The analysts' notebooks: stored without outputs, and every code cell runs against the
hand-written lake (plain ``exec`` in one namespace, as a kernel would, top to bottom)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.small_lake import EXPECTED_USERS, write_plan, write_small_lake

NOTEBOOKS = Path(__file__).parents[2] / "notebooks"


def _cells(name: str) -> list[dict[str, Any]]:
    doc = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    cells: list[dict[str, Any]] = doc["cells"]
    return cells


def _run(name: str, lake_dir: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("MAILTLS_LAKE", str(write_small_lake(lake_dir / "lake")))
    monkeypatch.setenv("MAILTLS_PLAN", str(write_plan(lake_dir / "plan.toml")))
    namespace: dict[str, Any] = {"__name__": "__main__"}
    for n, cell in enumerate(c for c in _cells(name) if c["cell_type"] == "code"):
        exec(compile("".join(cell["source"]), f"{name}.ipynb[{n}]", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    for cell in _cells(path.stem):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name}: clear outputs before committing"
            assert cell["execution_count"] is None, f"{path.name}: clear execution counts"


def test_explore_lake_runs_and_finds_every_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ns = _run("explore_lake", tmp_path, monkeypatch)
    posture = ns["posture"]
    assert dict(zip(posture["user_name"], posture["level"], strict=True)) == {
        user: level for user, (level, _) in EXPECTED_USERS.items()
    }
    # bob is the only user on TLS 1.0 (tests/small_lake.py), from 192.0.2.10
    assert ns["legacy_clients"][["client_ip", "tls_version", "users"]].values.tolist() == [
        ["192.0.2.10", "TLSv1.0", 1]
    ]


def test_migration_progress_runs_and_lists_exposed_users(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ns = _run("migration_progress", tmp_path, monkeypatch)
    assert ns["phases"]["phase"].tolist() == ["P0", "P1", "P5"]
    assert ns["date_changes"]["reason"].tolist() == ["Dovecot log format lacked the local port"]
    exposed = {u for u, (level, _) in EXPECTED_USERS.items() if level in ("L0", "L1")}
    assert set(ns["still_exposed"]["user_name"]) == exposed
    resets = {u for u, (_, reset) in EXPECTED_USERS.items() if reset}
    assert set(ns["resets"]["user_name"]) == resets


def test_user_microscope_runs_on_the_worst_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MAILTLS_USER", raising=False)
    ns = _run("user_microscope", tmp_path, monkeypatch)
    worst = min(EXPECTED_USERS.items(), key=lambda item: (item[1][0], item[0]))[0]
    assert ns["USER"] == worst
    assert set(ns["devices"]["worst_level"]) == {EXPECTED_USERS[worst][0]}


# ------------------------------------------------------------------------------------------------
# Every notebook on the lab's eight-week history (sample_data/history/), as `make demo` shows it
# ------------------------------------------------------------------------------------------------
SAMPLE = Path(__file__).parents[2] / "sample_data"


@pytest.fixture(scope="module")
def history_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from pipeline.cli import cli

    lake = tmp_path_factory.mktemp("history") / "lake"
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


def _run_on_history(name: str, lake: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("MAILTLS_LAKE", str(lake))
    monkeypatch.setenv("MAILTLS_PLAN", str(SAMPLE / "plan.toml"))
    namespace: dict[str, Any] = {"__name__": "__main__"}
    for n, cell in enumerate(c for c in _cells(name) if c["cell_type"] == "code"):
        exec(compile("".join(cell["source"]), f"{name}.ipynb[{n}]", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_notebook_runs_on_the_sample_history(
    path: Path, history_lake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAILTLS_USER", "frank@lab.example")
    _run_on_history(path.stem, history_lake, monkeypatch)


def test_user_microscope_finds_franks_devices_and_every_message_he_sent(
    history_lake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import csv

    monkeypatch.setenv("MAILTLS_USER", "frank@lab.example")
    ns = _run_on_history("user_microscope", history_lake, monkeypatch)
    # lab/week.py: frank's phone is 127.0.0.16, his laptop 127.0.0.26 (cleartext IMAP until
    # week 4, STARTTLS in weeks 5-6, implicit TLS from week 7)
    devices = ns["devices"]
    assert set(devices.index) == {"127.0.0.16", "127.0.0.26"}
    assert devices.loc["127.0.0.26", "worst_level"] == "L0"
    assert devices.loc["127.0.0.26", "last_level"] == "L3"
    with open(SAMPLE / "history" / "ground_truth" / "messages.csv", newline="") as handle:
        sent = [r for r in csv.DictReader(handle) if r["user"] == "frank@lab.example"]
    submissions = ns["submissions"]
    assert submissions["message_id"].nunique() == len(sent)
    assert set(submissions["tls_version"].dropna()) == {r["tls_version"] for r in sent}
