"""The lake writer's parts (rows held as Arrow batches before a flush), and the results that
travel between processes pickled field by field."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from parsers.records import LogEvent
from pipeline.ingest.mail import PlannedFile
from pipeline.ingest.results import FileResult
from pipeline.ingest.stitch import Edges
from pipeline.lake import writer as lake_module
from pipeline.lake.writer import LakeWriter
from tests.pipeline.lakes import session


def _session(day: int, line: int) -> dict[str, object]:
    return session(event_at=datetime(2026, 3, day, 12, 0, tzinfo=UTC), source_line=line)


def _parts(lake: Path) -> dict[str, list[int]]:
    """Each part, by its date and name, with the source lines of its rows in file order."""
    return {
        f"{path.parent.name}/{path.name}": pq.read_table(path)["source_line"].to_pylist()
        for path in sorted((lake / "sessions").glob("date=*/*.parquet"))
    }


@pytest.mark.parametrize("batch_rows", [None, 1])
def test_parts_hold_each_days_rows_in_order_across_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_rows: int | None
) -> None:
    monkeypatch.setattr(lake_module, "BATCH_ROWS", 2)
    monkeypatch.setattr(lake_module, "FLUSH_ROWS", 5)
    writer = LakeWriter(tmp_path, "rT", batch_rows=batch_rows)
    writer.add("sessions", [_session(2, 1), _session(1, 2), _session(2, 3)])  # a batch
    writer.add("sessions", [_session(1, 4)])  # waits as a dict, unless batch_rows=1
    assert len(writer.buffers["sessions"]) == (0 if batch_rows == 1 else 1)
    writer.add("sessions", [_session(2, 5)])  # 5 rows: flushed, days in order
    writer.add("sessions", [_session(3, 6)])
    writer.flush()
    assert _parts(tmp_path) == {
        "date=2026-03-01/rT-00001.parquet": [2, 4],
        "date=2026-03-02/rT-00002.parquet": [1, 3, 5],
        "date=2026-03-03/rT-00003.parquet": [6],
    }
    assert writer.written["sessions"] == 6


def test_a_file_result_comes_back_from_pickle_whole() -> None:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    ingested = {"path": "/m/cur/1", "size": 10, "mtime": at, "bytes_read": 10}
    bare = FileResult("/m/cur/1", 1, 3, 0, 0, 0, "cut", ingested, resumed=True)
    edges = Edges(connected=["mx/postfix/smtpd/1"], window_passed=True, latest=at)
    with_edges = FileResult("/var/log/mail.log", 9, 4, 3, 2, 1, edges=edges)
    edges.postfix_heads.append(LogEvent("postfix.smtpd.helo", at, "mx", "postfix/smtpd", 1, {}, 8))
    for result in (bare, with_edges):
        assert pickle.loads(pickle.dumps(result)) == result


def test_a_planned_file_comes_back_from_pickle_whole() -> None:
    planned = PlannedFile("/m/a.mbox", 99, {"path": "/m/a.mbox"}, "why", True, 7, True, (7, None))
    assert pickle.loads(pickle.dumps(planned)) == planned
