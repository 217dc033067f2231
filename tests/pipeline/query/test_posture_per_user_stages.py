"""user_posture's per-user counts, computed in two stages (per user and client IP, then per
user), against the one-stage definition with count(DISTINCT) they replace."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipeline.query import queries
from pipeline.query.db import connect
from tests.pipeline.lakes import at, random_sessions, session, write_table

SINCE, UNTIL = date(2025, 3, 1), date(2025, 3, 31)
# what user_posture's per_user CTE was, one GROUP BY with distinct counts
ONE_STAGE = """
SELECT
    user_key AS user_name,
    CASE min(level_rank) FILTER (WHERE is_level_evidence) WHEN 0 THEN 'L0' WHEN 1 THEN 'L1'
        WHEN 2 THEN 'L2' WHEN 3 THEN 'L3' ELSE 'unknown' END AS level,
    count(*) FILTER (WHERE is_level_evidence AND is_tls_known)
        / nullif(count(*) FILTER (WHERE is_level_evidence), 0) AS coverage,
    count(*) AS sessions_count,
    count(*) FILTER (WHERE is_level_evidence) AS login_count,
    CAST(coalesce(sum(failed_attempts), 0) AS BIGINT) AS failed_count,
    count(DISTINCT client_ip) FILTER (WHERE failed_attempts > 0) AS failed_ip_count,
    count(*) FILTER (WHERE is_level_evidence AND level = 'L0') AS l0_count,
    count(*) FILTER (WHERE is_level_evidence AND level = 'L1') AS l1_count,
    count(*) FILTER (WHERE is_level_evidence AND level = 'L2') AS l2_count,
    count(*) FILTER (WHERE is_level_evidence AND level = 'L3') AS l3_count,
    count(*) FILTER (WHERE is_level_evidence AND level = 'unknown') AS unknown_count,
    count(*) FILTER (WHERE is_trusted_hop) AS trusted_hop_count,
    count(*) FILTER (WHERE auth_result = 'refused_cleartext') AS refused_cleartext_count,
    count(*) FILTER (WHERE service = 'imap') AS imap_count,
    count(*) FILTER (WHERE service = 'pop3') AS pop3_count,
    count(*) FILTER (WHERE service = 'submission') AS submission_count,
    count(*) FILTER (WHERE service = 'managesieve') AS managesieve_count,
    count(*) FILTER (WHERE evidence_source = 'received') AS received_hop_count,
    count(DISTINCT client_ip) AS client_ip_count,
    min(event_at) AS first_seen_at,
    max(event_at) AS last_seen_at
FROM login_evidence
WHERE is_mua_service AND user_key IS NOT NULL AND event_at >= $since AND event_at < $until
GROUP BY user_key
HAVING bool_or(is_level_evidence OR is_trusted_hop)
ORDER BY user_name
"""


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_two_stages_equal_the_one_stage_definition(tmp_path: Path, seed: int) -> None:
    write_table(tmp_path, "sessions", random_sessions(seed, 400), "event_at")
    with connect(tmp_path) as con:
        posture = queries.user_posture(con, since=SINCE, until=UNTIL)
        window = queries.window(con, since=SINCE, until=UNTIL)
        expected = con.execute(ONE_STAGE, {"since": window.since, "until": window.until}).df()
    actual = posture.sort_values("user_name", ignore_index=True)[list(expected.columns)]
    assert len(expected) >= 3  # the lake has users to compare
    pd.testing.assert_frame_equal(actual, expected, check_exact=True)


def test_distinct_ip_counts_leave_out_a_missing_ip(tmp_path: Path) -> None:
    # read by hand: three sessions from two IPs and one without; the failures come from
    # 192.0.2.1 (twice) and from the session without an IP
    rows = [
        session(user_name="u@x.org", event_at=at("2025-03-02 08:00"), client_ip="192.0.2.1"),
        session(
            user_name="u@x.org",
            event_at=at("2025-03-02 09:00"),
            client_ip="192.0.2.1",
            auth_result="failed",
            auth_failures=2,
        ),
        session(
            user_name="u@x.org",
            event_at=at("2025-03-03 09:00"),
            client_ip="192.0.2.1",
            auth_result="failed",
        ),
        session(user_name="u@x.org", event_at=at("2025-03-04 09:00"), client_ip="192.0.2.2"),
        session(
            user_name="u@x.org",
            event_at=at("2025-03-05 09:00"),
            client_ip=None,
            auth_result="failed",
            auth_failures=1,
        ),
    ]
    write_table(tmp_path, "sessions", rows, "event_at")
    with connect(tmp_path) as con:
        row = queries.user_posture(con, since=SINCE, until=UNTIL).iloc[0]
    assert (row["client_ip_count"], row["failed_ip_count"]) == (2, 1)
    assert (row["sessions_count"], row["failed_count"]) == (5, 4)
