-- grain: one row per UTC day × service × security × tls_mode, from log sessions (port-25 smtp
-- is a service of its own here, so it can be reported apart and never counted against the plan)
-- login_count leaves out trusted hops (webmail, proxies): they are counted in trusted_hop_count.
-- day is the partition date (= the UTC day of event_at), so a filter on day skips files.
CREATE OR REPLACE VIEW daily_security AS
SELECT
    partition_date AS day,
    service,
    security,
    tls_mode,
    count(*) AS session_count,
    count(*) FILTER (WHERE auth_result = 'ok' AND NOT is_trusted_hop) AS login_count,
    count(*) FILTER (WHERE auth_result = 'refused_cleartext') AS refused_cleartext_count,
    CAST(sum(failed_attempts) AS BIGINT) AS failed_count,
    count(*) FILTER (WHERE is_trusted_hop) AS trusted_hop_count,
    count(DISTINCT user_key) AS user_count,
    count(DISTINCT client_ip) AS client_ip_count
FROM session_levels
GROUP BY ALL;
