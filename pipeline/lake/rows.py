"""The row contract: one typed constructor per lake table, and the check every row passes on
its way into Arrow.

A constructor takes each column of :mod:`pipeline.lake.schema` as a keyword argument, in the
schema's order (``tests/pipeline/lake/test_rows.py`` holds the two together), so a builder that
forgets a column fails under mypy and raises ``TypeError`` when run. The lake writer checks
every row it converts (:func:`check_rows`), whoever built it, and a hand-written or generated
lake (tests, benchmarks) goes through :func:`rows_table` or :func:`check_columns`: each raises
:class:`RowContractError` where ``pa.Table.from_pylist(schema=…)`` alone would write nulls for
a missing key and drop an unknown one without a word.

Adding a column: ``schema.py``, the constructor of its table here, the staging SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

import pyarrow as pa

from pipeline.errors import LakeError
from pipeline.lake.schema import INGESTED, TABLES, with_version

Row = dict[str, Any]

SCHEMAS: Final = {**TABLES, "_ingested": INGESTED}
_COLUMNS: Final = {name: frozenset(schema.names) for name, schema in SCHEMAS.items()}


class RowContractError(LakeError):
    """A row or table of another shape than its lake table's schema (a bug, not bad input)."""


def check_columns(table: str, names: Iterable[str]) -> None:
    """Raise unless ``names`` are exactly the columns of ``table`` (any order)."""
    names = frozenset(names)
    expected = _COLUMNS[table]
    if names != expected:
        missing = ", ".join(sorted(expected - names)) or "none"
        extra = ", ".join(sorted(names - expected)) or "none"
        raise RowContractError(f"{table} row: missing columns {missing}; unknown columns {extra}")


def check_rows(table: str, rows: Iterable[Mapping[str, Any]]) -> None:
    expected = _COLUMNS[table]
    for row in rows:
        if row.keys() != expected:
            check_columns(table, row.keys())


def rows_table(
    table: str, rows: Sequence[Mapping[str, Any]], schema: pa.Schema | None = None
) -> pa.Table:
    """Checked rows as an Arrow table of ``table``'s schema (versioned unless ``schema`` is
    given, e.g. with more metadata)."""
    check_rows(table, rows)
    return pa.Table.from_pylist(rows, schema=schema or with_version(SCHEMAS[table]))


# The constructors return their keyword arguments, in the order they are declared (locals()
# holds nothing else at that point).


def sessions_row(
    *,
    event_at: datetime | None,
    source: str,
    server_host: str | None,
    service: str | None,
    listener: str | None,
    server_port: int | None,
    client_ip: str | None,
    server_ip: str | None,
    user_name: str | None,
    auth_method: str | None,
    auth_result: str | None,
    auth_failures: int | None,
    tls_mode: str | None,
    tls_version: str | None,
    tls_version_source: str | None,
    tls_cipher: str | None,
    security: str | None,
    is_trusted_hop: bool | None,
    session_key: str | None,
    source_file: str | None,
    source_line: int | None,
    is_open: bool | None,
) -> Row:
    return dict(locals())


def received_hops_row(
    *,
    message_key: str,
    hop_index: int,
    hop_count: int,
    received_at: datetime | None,
    from_helo: str | None,
    from_rdns: str | None,
    from_ip: str | None,
    by_host: str | None,
    with_protocol: str | None,
    with_raw: str | None,
    tls: bool | None,
    tls_version: str | None,
    tls_version_source: str | None,
    tls_cipher: str | None,
    tls_bits: int | None,
    authenticated: bool | None,
    auth_user: str | None,
    is_local: bool | None,
    is_own_server: bool | None,
    is_from_own: bool | None,
    security: str | None,
    dialect: str | None,
    parse_ok: bool | None,
    raw: str | None,
    source_file: str | None,
) -> Row:
    return dict(locals())


def messages_row(
    *,
    message_key: str,
    source_file: str | None,
    offset: int | None,
    message_id: str | None,
    header_from: str | None,
    header_date_at: datetime | None,
    hop_count: int | None,
) -> Row:
    return dict(locals())


def rejects_row(
    *,
    source_file: str | None,
    source_line: int | None,
    kind: str,
    reason: str,
    raw: str | None,
    event_at: datetime | None,
) -> Row:
    return dict(locals())


CONSTRUCTORS: Final[Mapping[str, Callable[..., Row]]] = {
    "sessions": sessions_row,
    "received_hops": received_hops_row,
    "messages": messages_row,
    "rejects": rejects_row,
}
