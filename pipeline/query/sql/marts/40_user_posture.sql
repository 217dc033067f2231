-- grain: one row per user (user_key) with a login or trusted-hop session in [since, until)
-- Parameters (views cannot take them): the window, and the plan's baseline date for the
-- password-reset rule (NULL: since the beginning of the data). The level is the worst among
-- the window's sessions with a known level; last_*_at and the reset flag look at all the data
-- before `until`. Users seen only in failed logins or in refused cleartext attempts that do not
-- count (marts/25_cleartext_attempts.sql) are not listed (guessed names).
-- Speed: the window reads only its days' partitions. The all-time part (user_exposure) reads
-- the per-day summaries in exposure_summaries (pipeline/lake/derived.py) and computes only
-- `live_days` from sessions (NULL: every day; pipeline.query.queries passes the days without a fresh
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
-- two stages: per user and client IP first, then per user. The distinct IP counts are then
-- plain counts of the first stage's rows (a NULL IP is no IP, as in count(DISTINCT)): DuckDB's
-- count(DISTINCT) keeps a hash set per group and distinct aggregate, ≈ 0.25 s of CPU over
-- the 820k sessions of a 30-day window of the 10M-session benchmark lake.
per_ip AS (
    SELECT
        user_key,
        client_ip,
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
        count(*) FILTER (WHERE auth_result = 'refused_cleartext' AND NOT is_level_evidence)
            AS unverified_cleartext_count,
        sum(failed_attempts) AS failed_count,
        bool_or(failed_attempts > 0) AS has_failed,
        count(*) FILTER (WHERE service = 'imap') AS imap_count,
        count(*) FILTER (WHERE service = 'pop3') AS pop3_count,
        count(*) FILTER (WHERE service = 'submission') AS submission_count,
        count(*) FILTER (WHERE service = 'managesieve') AS managesieve_count,
        count(*) FILTER (WHERE evidence_source = 'received') AS received_hop_count,
        min(event_at) AS first_seen_at,
        max(event_at) AS last_seen_at,
        count(*) FILTER (WHERE is_level_evidence AND is_tls_known) AS tls_known_count,
        bool_or(is_level_evidence OR is_trusted_hop) AS has_login
    FROM in_window
    GROUP BY user_key, client_ip
),
per_user AS (
    SELECT
        user_key,
        min(worst_rank) AS worst_rank,
        CAST(sum(sessions_count) AS BIGINT) AS sessions_count,
        CAST(sum(login_count) AS BIGINT) AS login_count,
        CAST(sum(l0_count) AS BIGINT) AS l0_count,
        CAST(sum(l1_count) AS BIGINT) AS l1_count,
        CAST(sum(l2_count) AS BIGINT) AS l2_count,
        CAST(sum(l3_count) AS BIGINT) AS l3_count,
        CAST(sum(unknown_count) AS BIGINT) AS unknown_count,
        CAST(sum(trusted_hop_count) AS BIGINT) AS trusted_hop_count,
        CAST(sum(refused_cleartext_count) AS BIGINT) AS refused_cleartext_count,
        CAST(sum(unverified_cleartext_count) AS BIGINT) AS unverified_cleartext_count,
        CAST(coalesce(sum(failed_count), 0) AS BIGINT) AS failed_count,
        count(client_ip) FILTER (WHERE has_failed) AS failed_ip_count,
        CAST(sum(imap_count) AS BIGINT) AS imap_count,
        CAST(sum(pop3_count) AS BIGINT) AS pop3_count,
        CAST(sum(submission_count) AS BIGINT) AS submission_count,
        CAST(sum(managesieve_count) AS BIGINT) AS managesieve_count,
        CAST(sum(received_hop_count) AS BIGINT) AS received_hop_count,
        count(client_ip) AS client_ip_count,
        min(first_seen_at) AS first_seen_at,
        max(last_seen_at) AS last_seen_at,
        CAST(sum(tls_known_count) AS BIGINT)
            / nullif(CAST(sum(login_count) AS BIGINT), 0) AS coverage,
        bool_or(has_login) AS has_login
    FROM per_ip
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
    level_at_rank(p.worst_rank) AS level,
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
    p.unverified_cleartext_count,
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
