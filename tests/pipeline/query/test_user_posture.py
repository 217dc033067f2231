"""user_posture row by row against values read by hand from the rows in conftest.py."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from pipeline.query import queries
from pipeline.query.db import connect
from tests.pipeline.lakes import at

MARCH = {"since": date(2025, 3, 1), "until": date(2025, 3, 31)}
NONE = None

# user: level, reset, last_cleartext_at, last_legacy_tls_at, coverage, sessions, logins, failed,
#       failed IPs, trusted hops, received hops, client IPs
EXPECTED: dict[str, tuple[Any, ...]] = {
    "dave@example.org": ("L0", True, at("2025-03-12 07:30"), NONE, 1.0, 1, 1, 0, 0, 0, 0, 1),
    "judy@example.org": ("L0", True, at("2025-03-14 06:00"), NONE, 1.0, 2, 2, 0, 0, 0, 0, 1),
    "nina@example.org": ("L0", True, at("2025-03-21 09:00"), NONE, 1.0, 1, 1, 0, 0, 0, 1, 1),
    "erin@example.org": ("L1", False, NONE, at("2025-03-13 10:00"), 1.0, 1, 1, 0, 0, 0, 0, 1),
    "frank@example.org": ("L2", False, NONE, NONE, 1.0, 1, 1, 0, 0, 0, 0, 1),
    "kim@example.org": ("L2", False, NONE, NONE, 1.0, 2, 2, 0, 0, 0, 0, 2),
    "carol@example.org": ("L3", False, NONE, NONE, 1.0, 2, 1, 3, 1, 0, 0, 2),
    "hank@example.org": ("L3", False, NONE, NONE, 0.5, 2, 2, 0, 0, 0, 0, 1),
    "leo@example.org": ("L3", True, at("2025-02-10 10:00"), NONE, 1.0, 1, 1, 0, 0, 0, 0, 1),
    "gina@example.org": ("unknown", False, NONE, NONE, 0.0, 1, 1, 0, 0, 0, 0, 1),
    "ivan@example.org": ("unknown", False, NONE, NONE, NONE, 1, 0, 0, 0, 1, 0, 1),
    "pat@example.org": ("unknown", False, NONE, NONE, NONE, 1, 0, 0, 0, 1, 1, 1),
}
COLUMNS = (
    "level",
    "password_reset_required",
    "last_cleartext_at",
    "last_legacy_tls_at",
    "coverage",
    "sessions_count",
    "login_count",
    "failed_count",
    "failed_ip_count",
    "trusted_hop_count",
    "received_hop_count",
    "client_ip_count",
)


@pytest.fixture(scope="module")
def con(lake: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(lake)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def posture(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return queries.user_posture(con, **MARCH)


def _same(actual: Any, expected: Any) -> bool:
    if expected is None:
        return (
            actual is None or actual is pd.NaT or (isinstance(actual, float) and math.isnan(actual))
        )
    if isinstance(expected, float):
        return math.isclose(actual, expected)
    return bool(actual == expected)


def test_users_and_order(posture: pd.DataFrame) -> None:
    # worst level first, then by name; mallory (port 25 only), olivia (before the window) and
    # olga (another operator's server) are absent; Kim@Example.org merged into kim@example.org
    assert list(posture["user_name"]) == list(EXPECTED)


@pytest.mark.parametrize("user", list(EXPECTED))
def test_user_row(posture: pd.DataFrame, user: str) -> None:
    row = posture.set_index("user_name").loc[user]
    wrong = {
        column: (row[column], expected)
        for column, expected in zip(COLUMNS, EXPECTED[user], strict=True)
        if not _same(row[column], expected)
    }
    assert not wrong, f"{user}: (actual, expected) {wrong}"


def test_per_service_counts(posture: pd.DataFrame) -> None:
    rows = posture.set_index("user_name")
    assert rows.loc["carol@example.org", "imap_count"] == 2
    assert rows.loc["carol@example.org", "pop3_count"] == 0
    assert rows.loc["kim@example.org", ["imap_count", "submission_count"]].tolist() == [1, 1]
    assert rows.loc["hank@example.org", ["l3_count", "unknown_count"]].tolist() == [1, 1]
    assert rows.loc["judy@example.org", "refused_cleartext_count"] == 1


def test_first_and_last_seen_stay_in_window(posture: pd.DataFrame) -> None:
    carol = posture.set_index("user_name").loc["carol@example.org"]
    assert carol["first_seen_at"] == at("2025-03-10 08:00")
    assert carol["last_seen_at"] == at("2025-03-11 02:00")


def test_baseline_limits_the_reset_flag(con: duckdb.DuckDBPyConnection) -> None:
    frame = queries.user_posture(con, baseline=date(2025, 3, 1), **MARCH)
    flagged = set(frame.loc[frame["password_reset_required"], "user_name"])
    # leo's only cleartext login (February) is before the baseline
    assert flagged == {"dave@example.org", "judy@example.org", "nina@example.org"}


def test_level_filter(con: duckdb.DuckDBPyConnection) -> None:
    frame = queries.user_posture(con, levels=["L1", "L2"], **MARCH)
    assert list(frame["user_name"]) == ["erin@example.org", "frank@example.org", "kim@example.org"]


def test_default_window_ends_after_the_last_day(con: duckdb.DuckDBPyConnection) -> None:
    # the last session is carol's on 2025-04-02: 30 days back from 2025-04-03 is 2025-03-04
    w = queries.window(con)
    assert (w.since, w.until) == (at("2025-03-04 00:00"), at("2025-04-03 00:00"))
    carol = queries.user_posture(con).set_index("user_name").loc["carol@example.org"]
    assert carol["level"] == "L0"
    assert carol["last_cleartext_at"] == at("2025-04-02 09:00")


def test_level_counts(con: duckdb.DuckDBPyConnection) -> None:
    frame = queries.level_counts(con, **MARCH)
    assert frame.values.tolist() == [
        ["L0", 3, 3],
        ["L1", 1, 0],
        ["L2", 2, 0],
        ["L3", 3, 1],
        ["unknown", 3, 0],
    ]


def test_empty_lake_has_every_view(empty_lake: Path) -> None:
    with connect(empty_lake) as con:
        assert queries.user_posture(con).empty
        assert list(queries.level_counts(con)["user_count"]) == [0, 0, 0, 0, 0]
        assert queries.daily_security(con).empty
        assert queries.rejects_summary(con).empty
        assert queries.overview(con).loc[0, "user_count"] == 0


def test_hop_without_client_ip_next_to_a_logged_submission_is_that_login(tmp_path: Path) -> None:
    from tests.pipeline.lakes import hop, session, write_table

    logged = session(
        user_name="f@example.org",
        event_at=at("2025-03-17 09:00"),
        service="submission",
        client_ip="192.0.2.1",
        tls_mode="starttls",
        tls_version="TLSv1.2",
        security="modern_tls",
    )
    header = hop(
        message_key="a",
        auth_user="f@example.org",
        received_at=at("2025-03-17 09:01"),
        from_ip=None,
        tls=False,
        security="cleartext",
    )
    write_table(tmp_path, "sessions", [logged], "event_at")
    write_table(tmp_path, "received_hops", [header], "received_at")
    with connect(tmp_path) as con:
        frame = queries.user_posture(con, **MARCH)
    assert frame[["user_name", "level", "received_hop_count"]].values.tolist() == [
        ["f@example.org", "L2", 0]
    ]
