-- grain: one row per client connection to a mail service, from any log (lake table `sessions`)
-- user_key is the user name as compared: trimmed and lower-cased (names are case-insensitive).
-- partition_date is the hive partition: the UTC day of event_at (pipeline/lake/schema.py
-- PARTITION_BY). Filtering on it next to event_at lets DuckDB skip whole days of files.
CREATE OR REPLACE VIEW stg_sessions AS
SELECT
    event_at,
    source,
    server_host,
    service,
    listener,
    server_port,
    client_ip,
    server_ip,
    nullif(trim(user_name), '') AS user_name,
    lower(nullif(trim(user_name), '')) AS user_key,
    auth_method,
    coalesce(auth_result, 'unknown') AS auth_result,
    coalesce(auth_failures, 0) AS auth_failures,
    coalesce(tls_mode, 'unknown') AS tls_mode,
    tls_version,
    tls_version_source,
    tls_cipher,
    coalesce(security, 'unknown') AS security,
    coalesce(is_trusted_hop, false) AS is_trusted_hop,
    session_key,
    source_file,
    source_line,
    "date" AS partition_date
FROM src_sessions
WHERE event_at IS NOT NULL;
