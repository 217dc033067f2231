-- grain: one row per partition day in [CAST(since AS DATE), CAST(until AS DATE)] with sessions.
-- What a report's headline (the sessions in [since, until)) and its daily trend (the days before
-- until's) count, in one scan of the window's sessions: pipeline.query.queries.overview sums the
-- `in_window` counts, daily_trend keeps the days and the trend counts. All services, port 25
-- included; a trend login is daily_security's (no distinct counts).
CREATE OR REPLACE MACRO session_days(since, until) AS TABLE
SELECT
    partition_date AS day,
    count(*) FILTER (WHERE in_window AND is_mua_service) AS session_count,
    count(*) FILTER (WHERE in_window AND is_level_evidence) AS login_count,
    -- a refused cleartext attempt without a user name (Dovecot "user=<>"): exposure, no level
    count(*) FILTER (WHERE in_window AND is_refused AND user_key IS NULL)
        AS unknown_user_refused_count,
    count(*) FILTER (WHERE in_window AND is_level_evidence AND is_tls_known) AS tls_known_count,
    CAST(coalesce(sum(failed_attempts) FILTER (WHERE in_window AND is_mua_service), 0) AS BIGINT)
        AS failed_login_count,
    count(*) FILTER (WHERE in_window AND service = 'smtp') AS smtp_session_count,
    count(*) FILTER (WHERE security = 'cleartext' AND (is_login OR is_refused)) AS cleartext_logins,
    count(*) FILTER (WHERE security = 'legacy_tls' AND is_login) AS legacy_tls_logins,
    count(*) FILTER (WHERE security = 'modern_tls' AND is_login) AS modern_tls_logins,
    count(*) FILTER (WHERE security IN ('tls_unknown', 'unknown') AND is_login) AS unknown_logins,
    count(*) FILTER (WHERE service = 'smtp') AS smtp_sessions
FROM (
    SELECT
        partition_date, security, service, is_mua_service, is_level_evidence, is_tls_known,
        failed_attempts, user_key,
        event_at >= since AND event_at < until AS in_window,
        auth_result = 'ok' AND NOT is_trusted_hop AND service <> 'smtp' AS is_login,
        auth_result = 'refused_cleartext' AND service <> 'smtp' AS is_refused
    FROM session_levels
    WHERE partition_date BETWEEN CAST(since AS DATE) AND CAST(until AS DATE)
)
GROUP BY partition_date;
