-- grain: one row: what a window leaves out, so that a report can say so (issue 16, defect 10)
-- session_before_count / session_after_count: sessions before `since` / at or after `until`
-- (future-dated lines land in the second); user_outside_count: users with a login (or a refused
-- cleartext attempt) outside the window and none inside it.
-- One scan of the sessions outside the window, grouped by the name as logged (lower-casing
-- every row's name would cost more than the scan); the few names then compared as user keys.
CREATE OR REPLACE MACRO outside_window(since, until) AS TABLE
WITH by_name AS (
    SELECT
        user_name,
        count(*) FILTER (WHERE event_at < since) AS before_count,
        count(*) FILTER (WHERE event_at >= until) AS after_count,
        bool_or(auth_result IN ('ok', 'refused_cleartext')) AS has_login
    FROM src_sessions
    WHERE (event_at < since OR event_at >= until)
    GROUP BY user_name
),
users_outside AS (
    SELECT DISTINCT lower(nullif(trim(user_name), '')) AS user_key
    FROM by_name
    WHERE has_login AND nullif(trim(user_name), '') IS NOT NULL
),
users_inside AS (
    SELECT DISTINCT user_key FROM stg_sessions
    WHERE event_at >= since AND event_at < until
        AND partition_date >= CAST(since AS DATE) AND partition_date <= CAST(until AS DATE)
        AND user_key IS NOT NULL AND auth_result IN ('ok', 'refused_cleartext')
)
SELECT
    CAST(coalesce(sum(before_count), 0) AS BIGINT) AS session_before_count,
    CAST(coalesce(sum(after_count), 0) AS BIGINT) AS session_after_count,
    (SELECT count(*) FROM users_outside ANTI JOIN users_inside USING (user_key))
        AS user_outside_count
FROM by_name;
