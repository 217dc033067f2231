-- grain: one row per client session of stg_sessions, with the TLS facts that the Received
-- field our own server wrote for a message of that session adds (issue 16, defect 12).
-- A Postfix submission session logged without a TLS line (smtpd_tls_loglevel = 0) knows its
-- user, client and time but not its TLS version; the Received field of the message it sent
-- ("(using TLSv1.2 with cipher …)", "Authenticated sender:") does. The rule, in full:
--   * the session: service 'submission', a successful login by a named user, not a trusted hop,
--     no TLS version logged;
--   * the hop: an authenticated hop into one of our own servers (as submission_hops), not from
--     a local client, with TLS shown (is_tls), by the same user (user_key) from the same client
--     address (when the hop names one), received within five minutes of the session's start
--     (the same window login_evidence uses to say a hop is explained by a session);
--   * of several such hops, the nearest in time (then the lowest hop_index, then its raw text);
--   * the session takes the hop's version, cipher and security; tls_version_source says
--     'received' (the field shows the version) or 'received_inferred' (its cipher implies it);
--     tls_mode: kept when starttls or implicit; 'none' becomes 'implicit' (the disconnect line
--     counted no STARTTLS, yet the connection was encrypted: the listener wraps, port 465);
--     'unknown' stays 'unknown' (a Received field cannot say how TLS began).
-- The hop itself is then explained by this session and left out of login_evidence.
CREATE OR REPLACE VIEW session_tls AS
WITH wanting AS (
    SELECT session_key, event_at, user_key, client_ip
    FROM stg_sessions
    WHERE service = 'submission' AND tls_version IS NULL AND user_key IS NOT NULL
        AND auth_result = 'ok' AND NOT is_trusted_hop
),
proving AS (
    SELECT received_at, user_key, from_ip, hop_index, raw, tls_version, tls_version_source,
        tls_cipher, security
    FROM stg_received_hops
    WHERE is_own_server AND is_authenticated AND user_key IS NOT NULL AND received_at IS NOT NULL
        AND is_tls AND NOT is_local
),
matched AS (
    SELECT
        w.session_key,
        w.event_at,
        arg_min(
            {'version': p.tls_version, 'source': p.tls_version_source, 'cipher': p.tls_cipher,
             'security': p.security},
            (abs(epoch(p.received_at) - epoch(w.event_at)), p.hop_index, p.raw)
        ) AS hop
    FROM wanting AS w
    JOIN proving AS p
        ON p.user_key = w.user_key
        AND (p.from_ip IS NULL OR p.from_ip = w.client_ip)
        AND p.received_at BETWEEN w.event_at - INTERVAL 5 MINUTE AND w.event_at + INTERVAL 5 MINUTE
    GROUP BY w.session_key, w.event_at
)
SELECT
    s.* REPLACE (
        coalesce(m.hop.version, s.tls_version) AS tls_version,
        CASE
            WHEN m.session_key IS NULL THEN s.tls_version_source
            WHEN m.hop.version IS NULL THEN NULL
            WHEN m.hop.source = 'inferred' THEN 'received_inferred'
            ELSE 'received'
        END AS tls_version_source,
        coalesce(s.tls_cipher, m.hop.cipher) AS tls_cipher,
        CASE
            WHEN m.session_key IS NULL THEN s.tls_mode
            WHEN s.tls_mode = 'none' THEN 'implicit'
            ELSE s.tls_mode
        END AS tls_mode,
        CASE WHEN m.session_key IS NULL THEN s.security ELSE m.hop.security END AS security
    )
FROM stg_sessions AS s
LEFT JOIN matched AS m ON m.session_key = s.session_key AND m.event_at = s.event_at;
