-- grain: one row per user (user_key) with L0 or L1 evidence — per partition day when `per_day` —
-- before `until`: the latest L0 and L1 event. The all-time part of user_posture.
-- The one definition of "exposed": pipeline/lake/derived.py writes it per day, a file a month
-- (`<lake>/_derived/user_exposure/month=YYYY-MM`), and user_posture reads those summaries where
-- they are fresh and computes the other days (`days`; NULL: every day) here, from sessions.
-- with_received: also the Received-header evidence (never summarised: few rows, and not
-- tied to session parts); `days` limits only the log sessions' logins.
-- with_refused: also the refused cleartext attempts that count (login_evidence), on every day:
-- never summarised either, since whether one counts follows from other days' sessions and the
-- site's rule.
-- Filtered on plain columns first, so that user_key (string work) is computed for those rows
-- only: is_level_evidence without `user_key IS NOT NULL` (a NULL user_key never joins a user).
CREATE OR REPLACE MACRO user_exposure(
    days, until, per_day := false, with_received := true, with_refused := true
) AS TABLE
SELECT
    CASE WHEN per_day THEN partition_date END AS day,
    user_key,
    max(event_at) FILTER (WHERE level = 'L0') AS last_cleartext_at,
    max(event_at) FILTER (WHERE level = 'L1') AS last_legacy_tls_at
FROM login_evidence
WHERE (evidence_source = 'log' OR with_received)
    AND security IN ('cleartext', 'legacy_tls')
    AND auth_result = 'ok' AND is_mua_service AND NOT is_trusted_hop
    AND level IN ('L0', 'L1')
    AND event_at < until AND partition_date <= CAST(until AS DATE)
    -- a parameter: skips the other days' files
    AND (evidence_source = 'received' OR days IS NULL OR list_contains(days, partition_date))
GROUP BY ALL
UNION ALL
-- the counted refused attempts, from cleartext_attempts (judged once per connection by
-- pipeline.query.queries.judge_attempts; reading them back from the sessions of every day
-- would cost a scan of the lake)
SELECT
    CASE WHEN per_day THEN CAST(attempt_at AS DATE) END AS day,
    user_key,
    max(attempt_at) AS last_cleartext_at,
    CAST(NULL AS TIMESTAMPTZ) AS last_legacy_tls_at
FROM (
    SELECT user_key, unnest(attempt_times) AS attempt_at
    FROM cleartext_attempts
    WHERE with_refused AND is_counted
)
WHERE attempt_at < until
GROUP BY ALL;

-- the fresh summaries a query may use; pipeline.lake.derived shadows this empty one per query
CREATE OR REPLACE VIEW exposure_summaries AS
SELECT
    CAST(NULL AS VARCHAR) AS user_key,
    CAST(NULL AS TIMESTAMPTZ) AS last_cleartext_at,
    CAST(NULL AS TIMESTAMPTZ) AS last_legacy_tls_at
WHERE false;
