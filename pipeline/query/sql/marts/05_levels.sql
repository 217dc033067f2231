-- grain: scalar macros, one value per connection or level (no rows of their own)
-- The RFC 8314 level of one connection, and its rank (worst first), written once for every mart.
-- level_of: L0 cleartext credentials (sent, or refused by the server after the client sent
-- them), L1 legacy TLS, L2 modern TLS not known to be implicit (a level is a claim: claim the
-- lower), L3 modern TLS on an implicit-TLS service, else unknown. A trusted hop (Dovecot
-- `secured`, webmail on localhost) hides the user's own connection: unknown. A Received header
-- cannot say implicit or STARTTLS: its tls_mode is NULL, so modern TLS there is at best L2.
CREATE OR REPLACE MACRO level_of(security, tls_mode, is_trusted_hop, is_refused_cleartext) AS
    CASE
        WHEN is_trusted_hop THEN 'unknown'
        WHEN is_refused_cleartext OR security = 'cleartext' THEN 'L0'
        WHEN security = 'legacy_tls' THEN 'L1'
        WHEN security = 'modern_tls' AND tls_mode = 'implicit' THEN 'L3'
        WHEN security = 'modern_tls' THEN 'L2'
        ELSE 'unknown'
    END;

-- 0 for L0 … 3 for L3, NULL for unknown: min() over a user's sessions is the worst level
CREATE OR REPLACE MACRO level_rank(level) AS
    CASE level WHEN 'L0' THEN 0 WHEN 'L1' THEN 1 WHEN 'L2' THEN 2 WHEN 'L3' THEN 3 END;

CREATE OR REPLACE MACRO level_at_rank(rank) AS coalesce(['L0', 'L1', 'L2', 'L3'][rank + 1], 'unknown');
