-- grain: one row per distinct authenticated submission into our own servers seen in a Received
-- header (copies of one message in several mailboxes collapse to one row)
-- A Received header cannot say implicit or STARTTLS, so modern TLS here is at best L2; a hop
-- from a local client (webmail on localhost) is a trusted hop, like Dovecot `secured`.
CREATE OR REPLACE VIEW submission_hops AS
WITH hops AS (
    SELECT DISTINCT
        received_at,
        auth_user,
        user_key,
        from_ip,
        by_host,
        with_protocol,
        is_tls,
        tls_version,
        tls_version_source,
        tls_cipher,
        security,
        is_local,
        partition_date
    FROM stg_received_hops
    WHERE is_own_server AND is_authenticated AND user_key IS NOT NULL AND received_at IS NOT NULL
)
SELECT
    *,
    level_of(security, NULL, is_local, false) AS level
FROM hops;
