"""The dashboard on the lab's eight-week history, as `make demo` shows it: the overview's trend
covers every week by default, its key figures are those of pipeline.query.queries, the plan page
shows met, ahead, late and upcoming phases computed from the data, and the users page drills
into one user."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import app
from pipeline.plan.phases import load_plan
from pipeline.query import db, queries
from tests.history_lake import PLAN, write_history_lake

ENTRYPOINT = Path(app.__file__).with_name("streamlit_app.py")
TIMEOUT = 60
WEEKS = 8  # sample_data/history: 2026-10-05 to 2026-11-29


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_history_lake(tmp_path_factory.mktemp("history") / "lake")


@pytest.fixture
def dashboard(lake: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("MAILTLS_LAKE", str(lake))
    monkeypatch.setenv("MAILTLS_PLAN", str(PLAN))
    monkeypatch.delenv("MAILTLS_PSEUDONYM_KEY", raising=False)
    return AppTest.from_file(str(ENTRYPOINT), default_timeout=TIMEOUT)


def _open(at: AppTest, page: str | None = None) -> AppTest:
    at.run()
    if page is not None:
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def _captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def test_overview_trend_covers_the_whole_history(dashboard: AppTest, lake: Path) -> None:
    at = _open(dashboard)
    assert f"{WEEKS} weeks from 2026-10-05" in _captions(at)  # the 30-day window has 5
    at.segmented_control[0].set_value("Last 4 weeks").run()
    assert "4 weeks from 2026-11-02" in _captions(at)


def test_overview_key_figures_change_against_the_previous_window(
    dashboard: AppTest, lake: Path
) -> None:
    at = _open(dashboard)
    metrics = {m.label: (m.value, m.delta) for m in at.metric}
    with db.connect(lake) as con:
        kpis = queries.key_changes(con, window_days=30).set_index("key")
    assert metrics["Cleartext logins"] == (
        str(int(kpis.loc["cleartext_logins", "now"])),
        str(int(kpis.loc["cleartext_logins", "change"])),
    )
    assert metrics["Modern TLS share"][0] == f"{kpis.loc['modern_share', 'now']:.1%}"
    assert int(kpis.loc["cleartext_logins", "change"]) < 0  # the migration moves


def test_plan_page_shows_phase_states_computed_from_the_data(
    dashboard: AppTest, lake: Path
) -> None:
    at = _open(dashboard, "migration_plan")
    counts = {m.label: m.value for m in at.metric}
    assert counts == {
        "Phases met": "3",
        "Phases ahead": "1",
        "Phases late": "1",
        "Phases upcoming": "2",
    }
    table = at.dataframe[0].value.set_index("phase")
    with db.connect(lake) as con:
        timeline = queries.plan_timeline(con, load_plan(PLAN)).set_index("phase")
    assert table["state"].to_dict() == timeline["state"].to_dict()
    assert table.loc["P3", "state"] == "late" and table.loc["P3", "days_late"] == 9
    assert table.loc["P2", "slip_days"] == 7  # moved from 2026-11-06 to 2026-11-13
    assert table.loc["P5", "state"] == "ahead"


def test_users_page_drills_into_one_user(dashboard: AppTest, lake: Path) -> None:
    at = _open(dashboard, "users")
    at.selectbox(key="drill_user").set_value("frank@lab.example").run()
    assert not at.exception, at.exception
    devices = at.dataframe[1].value
    with db.connect(lake) as con:
        expected = queries.user_devices(con, "frank@lab.example", window_days=365)
    pd.testing.assert_frame_equal(
        devices.reset_index(drop=True), expected, check_dtype=False, check_index_type=False
    )
    assert {m.label: m.value for m in at.metric}["Client IPs"] == str(len(expected))
