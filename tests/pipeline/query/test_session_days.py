"""overview's session counts and daily_trend, both read from one session_days scan, against
the separate scans they replace (windows on and off midnight)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
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


# (previous window's start, the window's start, its end, the trend's start): windows on and off
# midnight, a trend starting inside the previous window, on its first day, and on the window's
STITCHES = [
    (date(2025, 3, 1), date(2025, 3, 15), date(2025, 3, 28), at("2025-03-03 00:00")),
    (
        at("2025-02-26 06:30"),
        at("2025-03-13 06:30"),
        at("2025-03-28 17:45"),
        at("2025-02-26 00:00"),
    ),
    (
        at("2025-03-02 23:59"),
        at("2025-03-17 12:00"),
        at("2025-04-01 00:00"),
        at("2025-03-17 00:00"),
    ),
    (date(2025, 4, 10), date(2025, 4, 20), date(2025, 4, 30), at("2025-04-12 00:00")),  # no data
]


@pytest.mark.parametrize(("before", "since", "until", "trend_since"), STITCHES)
def test_stitched_days_give_the_trends_of_a_scan(
    lake: Path,
    before: date | datetime,
    since: date | datetime,
    until: date | datetime,
    trend_since: datetime,
) -> None:
    with connect(lake) as con:
        window = queries.window(con, since=since, until=until)
        previous = queries.Window(
            queries.window(con, since=before, until=since).since, window.since
        )
        frames = [
            (w, queries.session_days(con, since=w.since, until=w.until)) for w in (previous, window)
        ]
        stitched = queries.stitch_days(trend_since, frames)
        assert stitched is not None
        for trend in (queries.daily_trend, queries.weekly_trend):
            expected = trend(con, since=trend_since, until=window.until)
            actual = trend(con, since=trend_since, until=window.until, days=stitched)
            pd.testing.assert_frame_equal(actual, expected, check_exact=True)


def test_days_that_do_not_reach_back_are_not_stitched(lake: Path) -> None:
    with connect(lake) as con:
        window = queries.window(con, since=date(2025, 3, 15), until=date(2025, 3, 28))
        days = queries.session_days(con, since=window.since, until=window.until)
        gap = queries.Window(window.since - timedelta(days=7), window.since - timedelta(days=1))
    assert queries.stitch_days(at("2025-03-14 00:00"), [(window, days)]) is None
    assert queries.stitch_days(gap.since, [(gap, days), (window, days)]) is None
