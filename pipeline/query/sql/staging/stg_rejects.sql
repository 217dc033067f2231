-- grain: one row per log line or header that looked in scope but could not be parsed
CREATE OR REPLACE VIEW stg_rejects AS
SELECT
    "date" AS partition_date,
    source_file,
    source_line,
    coalesce(kind, 'unknown') AS kind,
    coalesce(reason, 'unknown') AS reason,
    raw,
    event_at  -- the line's own time (NULL when it gave none: then partition_date is the ingest day)
FROM src_rejects;
