-- grain: one row of migration-plan metrics over [since, until), for plan exit criteria
-- grace: lower-cased user names on the plan's grace list (their sessions do not count against
-- the plan). Port-25 smtp and lmtp never count: only mail-client services are measured.
CREATE OR REPLACE MACRO plan_metrics(since, until, grace) AS TABLE
WITH evidence AS (
    SELECT * FROM login_evidence
    WHERE is_mua_service AND is_level_evidence AND event_at >= since AND event_at < until
        AND partition_date BETWEEN CAST(since AS DATE) AND CAST(until AS DATE)  -- skips files
),
counted AS (
    SELECT * FROM evidence WHERE NOT list_contains(grace, user_key)
),
per_user AS (
    SELECT user_key, min(level_rank) AS worst_rank FROM evidence GROUP BY user_key
)
SELECT
    (SELECT count(DISTINCT CAST(event_at AS DATE)) FROM stg_sessions
        WHERE event_at >= since AND event_at < until
            AND partition_date BETWEEN CAST(since AS DATE) AND CAST(until AS DATE))
        AS days_with_data,
    (SELECT count(*) FROM evidence) AS login_count,
    (SELECT count(*) FILTER (WHERE is_tls_known) / nullif(count(*), 0) FROM evidence)
        AS coverage,
    (SELECT count(*) FROM counted WHERE level = 'L0' AND auth_result = 'ok')
        AS cleartext_logins,
    (SELECT count(*) FROM counted WHERE auth_result = 'refused_cleartext')
        AS refused_cleartext_attempts,
    (SELECT count(*) FROM counted WHERE level = 'L1') AS legacy_tls_logins,
    (SELECT count(*) FROM evidence WHERE level = 'L3') AS implicit_tls_logins,
    (SELECT count(*) FILTER (WHERE level = 'L3') / nullif(count(*) FILTER (WHERE level_rank
        IS NOT NULL), 0) FROM evidence) AS l3_share,
    (SELECT count(*) FILTER (WHERE worst_rank <= 1) / nullif(count(*), 0) FROM per_user)
        AS exposed_user_share,
    (SELECT sum(reject_count) / nullif(sum(line_count), 0) FROM stg_ingested) AS reject_rate;
