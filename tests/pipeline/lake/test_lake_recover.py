"""`recover` on a lake committed before `_ingested` listed its runs: a part of a run older than
the newest committed one counts (a crash leaves only the newest run uncommitted); a part of a
newer run is a crash leftover."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from pipeline.lake.journal import INGESTED_FILE, RUNS_KEY, read_ingested, recover
from tests.pipeline.lakes import at, write_ingested


def _legacy_lake(tmp_path: Path, named: str, others: list[str]) -> Path:
    """Parts of ``named`` and ``others``; one _ingested row naming ``named``, no runs list."""
    lake = tmp_path / "lake"
    folder = lake / "sessions" / "date=2025-01-01"
    folder.mkdir(parents=True)
    for run in [named, *others]:
        (folder / f"{run}-00000-00001.parquet").write_bytes(b"")

    write_ingested(
        lake,
        [
            {
                "path": "mail.log",
                "size": 10,
                "mtime": at("2025-01-01 00:00"),
                "fingerprint": "f",
                "lines": 1,
                "rows": 1,
                "rejects": 0,
                "ingested_at": at("2025-01-01 00:00"),
                "run_id": named,
            }
        ],
    )
    assert RUNS_KEY not in (pq.read_schema(lake / INGESTED_FILE).metadata or {})
    return lake


def test_a_legacy_lake_keeps_older_runs_and_drops_a_newer_one(tmp_path: Path) -> None:
    older = "r20250101T000000000000aaaaaa"  # a grown file's earlier run, no row names it
    named = "r20250102T000000000000bbbbbb"
    newer = "r20250103T000000000000cccccc"  # died before its commit
    lake = _legacy_lake(tmp_path, named, [older, newer])
    removed = recover(lake)
    assert [p.name for p in removed] == [f"{newer}-00000-00001.parquet"]
    assert sorted(p.name.split("-")[0] for p in lake.rglob("*.parquet") if "date=" in str(p)) == [
        older,
        named,
    ]
    assert read_ingested(lake)[0]["run_id"] == named
