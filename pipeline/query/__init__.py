"""Queries over the lake: DuckDB views (``sql/staging``, ``sql/marts``) and the one query API
(:mod:`pipeline.query.queries`) for the app, notebooks and reports."""
