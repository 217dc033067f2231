-- grain: one row per user (user_key) and client address with refused cleartext attempts, over
-- all the data: whether they count as the user's own client (and so set L0 and the reset flag)
-- and why, under the site's rule (pipeline.config.EvidenceRule, as the macros evidence_*()
-- that pipeline.query.db.connect defines).
-- RFC 8314 §4.1 has the server answer a wrong password as it answers a right one, so a refused
-- attempt proves that a password crossed, not that it was the user's: a stranger trying
-- `a LOGIN alice x` on port 143 and alice's misconfigured phone look the same on the wire.
-- The address's behaviour tells them apart. A guesser: an address that tried
-- evidence_guesser_names() names it never logged in as (refused or failed), made
-- evidence_burst_attempts() refused or failed attempts within evidence_burst_minutes(), or
-- failed a password for another name. The user's own client: an address the user also logs in
-- from, or (rule own_client) one repeating the same name over evidence_repeat_hours().
CREATE OR REPLACE VIEW cleartext_attempts AS
-- Speed: the refused attempts are few, but the addresses' other sessions are looked for among
-- all of them. Both read src_sessions with stg_sessions's rules written out (user_key, the
-- failed count) so that the string work runs on the few rows that match, not on every session
-- (stg_sessions would trim and lower every name before the join): ≈ 3× less CPU at 3M sessions.
WITH refused AS MATERIALIZED (
    SELECT
        lower(nullif(trim(user_name), '')) AS user_key,
        nullif(trim(user_name), '') AS user_name,
        client_ip,
        event_at
    FROM src_sessions
    WHERE auth_result = 'refused_cleartext' AND event_at IS NOT NULL
        AND service IN ('imap', 'pop3', 'submission', 'managesieve')
        AND NOT coalesce(is_trusted_hop, false)
),
from_addresses AS MATERIALIZED (  -- every client session of those addresses
    SELECT
        lower(nullif(trim(s.user_name), '')) AS user_key,
        s.client_ip,
        s.event_at,
        coalesce(s.auth_result, 'unknown') AS auth_result,
        CASE
            WHEN coalesce(s.auth_failures, 0) > 0 THEN s.auth_failures
            WHEN s.auth_result = 'failed' THEN 1
            ELSE 0
        END AS failed_attempts  -- session_levels.failed_attempts
    FROM src_sessions AS s
    SEMI JOIN (SELECT DISTINCT client_ip FROM refused) AS r ON r.client_ip = s.client_ip
    WHERE s.event_at IS NOT NULL AND s.service IN ('imap', 'pop3', 'submission', 'managesieve')
        AND NOT coalesce(s.is_trusted_hop, false)
),
logged_in AS MATERIALIZED (
    SELECT DISTINCT user_key, client_ip FROM from_addresses
    WHERE auth_result = 'ok' AND user_key IS NOT NULL
),
tried AS MATERIALIZED (  -- the names an address tried without ever logging in as them from there
    SELECT a.client_ip, a.user_key, bool_or(a.failed_attempts > 0) AS has_failed
    FROM from_addresses AS a
    ANTI JOIN logged_in AS l ON l.user_key = a.user_key AND l.client_ip = a.client_ip
    WHERE a.user_key IS NOT NULL
        AND (a.auth_result = 'refused_cleartext' OR a.failed_attempts > 0)
    GROUP BY ALL
),
per_address AS (
    SELECT client_ip, count(*) AS names_tried, count(*) FILTER (WHERE has_failed) AS failed_names
    FROM tried
    GROUP BY client_ip
),
bursts AS (  -- the most attempts an address made within any evidence_burst_minutes()
    SELECT client_ip, CAST(max(in_burst) AS BIGINT) AS burst_attempts
    FROM (
        SELECT
            client_ip,
            sum(attempts) OVER (
                PARTITION BY client_ip ORDER BY event_at
                RANGE BETWEEN to_minutes(CAST(evidence_burst_minutes() AS BIGINT)) PRECEDING
                    AND CURRENT ROW
            ) AS in_burst
        FROM (
            SELECT
                client_ip, event_at,
                CASE WHEN auth_result = 'refused_cleartext' THEN 1 ELSE 0 END
                    + failed_attempts AS attempts
            FROM from_addresses
            WHERE auth_result = 'refused_cleartext' OR failed_attempts > 0
        )
    )
    GROUP BY client_ip
),
pairs AS (
    SELECT
        user_key,
        min(user_name) AS user_name,
        client_ip,
        count(*) AS attempt_count,
        min(event_at) AS first_attempt_at,
        max(event_at) AS last_attempt_at,
        list(event_at) AS attempt_times  -- for user_exposure's `until`
    FROM refused
    WHERE user_key IS NOT NULL
    GROUP BY user_key, client_ip
),
facts AS (
    SELECT
        p.*,
        l.user_key IS NOT NULL AS has_login_from_address,
        coalesce(a.names_tried, 0) AS names_tried,
        coalesce(b.burst_attempts, 0) AS burst_attempts,
        coalesce(a.failed_names, 0) - CASE WHEN t.has_failed THEN 1 ELSE 0 END
            AS failed_other_names,
        date_diff('minute', p.first_attempt_at, p.last_attempt_at) / 60.0 AS span_hours
    FROM pairs AS p
    LEFT JOIN logged_in AS l ON l.user_key = p.user_key AND l.client_ip = p.client_ip
    LEFT JOIN per_address AS a ON a.client_ip = p.client_ip
    LEFT JOIN bursts AS b ON b.client_ip = p.client_ip
    LEFT JOIN tried AS t ON t.client_ip = p.client_ip AND t.user_key = p.user_key
),
judged AS (
    SELECT
        *,
        CASE
            WHEN evidence_refused_cleartext() = 'any' THEN 'counted: every refused attempt counts'
            WHEN evidence_refused_cleartext() = 'none' THEN 'not counted: refused attempts never set a level'
            WHEN client_ip IS NULL THEN 'unverified: no client address logged'
            WHEN names_tried >= evidence_guesser_names()
                THEN 'guesser: ' || names_tried || ' user names tried from this address'
            WHEN burst_attempts >= evidence_burst_attempts()
                THEN 'guesser: ' || burst_attempts || ' attempts within '
                    || evidence_burst_minutes() || ' minutes from this address'
            WHEN failed_other_names > 0
                THEN 'guesser: failed passwords for other users from this address'
            WHEN has_login_from_address THEN 'counted: the user also logs in from this address'
            WHEN evidence_refused_cleartext() = 'own_client'
                AND span_hours >= evidence_repeat_hours()
                THEN 'counted: the same name from this address over '
                    || round(span_hours, 1) || ' hours'
            WHEN evidence_refused_cleartext() = 'login_address'
                THEN 'unverified: the user never logs in from this address'
            ELSE 'unverified: the user never logs in from this address, and its attempts span under '
                || evidence_repeat_hours() || ' hours'
        END AS reason
    FROM facts
)
SELECT
    user_name, user_key, client_ip, attempt_count, first_attempt_at, last_attempt_at,
    attempt_times,
    has_login_from_address, names_tried, burst_attempts, failed_other_names, span_hours,
    starts_with(reason, 'counted') AS is_counted,
    reason
FROM judged;
