"""The level of a connection is written once (marts/05_levels.sql) and every mart uses it; the
expectations below are DESIGN.md's level table, written by hand."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from pipeline.query.db import SQL_DIR, sql_files

LEVELS_SQL = SQL_DIR / "marts" / "05_levels.sql"


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(LEVELS_SQL.read_text(encoding="utf-8"))
    return con


@pytest.mark.parametrize(
    ("security", "tls_mode", "is_trusted_hop", "is_refused", "level"),
    [
        ("cleartext", "none", False, False, "L0"),
        ("modern_tls", "implicit", False, True, "L0"),  # refused after the password was sent
        ("legacy_tls", "implicit", False, False, "L1"),
        ("modern_tls", "starttls", False, False, "L2"),
        ("modern_tls", None, False, False, "L2"),  # a Received hop: the mode is never known
        ("modern_tls", "implicit", False, False, "L3"),
        ("modern_tls", "implicit", True, False, "unknown"),  # a trusted hop hides the user
        ("cleartext", "none", True, False, "unknown"),
        ("tls_unknown", "implicit", False, False, "unknown"),
        ("unknown", None, None, False, "unknown"),
        ("cleartext", "none", None, None, "L0"),
    ],
)
def test_level_of(
    con: duckdb.DuckDBPyConnection,
    security: str,
    tls_mode: str | None,
    is_trusted_hop: bool | None,
    is_refused: bool | None,
    level: str,
) -> None:
    found = con.execute(
        "SELECT level_of(CAST($1 AS VARCHAR), CAST($2 AS VARCHAR), CAST($3 AS BOOLEAN), "
        "CAST($4 AS BOOLEAN))",
        [security, tls_mode, is_trusted_hop, is_refused],
    ).fetchone()
    assert found == (level,)


def test_rank_and_back(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT l, level_rank(l), level_at_rank(level_rank(l)) "
        "FROM unnest(['L0', 'L1', 'L2', 'L3', 'unknown']) AS t(l)"
    ).fetchall()
    assert rows == [
        ("L0", 0, "L0"),
        ("L1", 1, "L1"),
        ("L2", 2, "L2"),
        ("L3", 3, "L3"),
        ("unknown", None, "unknown"),
    ]


def test_no_other_sql_file_spells_a_level_out() -> None:
    spelled = re.compile(r"THEN\s+'L[0-3]'|WHEN\s+'L[0-3]'")
    offenders = [
        str(path.relative_to(SQL_DIR))
        for path in [*sql_files(), *(SQL_DIR / "queries").glob("*.sql")]
        if path != LEVELS_SQL and spelled.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "use level_of / level_rank / level_at_rank (marts/05_levels.sql)"


def test_every_query_file_states_its_grain() -> None:
    files = sorted((SQL_DIR / "queries").glob("*.sql"))
    assert files
    for path in files:
        assert path.read_text(encoding="utf-8").startswith("-- grain: "), path


def test_the_levels_run_before_the_marts_that_use_them() -> None:
    names = [Path(p).name for p in sql_files()]
    assert names.index("05_levels.sql") < names.index("10_session_levels.sql")
