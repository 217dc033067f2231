"""queries.event_span reads only the edge days' partitions; values read by hand from the rows."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.lake.schema import SESSIONS, with_version
from pipeline.query import queries
from pipeline.query.db import connect
from tests.pipeline.lakes import at, session, write_table


def test_first_and_last_session(tmp_path: Path) -> None:
    rows = [
        session(event_at=at("2025-03-03 23:00"), user_name="a"),
        session(event_at=at("2025-03-03 06:00"), user_name="b"),
        session(event_at=at("2025-03-04 12:00"), user_name="c"),
        session(event_at=at("2025-03-09 07:00"), user_name="d"),
        session(event_at=at("2025-03-09 21:30"), user_name="e"),
    ]
    write_table(tmp_path, "sessions", rows, "event_at")
    with connect(tmp_path) as con:
        assert queries.event_span(con) == (at("2025-03-03 06:00"), at("2025-03-09 21:30"))


def test_an_edge_day_without_timed_sessions_falls_back_to_every_file(tmp_path: Path) -> None:
    write_table(tmp_path, "sessions", [session(event_at=at("2025-03-04 12:00"))], "event_at")
    folder = tmp_path / "sessions" / "date=2025-03-10"  # its one row has no event_at
    folder.mkdir()
    schema = with_version(SESSIONS)
    pq.write_table(
        pa.Table.from_pylist([session(event_at=None)], schema=schema), folder / "p.parquet"
    )
    with connect(tmp_path) as con:
        assert queries.event_span(con) == (at("2025-03-04 12:00"), at("2025-03-04 12:00"))


def test_an_empty_lake_has_no_span(empty_lake: Path) -> None:
    with connect(empty_lake) as con:
        assert queries.event_span(con) == (None, None)
