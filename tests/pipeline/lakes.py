"""Small lakes for tests: hand-written rows written as Parquet the way ingest lays them out."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from pipeline.lake.rows import SCHEMAS, received_hops_row, rows_table, sessions_row
from pipeline.lake.schema import TABLES, with_version


def at(text: str) -> datetime:
    """``2025-03-10 08:00`` as a UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _blank(table: str) -> dict[str, Any]:
    return dict.fromkeys(SCHEMAS[table].names)


def session(**fields: Any) -> dict[str, Any]:
    """A sessions row: a successful Dovecot IMAP login unless told otherwise."""
    row: dict[str, Any] = {
        "source": "dovecot",
        "server_host": "mail1",
        "service": "imap",
        "listener": "imap-login",
        "auth_method": "PLAIN",
        "auth_result": "ok",
        "auth_failures": 0,
        "is_trusted_hop": False,
        "session_key": "s",
        "source_file": "mail.log",
        "source_line": 1,
    }
    # through the row constructor: a field the schema does not have raises
    return sessions_row(**_blank("sessions") | row | fields)


def hop(**fields: Any) -> dict[str, Any]:
    """A received_hops row: an authenticated hop into our own server from a client outside, at
    the top of its message, unless told otherwise."""
    row: dict[str, Any] = {
        "hop_index": 0,
        "hop_count": 1,
        "by_host": "mail1.example.org",
        "authenticated": True,
        "is_local": False,
        "is_own_server": True,
        "is_from_own": False,
        "parse_ok": True,
        "source_file": "INBOX",
    }
    return received_hops_row(**_blank("received_hops") | row | fields)


def write_table(
    lake: Path, table: str, rows: Iterable[Mapping[str, Any]], time_column: str
) -> None:
    """Rows into ``<lake>/<table>/date=YYYY-MM-DD/part-0.parquet``, one folder per day."""
    by_day: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        by_day[row[time_column].date().isoformat()].append(row)
    schema = with_version(TABLES[table])
    for day, day_rows in by_day.items():
        folder = lake / table / f"date={day}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(rows_table(table, day_rows, schema), folder / "part-0.parquet")


def write_rejects(lake: Path, day: str, rows: Iterable[Mapping[str, Any]]) -> None:
    folder = lake / "rejects" / f"date={day}"
    folder.mkdir(parents=True, exist_ok=True)
    # a reject without a time of its own (event_at) lies in the day it names: ``day``
    table = rows_table("rejects", [{"event_at": None, **row} for row in rows])
    pq.write_table(table, folder / "part-0.parquet")


def write_ingested(lake: Path, rows: Iterable[Mapping[str, Any]]) -> None:
    """``_ingested`` rows; the resume columns a row leaves out (``bytes_read``, ``skipped``,
    ``run_id``) are null, as in a lake written before they existed."""
    table = rows_table("_ingested", [_blank("_ingested") | dict(row) for row in rows])
    pq.write_table(table, lake / "_ingested.parquet")


def random_sessions(seed: int, count: int) -> list[dict[str, Any]]:
    """``count`` seeded random sessions from 2025-02-27 over 36 days: a few users (one in two
    cases, one blank, one missing), services with port 25, IPs with a missing one, failures."""
    rng = random.Random(seed)
    start = at("2025-02-27 00:00")
    rows = []
    for _ in range(count):
        result = rng.choice(["ok", "ok", "failed", "refused_cleartext"])
        mode, version, security = rng.choice(
            [
                ("none", None, "cleartext"),
                ("starttls", "TLSv1", "legacy_tls"),
                ("implicit", "TLSv1.3", "modern_tls"),
                ("starttls", None, "modern_tls"),
                ("unknown", None, "unknown"),
            ]
        )
        rows.append(
            session(
                user_name=rng.choice(["a@x.org", "b@x.org", "C@x.org", "c@x.org", " ", None]),
                event_at=start + timedelta(minutes=rng.randrange(60 * 24 * 36)),
                service=rng.choice(["imap", "pop3", "submission", "managesieve", "smtp"]),
                client_ip=rng.choice([None, "192.0.2.1", "192.0.2.2", "2001:db8::1"]),
                auth_result=result,
                auth_failures=rng.choice([0, 0, 1, 3]) if result == "failed" else 0,
                is_trusted_hop=rng.random() < 0.1,
                tls_mode=mode,
                tls_version=version,
                security=security,
            )
        )
    return rows
