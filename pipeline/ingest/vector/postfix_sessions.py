"""A span's smtpd sessions from ``pf`` (see :mod:`pipeline.ingest.vector.postfix_sql`): the
closed ones as ``sessions`` rows, the rest as the :class:`~pipeline.ingest.stitch.Edges` parts
the stitch joins with the neighbouring spans (heads as LogEvents, tails as session states)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from parsers.records import LogEvent, new_log_event
from parsers.vocab import version_with_source
from pipeline.config import SiteConfig
from pipeline.ingest.vector import postfix_sql
from pipeline.sessions.postfix import PostfixSessions as Sessions

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TYPES = {"BIGINT": pa.int64(), "VARCHAR": pa.string()}
PF_SCHEMA = pa.schema([(name, _TYPES[kind]) for name, kind in postfix_sql.PF_COLUMNS])
_COUNTERS = postfix_sql.COUNTERS


def epoch_us(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


def to_us(moment: datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def pf_row(event: LogEvent) -> dict[str, Any]:
    """The pf row of an smtpd event read in Python (what the sessioniser reads of it)."""
    f = event.fields
    row: dict[str, Any] = {
        "line_no": event.line_no,
        "host": event.host,
        "program": event.program,
        "pid": event.pid,
        "kind": event.kind,
        "at_us": None if event.event_at is None else to_us(event.event_at),
        "client_ip": f.get("client_ip"),
        "user_name": f.get("user_name"),
        "auth_method": f.get("auth_method"),
        "tls_raw": f.get("tls_version_raw") or f.get("tls_version"),
        "tls_cipher": f.get("tls_cipher"),
    }
    for name in _COUNTERS:
        value = f.get(name)
        row[name] = None if value is None else (int(value) if value.isdigit() else 0)
    return row


@dataclass(slots=True)
class SpanSessions:
    rows: list[dict[str, Any]] = field(default_factory=list)
    heads: list[LogEvent] = field(default_factory=list)
    connected: list[str] = field(default_factory=list)
    tails: list[dict[str, Any]] = field(default_factory=list)
    latest: datetime | None = None


def postfix_sessions(
    con: duckdb.DuckDBPyConnection, config: SiteConfig, source_file: str
) -> SpanSessions:
    found = SpanSessions()
    if not con.execute("SELECT count(*) FROM pf").fetchall()[0][0]:
        return found
    con.execute(postfix_sql.RUNS)
    con.execute(postfix_sql.SESSIONS)
    _register_lookups(con, config)
    table = con.sql(postfix_sql.rows_sql(source_file)).to_arrow_table()
    at = table.schema.get_field_index("event_at")
    table = table.set_column(at, "event_at", table.column(at).cast(pa.timestamp("us", tz="UTC")))
    found.rows = table.to_pylist()
    for name in ("lst", "internal", "versions"):
        con.unregister(name)
    found.heads = [
        _head(row)
        for row in con.execute(
            "SELECT line_no, host, program, pid, kind, at_us, client_ip, user_name, auth_method,"
            " tls_raw, tls_cipher, starttls_ok, starttls_attempts, auth_ok, auth_attempts,"
            " commands_total FROM pfr WHERE is_head ORDER BY line_no"
        ).fetchall()
    ]
    found.connected = [
        key
        for (key,) in con.execute(
            "SELECT key FROM (SELECT key, min(line_no) AS first_line,"
            " first(kind ORDER BY line_no) AS first_kind FROM pfr"
            " WHERE kind IN ('postfix.smtpd.connect', 'postfix.smtpd.disconnect') GROUP BY key)"
            " WHERE first_kind = 'postfix.smtpd.connect' ORDER BY first_line"
        ).fetchall()
    ]
    found.tails = [
        _tail(row, source_file)
        for row in con.execute(
            "SELECT key, started_us, host, program, pid, source_line, client_ip, user_name,"
            " auth_method, tls_raw, tls_cipher, has_tls_line, sasl_failures, authenticated, last_us"
            " FROM pfs WHERE is_last AND NOT closed ORDER BY source_line"
        ).fetchall()
    ]
    latest = con.execute("SELECT max(at_us) FROM pf").fetchall()[0][0]
    found.latest = None if latest is None else epoch_us(latest)
    return found


def _register_lookups(con: duckdb.DuckDBPyConnection, config: SiteConfig) -> None:
    """Listeners by program, internal networks by client address, the TLS version by logged
    text and cipher: the reference's own functions over the span's distinct values."""
    sessions = Sessions(config, [])
    programs = [p for (p,) in con.execute("SELECT DISTINCT program FROM pfs").fetchall()]
    listeners = [sessions.listener(p) for p in programs]
    con.register(
        "lst",
        pa.table(
            {
                "program": pa.array(programs, pa.string()),
                "service": pa.array([x.service if x else None for x in listeners], pa.string()),
                "port": pa.array([x.port if x else None for x in listeners], pa.int64()),
                "tls_mode": pa.array([x.tls_mode if x else None for x in listeners], pa.string()),
            }
        ),
    )
    addresses: list[str] = []
    if config.internal_networks:
        addresses = [
            a
            for (a,) in con.execute(
                "SELECT DISTINCT client_ip FROM pfs WHERE client_ip IS NOT NULL"
            ).fetchall()
        ]
    con.register(
        "internal",
        pa.table(
            {
                "client_ip": pa.array(addresses, pa.string()),
                "is_internal": pa.array([config.is_internal(a) for a in addresses], pa.bool_()),
            }
        ),
    )
    pairs = con.execute("SELECT DISTINCT tls_raw, tls_cipher FROM pfs").fetchall()
    versions = [version_with_source(raw, cipher) for raw, cipher in pairs]
    con.register(
        "versions",
        pa.table(
            {
                "raw": pa.array([p[0] for p in pairs], pa.string()),
                "cipher": pa.array([p[1] for p in pairs], pa.string()),
                "version": pa.array([v[0] for v in versions], pa.string()),
                "source": pa.array([v[1] for v in versions], pa.string()),
            }
        ),
    )


def _head(row: tuple[Any, ...]) -> LogEvent:
    (line_no, host, program, pid, kind, at_us, client_ip, user_name, auth_method, tls_raw,
     tls_cipher, *counters) = row  # fmt: skip
    fields: dict[str, str | None] = {
        "client_ip": client_ip,
        "user_name": user_name,
        "auth_method": auth_method,
        "tls_version_raw": tls_raw,
        "tls_cipher": tls_cipher,
    }
    for name, value in zip(_COUNTERS, counters, strict=True):
        fields[name] = None if value is None else str(value)
    at = None if at_us is None else epoch_us(at_us)
    return new_log_event(kind, at, host, program, pid, fields, line_no)


def _tail(row: tuple[Any, ...], source_file: str) -> dict[str, Any]:
    """A session state as :meth:`PostfixSession.to_state` writes it."""
    (key, started_us, host, program, pid, source_line, client_ip, user_name, auth_method,
     tls_raw, tls_cipher, has_tls_line, sasl_failures, authenticated, last_us) = row  # fmt: skip
    return {
        "key": key,
        "started_at": None if started_us is None else epoch_us(started_us),
        "host": host,
        "program": program,
        "pid": pid,
        "source_file": source_file,
        "source_line": source_line,
        "client_ip": client_ip,
        "user_name": user_name,
        "auth_method": auth_method,
        "tls_version_raw": tls_raw,
        "tls_cipher": tls_cipher,
        "has_tls_line": has_tls_line,
        "sasl_failures": sasl_failures,
        "authenticated": authenticated,
        "last_at": None if last_us is None else epoch_us(last_us),
        "counters": {},
        "closed": False,
    }
