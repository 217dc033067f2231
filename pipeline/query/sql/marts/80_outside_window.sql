-- grain: one row: what a window leaves out, so that a report can say so (issue 16, defect 10)
-- session_before_count / session_after_count: sessions before `since` / at or after `until`
-- (future-dated lines land in the second); user_outside_count: users with a login (or a refused
-- cleartext attempt) outside the window and none inside it.
CREATE OR REPLACE MACRO outside_window(since, until) AS TABLE
WITH outside AS (
    SELECT event_at, user_key, auth_result
    FROM stg_sessions
    WHERE event_at < since OR event_at >= until
),
users_outside AS (
    SELECT DISTINCT user_key FROM outside
    WHERE user_key IS NOT NULL AND auth_result IN ('ok', 'refused_cleartext')
),
users_inside AS (
    SELECT DISTINCT user_key FROM stg_sessions
    WHERE event_at >= since AND event_at < until
        AND partition_date >= CAST(since AS DATE) AND partition_date <= CAST(until AS DATE)
        AND user_key IS NOT NULL AND auth_result IN ('ok', 'refused_cleartext')
)
SELECT
    (SELECT count(*) FROM outside WHERE event_at < since) AS session_before_count,
    (SELECT count(*) FROM outside WHERE event_at >= until) AS session_after_count,
    (SELECT count(*) FROM users_outside ANTI JOIN users_inside USING (user_key))
        AS user_outside_count;
