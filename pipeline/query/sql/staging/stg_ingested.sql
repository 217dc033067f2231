-- grain: one row per input file or rotated segment ingested (lake file `_ingested.parquet`)
CREATE OR REPLACE VIEW stg_ingested AS
SELECT
    path,
    size AS size_bytes,
    mtime AS modified_at,
    fingerprint,
    coalesce(lines, 0) AS line_count,
    coalesce("rows", 0) AS row_count,
    coalesce(rejects, 0) AS reject_count,
    ingested_at
FROM src_ingested;
