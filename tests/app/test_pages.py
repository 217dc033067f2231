"""One AppTest smoke test per dashboard page over the hand-written lake of tests/small_lake.py,
plus the empty-lake state and the name pseudonymisation."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import app
from pipeline.query.privacy import pseudonym
from tests.small_lake import (
    EXPECTED_USERS,
    NOT_USERS,
    REJECT_KINDS,
    write_plan,
    write_small_lake,
)

ENTRYPOINT = Path(app.__file__).with_name("streamlit_app.py")
TIMEOUT = 30


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_small_lake(tmp_path_factory.mktemp("lake"))


@pytest.fixture
def dashboard(lake: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("MAILTLS_LAKE", str(lake))
    monkeypatch.setenv("MAILTLS_PLAN", str(write_plan(tmp_path / "plan.toml")))
    monkeypatch.setenv("MAILTLS_PSEUDONYM_KEY", "test-key")
    return AppTest.from_file(str(ENTRYPOINT), default_timeout=TIMEOUT)


def _open(at: AppTest, page: str | None = None) -> AppTest:
    at.run()
    if page is not None:
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def test_overview_counts_users_per_level(dashboard: AppTest) -> None:
    at = _open(dashboard)
    metrics = {m.label: m.value for m in at.metric}
    details = {m.label: m.delta for m in at.metric}
    levels = [level for level, _ in EXPECTED_USERS.values()]
    assert metrics["L0 cleartext"] == str(levels.count("L0"))
    assert metrics["L1 legacy TLS"] == str(levels.count("L1"))
    assert metrics["L3 implicit TLS"] == str(levels.count("L3"))
    assert metrics["Level unknown"] == str(levels.count("unknown"))
    resets = sum(reset for _, reset in EXPECTED_USERS.values())
    assert metrics["Users requiring a password reset"] == str(resets)
    # P0 has an actual date; P1, planned 2025-02-10, is open and late
    assert metrics["Current plan phase"] == "P1"
    assert details["Current plan phase"] == "Offer implicit-TLS endpoints, late, due 2025-02-10"


def test_users_page_lists_every_user_at_their_level(dashboard: AppTest) -> None:
    at = _open(dashboard, "users")
    table = at.dataframe[0].value
    assert (
        dict(
            zip(
                table["user_name"],
                zip(table["level"], table["password_reset_required"], strict=True),
                strict=True,
            )
        )
        == EXPECTED_USERS
    )
    assert not set(NOT_USERS) & set(table["user_name"])
    assert len(at.get("download_button")) == 1


def test_users_page_filters_by_level(dashboard: AppTest) -> None:
    at = _open(dashboard, "users")
    at.sidebar.multiselect[0].set_value(["L0"]).run()
    shown = set(at.dataframe[0].value["user_name"])
    assert shown == {u for u, (level, _) in EXPECTED_USERS.items() if level == "L0"}


def test_users_page_filters_by_service(dashboard: AppTest) -> None:
    at = _open(dashboard, "users")
    at.sidebar.multiselect[1].set_value(["pop3"]).run()
    # bob is the only user seen on POP3 (tests/small_lake.py)
    assert at.dataframe[0].value["user_name"].tolist() == ["bob@example.org"]


def test_pseudonymise_toggle_hides_names(dashboard: AppTest) -> None:
    at = _open(dashboard, "users")
    at.sidebar.toggle[0].set_value(True).run()
    names = set(at.dataframe[0].value["user_name"])
    assert names == {pseudonym(u, b"test-key") for u in EXPECTED_USERS}


def test_migration_plan_page_shows_every_phase(dashboard: AppTest) -> None:
    at = _open(dashboard, "migration_plan")
    phases = at.dataframe[0].value
    assert list(phases["phase"]) == ["P0", "P1", "P5"]
    assert phases.set_index("phase").loc["P0", "date_changes"] == 1
    assert phases.set_index("phase")["is_late"].to_dict() == {"P0": False, "P1": True, "P5": False}
    # P0's history, in its expander, is the second table: the criteria come first
    history = at.dataframe[2].value
    assert history["reason"].tolist() == ["Dovecot log format lacked the local port"]


def test_migration_plan_page_without_plan_says_how_to_add_one(
    dashboard: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MAILTLS_PLAN")
    at = _open(dashboard, "migration_plan")
    assert "--plan" in at.info[0].value


def test_data_quality_page_shows_rejects_by_kind(dashboard: AppTest) -> None:
    at = _open(dashboard, "data_quality")
    rejects = at.dataframe[0].value.set_index("kind")["reject_count"].to_dict()
    assert rejects == REJECT_KINDS
    assert {m.label: m.value for m in at.metric}["Files ingested"] == "1"


def test_empty_lake_tells_how_to_ingest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILTLS_LAKE", str(tmp_path / "nothing-here"))
    at = _open(AppTest.from_file(str(ENTRYPOINT), default_timeout=TIMEOUT))
    assert "mailtls ingest" in at.info[0].value
