"""Ingest: files in (logs, mail), sessions and Received hops out, written to the lake.

sources (which files, rotation sets, decompression) → ranges and spans (what to read of
each) → engines (process pool or Dask) → stitch (sessions cut by rotation) → run (commit).
"""
