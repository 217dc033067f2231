-- grain: one row per log source (dovecot, postfix, …) with logins in the window: how many of
-- its logins lack the TLS version or the TLS mode a level needs (issue 16: coverage in plain
-- words). A login: is_level_evidence (a named user's own successful login or refused attempt).
-- version_missing_count: encrypted, version unknown (security 'tls_unknown');
-- mode_missing_count: a known TLS version whose mode (implicit or STARTTLS) is not known.
CREATE OR REPLACE MACRO coverage_gaps(since, until) AS TABLE
SELECT
    source,
    count(*) AS login_count,
    count(*) FILTER (WHERE security = 'tls_unknown') AS version_missing_count,
    count(*) FILTER (
        WHERE security IN ('legacy_tls', 'modern_tls') AND tls_mode NOT IN ('implicit', 'starttls')
    ) AS mode_missing_count
FROM session_levels
WHERE is_level_evidence
    AND event_at >= since AND event_at < until
    AND partition_date >= CAST(since AS DATE) AND partition_date <= CAST(until AS DATE)
GROUP BY source
ORDER BY source;
