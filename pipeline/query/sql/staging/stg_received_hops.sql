-- grain: one row per Received header field of a stored message (lake table `received_hops`)
CREATE OR REPLACE VIEW stg_received_hops AS
SELECT
    message_key,
    hop_index,
    hop_count,
    received_at,
    from_helo,
    from_rdns,
    from_ip,
    by_host,
    with_protocol,
    with_raw,
    tls AS is_tls,
    tls_version,
    tls_version_source,
    tls_cipher,
    tls_bits,
    coalesce(authenticated, false) AS is_authenticated,
    nullif(trim(auth_user), '') AS auth_user,
    lower(nullif(trim(auth_user), '')) AS user_key,
    coalesce(is_local, false) AS is_local,
    coalesce(is_own_server, false) AS is_own_server,
    coalesce(is_from_own, false) AS is_from_own,  -- NULL in parts older than schema 4
    coalesce(security, 'unknown') AS security,
    dialect,
    coalesce(parse_ok, false) AS is_parse_ok,
    raw,
    source_file,
    "date" AS partition_date  -- the UTC day of received_at, as stg_sessions
FROM src_received_hops;
