-- grain: one row, the headline numbers of a window (pipeline.query.queries.overview)
-- Run over two frames the caller registers: `posture` (a user_posture result) and `days` (a
-- session_days result) of the same window; parameters $since, $until, $first, $last.
WITH sessions AS (
    SELECT
        CAST(coalesce(sum(session_count), 0) AS BIGINT) AS session_count,
        CAST(coalesce(sum(login_count), 0) AS BIGINT) AS login_count,
        CAST(coalesce(sum(unknown_user_refused_count), 0) AS BIGINT)
            AS unknown_user_refused_count,
        CAST(sum(tls_known_count) AS BIGINT)
            / nullif(CAST(coalesce(sum(login_count), 0) AS BIGINT), 0) AS coverage,
        CAST(coalesce(sum(failed_login_count), 0) AS BIGINT) AS failed_login_count,
        CAST(coalesce(sum(smtp_session_count), 0) AS BIGINT) AS smtp_session_count
    FROM days
)
SELECT
    CAST($since AS TIMESTAMPTZ) AS since, CAST($until AS TIMESTAMPTZ) AS until,
    (SELECT count(*) FROM posture) AS user_count,
    (SELECT count(*) FILTER (WHERE password_reset_required) FROM posture)
        AS reset_required_count,
    (SELECT count(*) FILTER (WHERE level IN ('L0', 'L1')) FROM posture)
        AS exposed_user_count,
    s.session_count,
    s.login_count,
    s.unknown_user_refused_count,
    s.coverage,
    s.failed_login_count,
    s.smtp_session_count,
    (SELECT count(*) FROM stg_rejects WHERE partition_date >= CAST($since AS DATE)
        AND partition_date < CAST($until AS DATE)) AS reject_count,
    (SELECT count(*) FROM stg_ingested) AS ingested_file_count,
    CAST($first AS TIMESTAMPTZ) AS first_event_at,
    CAST($last AS TIMESTAMPTZ) AS last_event_at
FROM sessions AS s
