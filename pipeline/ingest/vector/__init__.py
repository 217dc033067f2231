"""The vectorised log parser: DuckDB splits envelopes, infers years and runs the dialects."""
