"""The pipeline: ingest into the Parquet lake, DuckDB views over it, and the one query API."""
