-- grain: one row per server, service and port (as logged or derived) in [since, until) that
-- accepted a password in cleartext or negotiated SSL/TLS 1.0/1.1: what a cut must still switch
-- off. Cleartext counts successful cleartext logins of mail clients (a refused attempt shows a
-- server that already refuses; a trusted hop is not the user's own connection); legacy TLS
-- counts every session, port-25 MTA traffic included (`counts_against_plan` says which).
CREATE OR REPLACE MACRO open_endpoints(since, until) AS TABLE
SELECT
    coalesce(server_host, '') AS server_host,
    service,
    server_port,
    coalesce(listener, '') AS listener,
    count(*) FILTER (
        WHERE security = 'cleartext' AND auth_result = 'ok' AND NOT is_trusted_hop
            AND is_mua_service
    ) AS cleartext_login_count,
    count(*) FILTER (WHERE security = 'legacy_tls') AS legacy_tls_session_count,
    string_agg(DISTINCT tls_version, ', ' ORDER BY tls_version)
        FILTER (WHERE security = 'legacy_tls') AS legacy_tls_versions,
    max(event_at) AS last_seen_at,
    is_mua_service AS counts_against_plan
FROM session_levels
WHERE event_at >= since AND event_at < until
    AND partition_date BETWEEN CAST(since AS DATE) AND CAST(until AS DATE)
    AND (
        (security = 'cleartext' AND auth_result = 'ok' AND NOT is_trusted_hop AND is_mua_service)
        OR security = 'legacy_tls'
    )
GROUP BY ALL;
