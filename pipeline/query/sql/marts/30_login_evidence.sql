-- grain: one row per piece of evidence about a user's own connection: every log session, plus
-- every submission hop from Received headers that no logged submission session already explains
-- (same user and client IP within five minutes), so one login is not counted twice.
-- A refused cleartext attempt is evidence only when cleartext_attempts counts its user and
-- address as the user's own client (a guesser's attempts never set a level).
CREATE OR REPLACE VIEW login_evidence AS
SELECT
    evidence_source, event_at, user_name, user_key, service, server_port, client_ip,
    auth_result, tls_mode, tls_version, security, is_trusted_hop, is_mua_service,
    level, level_rank, is_level_evidence, is_tls_known, failed_attempts, partition_date
FROM session_levels
WHERE auth_result <> 'refused_cleartext'
UNION ALL
SELECT
    s.evidence_source, s.event_at, s.user_name, s.user_key, s.service, s.server_port,
    s.client_ip, s.auth_result, s.tls_mode, s.tls_version, s.security, s.is_trusted_hop,
    s.is_mua_service, s.level, s.level_rank,
    s.is_level_evidence AND coalesce(c.is_counted, false) AS is_level_evidence,
    s.is_tls_known, s.failed_attempts, s.partition_date
FROM session_levels AS s
LEFT JOIN cleartext_attempts AS c
    ON c.user_key = s.user_key AND c.client_ip IS NOT DISTINCT FROM s.client_ip
WHERE s.auth_result = 'refused_cleartext'
UNION ALL
SELECT
    'received' AS evidence_source,
    h.received_at AS event_at,
    h.auth_user AS user_name,
    h.user_key,
    'submission' AS service,
    CAST(NULL AS INTEGER) AS server_port,
    h.from_ip AS client_ip,
    'ok' AS auth_result,
    CASE WHEN h.is_tls THEN 'unknown' WHEN NOT h.is_tls THEN 'none' ELSE 'unknown' END
        AS tls_mode,
    h.tls_version,
    h.security,
    h.is_local AS is_trusted_hop,
    true AS is_mua_service,
    h.level,
    level_rank(h.level) AS level_rank,
    NOT h.is_local AS is_level_evidence,
    h.security = 'cleartext' AS is_tls_known,
    0 AS failed_attempts,
    h.partition_date
FROM submission_hops AS h
ANTI JOIN (SELECT * FROM session_levels WHERE service = 'submission') AS s
    ON s.user_key = h.user_key
    AND (h.from_ip IS NULL OR s.client_ip = h.from_ip)
    AND s.event_at BETWEEN h.received_at - INTERVAL 5 MINUTE AND h.received_at + INTERVAL 5 MINUTE;
