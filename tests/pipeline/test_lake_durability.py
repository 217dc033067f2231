"""The lake on disk (issue 13): a run's parts reach the disk before its commit, the commit's
own file before its rename and its name after it; a lake path is a path, never a pattern."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import SiteConfig
from pipeline.ingest.run import ingest
from pipeline.lake import writer
from pipeline.query.db import connect

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "logs" / "recommended"
CONFIG = SiteConfig(year=2026, timezone="UTC")


def test_parts_and_state_are_on_disk_before_the_commit_and_its_name_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[tuple[str, str]] = []
    real_fsync, real_replace, real_syncfs = os.fsync, os.replace, writer._syncfs

    def fsync(descriptor: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{descriptor}")))
        real_fsync(descriptor)

    def replace(source: Any, target: Any) -> None:
        events.append(("replace", str(target)))
        real_replace(source, target)

    def syncfs(descriptor: int) -> int:
        events.append(("syncfs", os.readlink(f"/proc/self/fd/{descriptor}")))
        return real_syncfs(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(writer, "_syncfs", syncfs)
    lake = tmp_path / "lake"
    ingest([str(SAMPLE / "dovecot.log")], lake, CONFIG)

    commit = events.index(("replace", str(lake / "_ingested.parquet")))
    before, after = events[:commit], events[commit + 1 :]
    last_part = max(i for i, (kind, path) in enumerate(before) if "/sessions/" in path)
    assert ("syncfs", str(lake)) in before[last_part:]  # the parts, once, after the last one
    assert before[-1][0] == "fsync" and ".tmp" in before[-1][1]  # the commit's own file
    assert ("fsync", str(lake)) in after  # its new name
    pending = events.index(("replace", str(lake / "_pending.parquet")))
    assert ("fsync", str(lake)) in events[pending + 1 :]


def test_a_lake_path_with_brackets_is_read_as_it_is(tmp_path: Path) -> None:
    lake = tmp_path / "lake[1]"
    logs = tmp_path / "logs"
    logs.mkdir()
    shutil.copy2(SAMPLE / "dovecot.log", logs)
    ingest([str(logs)], lake, CONFIG)
    with connect(lake) as con:
        [(count,)] = con.execute("SELECT count(*) FROM stg_sessions").fetchall()
    logins = [
        line
        for line in (SAMPLE / "dovecot.log").read_text().splitlines()
        if "-login: " in line and "rip=" in line and "Login failed" not in line
    ]
    assert count == len(logins)
    result = CliRunner().invoke(cli, ["report", "--lake", str(lake), "--format", "json"])
    assert result.exit_code == 0, result.output
