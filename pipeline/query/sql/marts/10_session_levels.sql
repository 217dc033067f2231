-- grain: one row per client session of stg_sessions, with the RFC 8314 level of that connection
-- level: L0 cleartext credentials, L1 legacy TLS, L2 modern TLS not known to be implicit (a level
-- is a claim: claim the lower), L3 modern TLS on an implicit-TLS service, else unknown. A trusted
-- hop (Dovecot `secured`, webmail on localhost) hides the user's own connection: unknown.
-- is_level_evidence: the session may set its user's level and reset flag (a successful login or
-- a refused-cleartext attempt by a named user on a mail-client service; never port-25 smtp or
-- lmtp, never a trusted hop, never a wrong-password failure).
CREATE OR REPLACE VIEW session_levels AS
WITH classified AS (
    SELECT
        *,
        level_of(security, tls_mode, is_trusted_hop, auth_result = 'refused_cleartext') AS level,
        service IN ('imap', 'pop3', 'submission', 'managesieve') AS is_mua_service
    FROM stg_sessions
)
SELECT
    *,
    level_rank(level) AS level_rank,
    is_mua_service
        AND user_key IS NOT NULL
        AND NOT is_trusted_hop
        AND auth_result IN ('ok', 'refused_cleartext') AS is_level_evidence,
    -- coverage: both the TLS version and the mode are known (cleartext needs neither)
    auth_result = 'refused_cleartext'
        OR security = 'cleartext'
        OR (tls_version IS NOT NULL AND tls_mode IN ('implicit', 'starttls')) AS is_tls_known,
    CASE
        WHEN auth_failures > 0 THEN auth_failures
        WHEN auth_result = 'failed' THEN 1
        ELSE 0
    END AS failed_attempts,
    'log' AS evidence_source
FROM classified;
