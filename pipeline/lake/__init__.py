"""The lake: schema, Parquet parts (writer), the journal that makes a run count (lock,
commit, recover), compaction and the derived per-day summaries."""
