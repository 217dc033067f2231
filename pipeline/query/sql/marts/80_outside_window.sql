-- grain: one row: what a window leaves out, so that a report can say so (issue 16, defect 10)
-- session_before_count / session_after_count: sessions before `since` / at or after `until`
-- (future-dated lines land in the second); user_outside_count: users with a login (or a refused
-- cleartext attempt) outside the window and none inside it.
-- The users outside come from the per-month `login_users` summaries of the months wholly
-- outside the window (`login_users_summaries`, shadowed per query by pipeline.query.queries,
-- as exposure_summaries is) and, for the days in `live_days`, from their sessions.
CREATE OR REPLACE VIEW login_users_summaries AS
SELECT CAST(NULL AS VARCHAR) AS user_key
WHERE false;

-- one row per month (YYYY-MM) of `days` and user with a login there: what the summaries hold
CREATE OR REPLACE MACRO login_users_by_month(days) AS TABLE
SELECT DISTINCT strftime(partition_date, '%Y-%m') AS month, user_key
FROM stg_sessions
WHERE list_contains(days, partition_date)
    AND user_key IS NOT NULL AND auth_result IN ('ok', 'refused_cleartext');

CREATE OR REPLACE MACRO outside_window(since, until, live_days := NULL) AS TABLE
WITH counts AS (
    -- whole days before the window's first are counted from the files' metadata (a session's
    -- partition is its event_at's UTC day); only the edge days are read
    SELECT
        (SELECT count(*) FROM src_sessions WHERE "date" < CAST(since AS DATE))
        + (SELECT count(*) FROM src_sessions
            WHERE "date" = CAST(since AS DATE) AND event_at < since) AS session_before_count,
        (SELECT count(*) FROM src_sessions
            WHERE "date" >= CAST(until AS DATE) AND event_at >= until) AS session_after_count
),
users_outside AS (
    SELECT user_key FROM login_users_summaries
    UNION
    SELECT user_key FROM stg_sessions
    WHERE (live_days IS NULL OR list_contains(live_days, partition_date))
        AND (event_at < since OR event_at >= until)
        AND user_key IS NOT NULL AND auth_result IN ('ok', 'refused_cleartext')
),
users_inside AS (
    SELECT DISTINCT user_key FROM stg_sessions
    WHERE event_at >= since AND event_at < until
        AND partition_date >= CAST(since AS DATE) AND partition_date <= CAST(until AS DATE)
        AND user_key IS NOT NULL AND auth_result IN ('ok', 'refused_cleartext')
)
SELECT
    c.session_before_count,
    c.session_after_count,
    (SELECT count(*) FROM users_outside ANTI JOIN users_inside USING (user_key))
        AS user_outside_count
FROM counts AS c;
