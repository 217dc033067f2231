"""Pure parsers: text in, frozen records out. No I/O, no pandas, no DuckDB.

Bad content never raises here: it becomes a :class:`parsers.records.Reject` with a reason.
"""
