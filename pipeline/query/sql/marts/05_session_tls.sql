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
-- Only the days with such hops (and the day on either side) are read for sessions: a lake with
-- no mail reads none (the partition filter prunes the files).
CREATE OR REPLACE VIEW session_tls AS
WITH proving AS (
    SELECT received_at, user_key, from_ip, hop_index, raw, tls_version, tls_version_source,
        tls_cipher, security, partition_date
    FROM stg_received_hops
    WHERE is_own_server AND is_authenticated AND user_key IS NOT NULL AND received_at IS NOT NULL
        AND is_tls AND NOT is_local
),
hop_days AS (
    SELECT DISTINCT partition_date + shift AS day
    FROM proving, (VALUES (-1), (0), (1)) AS shifts(shift)
),
wanting AS (
    SELECT server_host, event_at, source_line, user_key, client_ip
    FROM stg_sessions
    WHERE partition_date IN (SELECT day FROM hop_days)
        AND service = 'submission' AND tls_version IS NULL AND user_key IS NOT NULL
        AND auth_result = 'ok' AND NOT is_trusted_hop
),
matched AS (
    SELECT
        w.server_host,
        w.event_at,
        w.source_line,
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
    GROUP BY w.server_host, w.event_at, w.source_line
)
SELECT
    s.* REPLACE (
        coalesce(m.hop.version, s.tls_version) AS tls_version,
        CASE
            WHEN m.event_at IS NULL THEN s.tls_version_source
            WHEN m.hop.version IS NULL THEN NULL
            WHEN m.hop.source = 'inferred' THEN 'received_inferred'
            ELSE 'received'
        END AS tls_version_source,
        coalesce(s.tls_cipher, m.hop.cipher) AS tls_cipher,
        CASE
            WHEN m.event_at IS NULL THEN s.tls_mode
            WHEN s.tls_mode = 'none' THEN 'implicit'
            ELSE s.tls_mode
        END AS tls_mode,
        CASE WHEN m.event_at IS NULL THEN s.security ELSE m.hop.security END AS security
    )
FROM stg_sessions AS s
LEFT JOIN matched AS m  -- a session by its host, start and first line (cheap columns to read)
    ON m.event_at = s.event_at AND m.source_line = s.source_line
    AND m.server_host = s.server_host;
