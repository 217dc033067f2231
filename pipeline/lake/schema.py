"""The only place a lake column is declared. Arrow schemas are derived from here, and
``SCHEMA_VERSION`` is written into every Parquet file's metadata.

Bump ``SCHEMA_VERSION`` (and note it under ``### Schema`` in CHANGELOG.md) whenever a column is
added, removed, renamed or re-meant.
"""

from __future__ import annotations

from typing import Final

import pyarrow as pa

SCHEMA_VERSION: Final = 6
# versions whose lakes this mailtls writes into as they are: the same columns (2 → 3 only added
# the committed-runs list to `_ingested.parquet`'s metadata, which the next commit writes;
# 3 → 4 added two nullable columns to `_ingested` only: rows without them resume as before;
# 4 → 5 added received_hops.is_from_own, NULL in older parts: their hops end the chain of custody;
# 5 → 6 added nullable columns to `sessions` and `rejects`, which older parts lack and the
# query layer reads as NULL: pipeline/query/db.py)
UPGRADABLE_VERSIONS: Final = frozenset({2, 3, 4, 5, SCHEMA_VERSION})
SCHEMA_VERSION_KEY: Final = b"mailtls.schema_version"

_TS = pa.timestamp("us", tz="UTC")

SESSIONS: Final = pa.schema(
    [
        ("event_at", _TS),
        ("source", pa.string()),
        ("server_host", pa.string()),
        ("service", pa.string()),
        ("listener", pa.string()),
        ("server_port", pa.int32()),
        ("client_ip", pa.string()),
        ("server_ip", pa.string()),
        ("user_name", pa.string()),
        ("auth_method", pa.string()),
        ("auth_result", pa.string()),
        ("auth_failures", pa.int32()),
        ("tls_mode", pa.string()),
        ("tls_version", pa.string()),
        ("tls_version_source", pa.string()),
        ("tls_cipher", pa.string()),
        ("security", pa.string()),
        ("is_trusted_hop", pa.bool_()),
        ("session_key", pa.string()),
        ("source_file", pa.string()),
        ("source_line", pa.int64()),
        # a session still open at the end of the input read so far (its disconnect line not yet
        # written), written because it holds a login; the ingest that reads the rest writes the
        # whole session and drops this row (pipeline/lake/journal.py, open runs). NULL: false.
        ("is_open", pa.bool_()),
    ]
)

RECEIVED_HOPS: Final = pa.schema(
    [
        ("message_key", pa.string()),
        ("hop_index", pa.int32()),
        ("hop_count", pa.int32()),
        ("received_at", _TS),
        ("from_helo", pa.string()),
        ("from_rdns", pa.string()),
        ("from_ip", pa.string()),
        ("by_host", pa.string()),
        ("with_protocol", pa.string()),
        ("with_raw", pa.string()),
        ("tls", pa.bool_()),
        ("tls_version", pa.string()),
        ("tls_version_source", pa.string()),
        ("tls_cipher", pa.string()),
        ("tls_bits", pa.int32()),
        ("authenticated", pa.bool_()),
        ("auth_user", pa.string()),
        ("is_local", pa.bool_()),
        ("is_own_server", pa.bool_()),
        ("is_from_own", pa.bool_()),
        ("security", pa.string()),
        ("dialect", pa.string()),
        ("parse_ok", pa.bool_()),
        ("raw", pa.string()),
        ("source_file", pa.string()),
    ]
)

MESSAGES: Final = pa.schema(
    [
        ("message_key", pa.string()),
        ("source_file", pa.string()),
        ("offset", pa.int64()),
        ("message_id", pa.string()),
        ("header_from", pa.string()),
        ("header_date_at", _TS),  # the Date: header; `date` is the partition column
        ("hop_count", pa.int32()),
    ]
)

REJECTS: Final = pa.schema(
    [
        ("source_file", pa.string()),
        ("source_line", pa.int64()),
        ("kind", pa.string()),
        ("reason", pa.string()),
        ("raw", pa.string()),
        ("event_at", _TS),  # the line's own time, when its envelope gave one; names its date=
    ]
)

INGESTED: Final = pa.schema(
    [
        ("path", pa.string()),
        ("size", pa.int64()),
        ("mtime", _TS),
        ("fingerprint", pa.string()),
        ("lines", pa.int64()),
        ("rows", pa.int64()),
        ("rejects", pa.int64()),
        ("ingested_at", _TS),
        # beyond DESIGN.md: how far the decompressed content was read (a grown file resumes
        # there) and how many lines were out of scope
        ("bytes_read", pa.int64()),
        ("skipped", pa.int64()),
        # the run that read it: a lake part whose run no row names was left by a crash
        ("run_id", pa.string()),
        # the content's identity where the read stopped (its last KiB): a file resumes there
        # only when its bytes before that offset are the same (pipeline.ingest.lines)
        ("tail_digest", pa.string()),
        # why the read ended before the content did (damaged compression); null: it did not
        ("stopped", pa.string()),
    ]
)

# table name in the lake → schema; partitioned tables carry a date=YYYY-MM-DD folder level
TABLES: Final = {
    "sessions": SESSIONS,
    "received_hops": RECEIVED_HOPS,
    "messages": MESSAGES,
    "rejects": REJECTS,
}


# Derived summaries: caches computed from the tables above, never a source of truth. They live
# under <lake>/_derived/<name>/month=YYYY-MM/<digest>.parquet, where <digest> names the session
# parts (and the SQL) they were computed from; a stale or missing one is recomputed from the
# tables, so changing these needs no SCHEMA_VERSION bump (pipeline/lake/derived.py).
DERIVED: Final = {
    # per day and user: the latest L0 and L1 event (pipeline/query/sql/marts/35_user_exposure.sql)
    "user_exposure": pa.schema(
        [
            ("day", pa.date32()),
            ("user_key", pa.string()),
            ("last_cleartext_at", _TS),
            ("last_legacy_tls_at", _TS),
        ]
    ),
    # per month: the users with a login (or a refused cleartext attempt) among its log sessions
    # (pipeline/query/sql/marts/80_outside_window.sql): what a report counts outside its window
    "login_users": pa.schema([("user_key", pa.string())]),
}


# the time column whose UTC day names a row's date= partition; rows without one (and tables
# not named here) go to the day they were ingested
PARTITION_BY: Final = {
    "sessions": "event_at",
    "received_hops": "received_at",
    "messages": "header_date_at",
    "rejects": "event_at",
}


def with_version(schema: pa.Schema) -> pa.Schema:
    """The schema with ``SCHEMA_VERSION`` in its metadata, as written to Parquet."""
    return schema.with_metadata({SCHEMA_VERSION_KEY: str(SCHEMA_VERSION).encode()})
