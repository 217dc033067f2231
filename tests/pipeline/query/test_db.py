"""Opening the lake: views in place, a missing or newer lake is a LakeError."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.errors import LakeError
from pipeline.lake.schema import SCHEMA_VERSION, SCHEMA_VERSION_KEY, SESSIONS
from pipeline.query.db import connect, run, sql_files
from tests.pipeline.lakes import at, session, write_table


def test_every_sql_file_states_its_grain() -> None:
    for path in sql_files():
        assert path.read_text().startswith("-- grain: "), path


def test_staging_runs_before_marts() -> None:
    layers = [path.parent.name for path in sql_files()]
    assert layers == sorted(layers, key=["staging", "marts"].index)


def test_missing_lake(tmp_path: Path) -> None:
    with pytest.raises(LakeError, match="no lake at"):
        connect(tmp_path / "absent")


def test_newer_schema_version_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "sessions" / "date=2025-03-01"
    folder.mkdir(parents=True)
    schema = SESSIONS.with_metadata({SCHEMA_VERSION_KEY: str(SCHEMA_VERSION + 1).encode()})
    pq.write_table(pa.Table.from_pylist([], schema=schema), folder / "part-0.parquet")
    with pytest.raises(LakeError, match="schema version"):
        connect(tmp_path)


def test_empty_views_keep_their_types(tmp_path: Path) -> None:
    with connect(tmp_path) as con:
        types = dict(
            con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = 'stg_sessions'"
            ).fetchall()
        )
    assert (types["event_at"], types["server_port"], types["is_trusted_hop"]) == (
        "TIMESTAMP WITH TIME ZONE",
        "INTEGER",
        "BOOLEAN",
    )


def test_an_open_connection_sees_a_day_written_after_it(tmp_path: Path) -> None:
    # the app keeps its connection: a query through run() takes the parts of the last commit
    write_table(tmp_path, "sessions", [session(event_at=at("2025-03-01 08:00"))], "event_at")
    con = connect(tmp_path)
    write_table(tmp_path, "sessions", [session(event_at=at("2025-03-02 09:00"))], "event_at")
    sql = "SELECT partition_date FROM stg_sessions ORDER BY 1"
    days = run(con, sql, None, lambda result: result.fetchall())
    assert [str(day) for (day,) in days] == ["2025-03-01", "2025-03-02"]
