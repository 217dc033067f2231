-- grain: one row per user (user_key) with a login or trusted-hop session in [since, until)
-- Parameters (views cannot take them): the window, and the plan's baseline date for the
-- password-reset rule (NULL: since the beginning of the data). The level is the worst among
-- the window's sessions with a known level; last_*_at and the reset flag look at all the data
-- before `until`. Users seen only in failed logins are not listed (guessed names).
-- Speed: the window reads only its days' partitions. The all-time part (user_exposure) reads
-- the per-day summaries in exposure_summaries (pipeline/derived.py) and computes only
-- `live_days` from sessions (NULL: every day; pipeline.queries passes the days without a fresh
-- summary, and `until`'s).
-- An L0 event at or after the baseline exists iff the latest one is at or after it.
CREATE OR REPLACE MACRO user_posture(since, until, baseline, live_days := NULL) AS TABLE
WITH in_window AS (
    SELECT * FROM login_evidence
    WHERE is_mua_service AND user_key IS NOT NULL AND event_at >= since AND event_at < until
        AND partition_date BETWEEN CAST(since AS DATE) AND CAST(until AS DATE)
),
exposed AS (
    SELECT user_key, last_cleartext_at, last_legacy_tls_at FROM exposure_summaries
    UNION ALL
    SELECT user_key, last_cleartext_at, last_legacy_tls_at FROM user_exposure(live_days, until)
),
per_user AS (
    SELECT
        user_key,
        min(level_rank) FILTER (WHERE is_level_evidence) AS worst_rank,
        count(*) AS sessions_count,
        count(*) FILTER (WHERE is_level_evidence) AS login_count,
        count(*) FILTER (WHERE is_level_evidence AND level = 'L0') AS l0_count,
        count(*) FILTER (WHERE is_level_evidence AND level = 'L1') AS l1_count,
        count(*) FILTER (WHERE is_level_evidence AND level = 'L2') AS l2_count,
        count(*) FILTER (WHERE is_level_evidence AND level = 'L3') AS l3_count,
        count(*) FILTER (WHERE is_level_evidence AND level = 'unknown') AS unknown_count,
        count(*) FILTER (WHERE is_trusted_hop) AS trusted_hop_count,
        count(*) FILTER (WHERE auth_result = 'refused_cleartext') AS refused_cleartext_count,
        CAST(coalesce(sum(failed_attempts), 0) AS BIGINT) AS failed_count,
        count(DISTINCT client_ip) FILTER (WHERE failed_attempts > 0) AS failed_ip_count,
        count(*) FILTER (WHERE service = 'imap') AS imap_count,
        count(*) FILTER (WHERE service = 'pop3') AS pop3_count,
        count(*) FILTER (WHERE service = 'submission') AS submission_count,
        count(*) FILTER (WHERE service = 'managesieve') AS managesieve_count,
        count(*) FILTER (WHERE evidence_source = 'received') AS received_hop_count,
        count(DISTINCT client_ip) AS client_ip_count,
        min(event_at) AS first_seen_at,
        max(event_at) AS last_seen_at,
        count(*) FILTER (WHERE is_level_evidence AND is_tls_known)
            / nullif(count(*) FILTER (WHERE is_level_evidence), 0) AS coverage,
        bool_or(is_level_evidence OR is_trusted_hop) AS has_login
    FROM in_window
    GROUP BY user_key
),
all_time AS (
    SELECT
        user_key,
        max(last_cleartext_at) AS last_cleartext_at,
        max(last_legacy_tls_at) AS last_legacy_tls_at,
        max(last_cleartext_at) >= coalesce(baseline, CAST('-infinity' AS TIMESTAMPTZ))
            AS password_reset_required
    FROM exposed
    GROUP BY user_key
)
SELECT
    p.user_key AS user_name,
    CASE p.worst_rank WHEN 0 THEN 'L0' WHEN 1 THEN 'L1' WHEN 2 THEN 'L2' WHEN 3 THEN 'L3'
        ELSE 'unknown' END AS level,
    coalesce(a.password_reset_required, false) AS password_reset_required,
    a.last_cleartext_at,
    a.last_legacy_tls_at,
    p.coverage,
    p.sessions_count,
    p.login_count,
    p.failed_count,
    p.failed_ip_count,
    p.l0_count,
    p.l1_count,
    p.l2_count,
    p.l3_count,
    p.unknown_count,
    p.trusted_hop_count,
    p.refused_cleartext_count,
    p.imap_count,
    p.pop3_count,
    p.submission_count,
    p.managesieve_count,
    p.received_hop_count,
    p.client_ip_count,
    p.first_seen_at,
    p.last_seen_at
FROM per_user AS p
LEFT JOIN all_time AS a USING (user_key)
WHERE p.has_login;
