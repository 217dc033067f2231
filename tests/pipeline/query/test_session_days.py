"""overview's session counts and daily_trend, both read from one session_days scan, against
the separate scans they replace (windows on and off midnight)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from pipeline.query import queries
from pipeline.query.db import connect
from tests.pipeline.lakes import at, random_sessions, write_table

# what overview counted over the window's sessions, and daily_trend per day, before
OVERVIEW_SESSIONS = """
SELECT
    count(*) FILTER (WHERE is_mua_service) AS session_count,
    count(*) FILTER (WHERE is_level_evidence) AS login_count,
    count(*) FILTER (WHERE is_level_evidence AND is_tls_known)
        / nullif(count(*) FILTER (WHERE is_level_evidence), 0) AS coverage,
    CAST(coalesce(sum(failed_attempts) FILTER (WHERE is_mua_service), 0) AS BIGINT)
        AS failed_login_count,
    count(*) FILTER (WHERE service = 'smtp') AS smtp_session_count
FROM session_levels WHERE event_at >= $since AND event_at < $until
    AND partition_date BETWEEN CAST($since AS DATE) AND CAST($until AS DATE)
"""
DAILY_TREND = """
SELECT partition_date AS day,
    count(*) FILTER (WHERE security = 'cleartext' AND (is_login OR is_refused))
        AS cleartext_logins,
    count(*) FILTER (WHERE security = 'legacy_tls' AND is_login) AS legacy_tls_logins,
    count(*) FILTER (WHERE security = 'modern_tls' AND is_login) AS modern_tls_logins,
    count(*) FILTER (WHERE security IN ('tls_unknown', 'unknown') AND is_login)
        AS unknown_logins,
    count(*) FILTER (WHERE service = 'smtp') AS smtp_sessions
FROM (
    SELECT partition_date, security, service,
        auth_result = 'ok' AND NOT is_trusted_hop AND service <> 'smtp' AS is_login,
        auth_result = 'refused_cleartext' AND service <> 'smtp' AS is_refused
    FROM session_levels
    WHERE partition_date >= CAST($since AS DATE) AND partition_date < CAST($until AS DATE)
)
GROUP BY day ORDER BY day
"""
WINDOWS = [
    (date(2025, 3, 1), date(2025, 3, 31)),
    (at("2025-03-01 06:30"), at("2025-03-20 17:45")),
    (date(2025, 1, 1), date(2025, 1, 31)),  # before every session
]


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("random-lake")
    write_table(path, "sessions", random_sessions(7, 600), "event_at")
    return path


@pytest.mark.parametrize(("since", "until"), WINDOWS)
def test_one_scan_equals_the_separate_ones(
    lake: Path, since: date | datetime, until: date | datetime
) -> None:
    with connect(lake) as con:
        window = queries.window(con, since=since, until=until)
        bounds = {"since": window.since, "until": window.until}
        overview = queries.overview(con, since=since, until=until)
        trend = queries.daily_trend(con, since=since, until=until)
        expected_sessions = con.execute(OVERVIEW_SESSIONS, bounds).df()
        expected_trend = con.execute(DAILY_TREND, bounds).df()
    actual_sessions = overview[list(expected_sessions.columns)]
    pd.testing.assert_frame_equal(actual_sessions, expected_sessions, check_exact=True)
    pd.testing.assert_frame_equal(trend, expected_trend, check_exact=True)


def test_the_window_has_sessions_to_compare(lake: Path) -> None:
    with connect(lake) as con:
        overview = queries.overview(con, since=WINDOWS[1][0], until=WINDOWS[1][1])
        trend = queries.daily_trend(con, since=WINDOWS[1][0], until=WINDOWS[1][1])
    assert overview.loc[0, "session_count"] > 50
    assert overview.loc[0, "failed_login_count"] > 0
    assert len(trend) == 19  # 1 to 19 March: the day of a mid-day `until` is left out
