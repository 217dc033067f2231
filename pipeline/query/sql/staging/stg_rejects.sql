-- grain: one row per log line or header that looked in scope but could not be parsed
CREATE OR REPLACE VIEW stg_rejects AS
SELECT
    "date" AS partition_date,
    source_file,
    source_line,
    coalesce(kind, 'unknown') AS kind,
    coalesce(reason, 'unknown') AS reason,
    raw
FROM src_rejects;
