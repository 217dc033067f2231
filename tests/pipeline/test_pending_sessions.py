"""Sessions that never close (issue 13): ``connect from`` lines whose disconnect never comes
become sessions once stale (an hour of log time) or once too many are open, and what a run
leaves open is a bounded columnar file, not a JSON document that grows with every run."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.config import SiteConfig
from pipeline.ingest.run import ingest
from pipeline.lake.journal import read_pending
from pipeline.sessions import postfix

CONFIG = SiteConfig(year=2026, timezone="UTC")
START = datetime(2026, 3, 1, 8, 0)


def _connects(count: int, start: datetime, step: timedelta, first_pid: int = 1000) -> bytes:
    return b"".join(
        (
            f"{(start + step * n):%b %d %H:%M:%S} mx postfix/smtpd[{first_pid + n}]: "
            f"connect from unknown[192.0.2.{n % 250 + 1}]\n"
        ).encode()
        for n in range(count)
    )


def _sessions(lake: Path) -> int:
    return sum(pq.read_metadata(p).num_rows for p in (lake / "sessions").rglob("*.parquet"))


def test_open_sessions_are_capped_and_kept_columnar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postfix, "MAX_OPEN", 100, raising=False)
    log = tmp_path / "mail.log"
    log.write_bytes(_connects(3000, START, timedelta(milliseconds=100)))  # 5 minutes
    lake = tmp_path / "lake"
    ingest([str(log)], lake, CONFIG)
    pending = sum(len(states) for states in read_pending(lake).values())
    assert pending <= 100
    assert _sessions(lake) + pending == 3000  # the rest closed as sessions, none lost
    assert (lake / "_pending.parquet").is_file() and not (lake / "_pending.json").exists()


def test_sessions_stale_for_an_hour_close_within_the_file_and_across_runs(
    tmp_path: Path,
) -> None:
    log = tmp_path / "mail.log"
    # 20,000 connects over three hours: in-file, those an hour older than the newest close
    log.write_bytes(_connects(20_000, START, timedelta(milliseconds=540)))
    lake = tmp_path / "lake"
    ingest([str(log)], lake, CONFIG)
    pending = sum(len(states) for states in read_pending(lake).values())
    assert pending < 20_000 * 0.4
    with log.open("ab") as handle:  # two hours later, one more line: every open one is stale
        handle.write(_connects(1, START + timedelta(hours=5), timedelta(0), first_pid=99))
    ingest([str(log)], lake, CONFIG)
    assert _sessions(lake) + sum(len(s) for s in read_pending(lake).values()) == 20_001
    assert sum(len(states) for states in read_pending(lake).values()) == 1
