-- grain: one row per client IP × service × security × tls_version over [since, until)
-- The logs name no client software, so the client IP is the finest client key the data allows.
CREATE OR REPLACE MACRO client_breakdown(since, until) AS TABLE
SELECT
    client_ip,
    service,
    security,
    tls_version,
    count(*) AS session_count,
    count(*) FILTER (WHERE is_level_evidence) AS login_count,
    CAST(sum(failed_attempts) AS BIGINT) AS failed_count,
    count(DISTINCT user_key) AS user_count,
    min(event_at) AS first_seen_at,
    max(event_at) AS last_seen_at
FROM session_levels
WHERE event_at >= since AND event_at < until
    AND partition_date BETWEEN CAST(since AS DATE) AND CAST(until AS DATE)  -- skips files
GROUP BY ALL;
