"""The synthetic lake: valid as an ingest would leave it (schema, partitions, committed run),
deterministic for a seed, and shaped like a site (users, MTAs, guessers, a migration)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from benchmarks import generate_lake
from pipeline.lake.journal import read_ingested, recover
from pipeline.lake.schema import SCHEMA_VERSION, SCHEMA_VERSION_KEY, SESSIONS
from pipeline.query import queries
from pipeline.query.db import connect

FIRST = date(2025, 3, 1)


def make(tmp: Path, seed: int = 2) -> Path:
    generate_lake.generate(tmp, 6000, seed=seed, users=60, first=FIRST, days=10)
    return tmp


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make(tmp_path_factory.mktemp("lake"))


def test_parts_carry_the_schema_and_its_version(lake: Path) -> None:
    parts = sorted((lake / "sessions").glob("date=*/*.parquet"))
    assert parts
    for part in parts[:5]:
        schema = pq.read_schema(part)
        assert schema.remove_metadata().equals(SESSIONS)
        assert schema.metadata[SCHEMA_VERSION_KEY] == str(SCHEMA_VERSION).encode()


def test_every_row_sits_in_the_partition_of_its_utc_day(lake: Path) -> None:
    with connect(lake) as con:
        misplaced = con.sql(
            "SELECT count(*) FROM stg_sessions WHERE partition_date <> CAST(event_at AS DATE)"
        ).fetchall()[0][0]
        days = con.sql("SELECT count(DISTINCT partition_date) FROM stg_sessions").fetchall()
    assert misplaced == 0
    assert days[0][0] == 10


def test_the_run_is_committed_so_recover_keeps_it(lake: Path) -> None:
    rows = read_ingested(lake)
    hosts_days = {(Path(r["path"]).parent.name, r["path"][-8:]) for r in rows}
    assert len(rows) == len(hosts_days) == 30  # three servers, ten days
    assert recover(lake) == []


def test_same_seed_same_sessions(tmp_path: Path, lake: Path) -> None:
    again = make(tmp_path / "again")
    other = make(tmp_path / "other", seed=3)
    query = "SELECT * EXCLUDE (source_file) FROM stg_sessions ORDER BY session_key"
    with connect(lake) as a, connect(again) as b, connect(other) as c:
        assert a.sql(query).fetchall() == b.sql(query).fetchall()
        assert a.sql(query).fetchall() != c.sql(query).fetchall()


def test_the_site_has_users_mtas_guessers_and_every_level(lake: Path) -> None:
    with connect(lake) as con:
        services = dict(con.sql("SELECT service, count(*) FROM stg_sessions GROUP BY 1").fetchall())
        guesses = con.sql(
            "SELECT count(*) FROM stg_sessions WHERE user_key IN ('admin', 'info', 'test') "
            "AND auth_result = 'failed'"
        ).fetchall()[0][0]
        levels = queries.level_counts(con, since=FIRST, until=date(2025, 3, 10))
    assert services["smtp"] == 6000 * generate_lake.MTA_SHARE
    assert {"imap", "submission"} <= set(services)
    assert guesses > 0
    counts = dict(zip(levels["level"], levels["user_count"], strict=True))
    assert counts["L3"] > counts["L0"] > 0
    assert counts["L1"] > 0
