-- grain: one row per week (Monday of the UTC partition day) in [since, until) with mail-client
-- evidence: how many users' worst level that week was L0, L1, L2, L3 or unknown, by the rules
-- of user_posture (the level is the worst known level among the user's own level evidence;
-- users with only trusted-hop sessions count as unknown, users seen only failing are not
-- counted). A week cut by the window counts only its days inside the window.
CREATE OR REPLACE MACRO weekly_levels(since, until) AS TABLE
WITH evidence AS (
    SELECT
        CAST(date_trunc('week', partition_date) AS DATE) AS week,
        user_key, level_rank, is_level_evidence, is_trusted_hop
    FROM login_evidence
    WHERE is_mua_service AND user_key IS NOT NULL AND event_at >= since AND event_at < until
        AND partition_date BETWEEN CAST(since AS DATE) AND CAST(until AS DATE)
),
per_user AS (
    SELECT week, user_key, min(level_rank) FILTER (WHERE is_level_evidence) AS worst_rank
    FROM evidence
    GROUP BY week, user_key
    HAVING bool_or(is_level_evidence OR is_trusted_hop)
)
SELECT
    week,
    count(*) FILTER (WHERE worst_rank = 0) AS l0_user_count,
    count(*) FILTER (WHERE worst_rank = 1) AS l1_user_count,
    count(*) FILTER (WHERE worst_rank = 2) AS l2_user_count,
    count(*) FILTER (WHERE worst_rank = 3) AS l3_user_count,
    count(*) FILTER (WHERE worst_rank IS NULL) AS unknown_user_count,
    count(*) AS user_count
FROM per_user
GROUP BY week;
