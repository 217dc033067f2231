"""Files of one rotated set read by different workers, and the lake's run bookkeeping: a crashed
run's parts, another schema version, a session left open, the lock.

Expected values are read from the lab's lines (sample_data/logs/recommended)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import SiteConfig
from pipeline.errors import LakeError
from pipeline.ingest.run import ingest
from pipeline.lake.journal import locked
from pipeline.lake.schema import SCHEMA_VERSION, SCHEMA_VERSION_KEY
from tests.pipeline.lake_content import lake_content

SAMPLE = Path(__file__).resolve().parents[3] / "sample_data" / "logs" / "recommended"
CONFIG = SiteConfig(year=2026, timezone="UTC")
POSTFIX = [SAMPLE / "postfix.log.2.gz", SAMPLE / "postfix.log.1", SAMPLE / "postfix.log"]


def _text(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode()


def _lines(*paths: Path) -> list[str]:
    return [line for p in paths for line in _text(p).splitlines(keepends=True)]


def _sessions(lake: Path) -> list[dict[str, object]]:
    return [r for f in (lake / "sessions").rglob("*.parquet") for r in pq.read_table(f).to_pylist()]


def _without_position(rows: list[dict[str, object]]) -> list[str]:
    """Rows as text without where they were read (file and line change with the cut)."""
    return sorted(
        repr(sorted((k, v) for k, v in r.items() if k not in ("source_file", "source_line")))
        for r in rows
    )


def _write(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_two_workers_write_the_same_lake_as_one(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    for path in SAMPLE.iterdir():
        shutil.copy2(path, logs)
    ingest([str(logs)], tmp_path / "one", CONFIG, workers=1)
    ingest([str(logs)], tmp_path / "two", CONFIG, workers=2)
    one = lake_content(tmp_path / "one")
    assert one["sessions"]
    assert lake_content(tmp_path / "two") == one


@pytest.mark.parametrize("cut", range(20, 560, 45))
def test_any_rotation_cut_read_by_two_workers_gives_the_rows_of_one_file(
    tmp_path: Path, cut: int
) -> None:
    lines = _lines(*POSTFIX)
    whole = _write(tmp_path / "whole" / "postfix.log", lines)
    _write(tmp_path / "cut" / "postfix.log.1", lines[:cut])
    _write(tmp_path / "cut" / "postfix.log", lines[cut:])
    ingest([str(whole)], tmp_path / "lake-whole", CONFIG, workers=1)
    ingest([str(tmp_path / "cut")], tmp_path / "lake-cut", CONFIG, workers=2)
    rows = _sessions(tmp_path / "lake-cut")
    assert len(rows) == sum(1 for line in lines if "/smtpd[" in line and ": connect from " in line)
    assert _without_position(rows) == _without_position(_sessions(tmp_path / "lake-whole"))


@pytest.mark.parametrize("workers", [1, 2])
def test_dovecot_password_mismatch_in_the_older_file_counts_into_its_login(
    tmp_path: Path, workers: int
) -> None:
    log = _text(SAMPLE / "dovecot.log").splitlines(keepends=True)
    older = _text(SAMPLE / "dovecot.log.2.gz").splitlines(keepends=True)
    # /O2U…: a wrong password at 05:24:40 (line 98) and the login at 05:24:45 (line 99)
    mismatch, login = log[97], log[98]
    assert "</O2UgmNh4YR/AAAT>): Password mismatch" in mismatch
    assert "Login: " in login and "session=</O2UgmNh4YR/AAAT>" in login
    # /Fav…: the same story, moved 20 minutes later, well past the start of the newer file
    late = [
        line.replace("05:24:", "05:44:")
        for line in older
        if "/FavgWNh+Zd/AAAT>" in line and ("Password mismatch" in line or "Login: " in line)
    ]
    assert len(late) == 2
    _write(tmp_path / "logs" / "dovecot.log.1", [mismatch])
    _write(tmp_path / "logs" / "dovecot.log", [login, *late])
    ingest([str(tmp_path / "logs")], tmp_path / "lake", CONFIG, workers=workers)
    rows = sorted(_sessions(tmp_path / "lake"), key=lambda r: str(r["event_at"]))
    assert [(r["user_name"], r["auth_result"], r["auth_failures"]) for r in rows] == [
        ("ivan@lab.example", "ok", 1),
        ("ivan@lab.example", "ok", 1),
    ]


def test_a_session_open_at_the_end_waits_for_the_next_run(tmp_path: Path) -> None:
    lines = _text(SAMPLE / "postfix.log.1").splitlines(keepends=True)
    # submission/smtpd[31859] connects on line 29 (127.0.0.24), TLS on 30, queue line 33 names
    # trent, disconnect on 37
    assert "connect from unknown[127.0.0.24]" in lines[28] and "disconnect" in lines[36]
    log = _write(tmp_path / "postfix.log", lines[:31])
    first = ingest([str(log)], tmp_path / "lake", CONFIG)
    assert len(first.sets[0].pending) == 1
    assert not [r for r in _sessions(tmp_path / "lake") if r["source_line"] == 29]
    with log.open("a", encoding="utf-8") as handle:
        handle.write("".join(lines[31:]))
    ingest([str(log)], tmp_path / "lake", CONFIG)
    (row,) = [r for r in _sessions(tmp_path / "lake") if r["source_line"] == 29]
    assert row["client_ip"] == "127.0.0.24" and row["user_name"] == "trent@lab.example"
    assert row["tls_version"] == "TLSv1.3" and row["auth_result"] == "ok"


def test_a_crashed_run_leaves_no_rows(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    ingest([str(SAMPLE / "postfix.log.1")], lake, CONFIG)
    count = len(_sessions(lake))
    part = next((lake / "sessions").rglob("*.parquet"))
    orphan = part.with_name("r20990101T000000000000abcdef-00000-00001.parquet")
    orphan.write_bytes(part.read_bytes())  # a run that wrote its parts and died
    (lake / "_pending.r20990101T000000000000abcdef.parquet").write_text("{}")
    ingest([str(SAMPLE / "postfix.log.1")], lake, CONFIG)
    assert not orphan.exists()
    assert not (lake / "_pending.r20990101T000000000000abcdef.parquet").exists()
    assert len(_sessions(lake)) == count


def test_a_lake_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    ingest([str(SAMPLE / "postfix.log.1")], lake, CONFIG)
    ingested = lake / "_ingested.parquet"
    table = pq.read_table(ingested)
    pq.write_table(table.replace_schema_metadata({SCHEMA_VERSION_KEY: b"99"}), ingested)
    with pytest.raises(LakeError, match="schema version 99"):
        ingest([str(SAMPLE / "postfix.log.1")], lake, CONFIG)


def _as_written_by_version(lake: Path, version: bytes) -> None:
    """`_ingested.parquet` as that version left it: its version and no committed-runs list."""
    ingested = lake / "_ingested.parquet"
    table = pq.read_table(ingested)
    pq.write_table(table.replace_schema_metadata({SCHEMA_VERSION_KEY: version}), ingested)


def test_a_version_2_lake_is_written_into_as_it_is(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    ingest([str(SAMPLE / "postfix.log.1")], lake, CONFIG)
    first = len(_sessions(lake))
    _as_written_by_version(lake, b"2")
    ingest([str(SAMPLE / "dovecot.log.1")], lake, CONFIG)
    assert len(_sessions(lake)) > first
    ingest([str(SAMPLE / "postfix.log.1")], lake, CONFIG)  # the postfix run's parts still count
    postfix = [row for row in _sessions(lake) if "postfix" in str(row["source_file"])]
    assert len(postfix) == first
    metadata = pq.read_schema(lake / "_ingested.parquet").metadata or {}
    assert metadata[SCHEMA_VERSION_KEY] == str(SCHEMA_VERSION).encode()


def test_a_version_1_lake_is_refused_with_advice(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    ingest([str(SAMPLE / "postfix.log.1")], lake, CONFIG)
    _as_written_by_version(lake, b"1")
    with pytest.raises(LakeError, match=r"schema version 1, .*ingest into a new lake"):
        ingest([str(SAMPLE / "dovecot.log.1")], lake, CONFIG)


def test_a_second_ingest_into_a_lake_in_use_is_refused(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    with locked(lake), pytest.raises(LakeError, match="in use by another ingest or compact"):
        ingest([str(SAMPLE / "postfix.log.1")], lake, CONFIG)


def test_scheduler_without_dask_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["ingest", str(SAMPLE), "--lake", str(tmp_path / "lake"), "--scheduler", "tcp://h:1"],
    )
    assert result.exit_code == 2
    assert "--scheduler needs --engine dask" in result.output


@pytest.mark.parametrize("workers", [1, 2])
def test_a_process_that_reconnects_in_the_next_file_closes_its_lost_session(
    tmp_path: Path, workers: int
) -> None:
    lines = _text(SAMPLE / "postfix.log.1").splitlines(keepends=True)
    # smtpd[31859]: 127.0.0.24 connects (line 29) and gets TLS (30); its disconnect is lost.
    # The next file starts with the same process serving 127.0.0.17 (lines 9-13).
    _write(tmp_path / "logs" / "postfix.log.1", lines[28:30])
    _write(tmp_path / "logs" / "postfix.log", lines[8:13])
    ingest([str(tmp_path / "logs")], tmp_path / "lake", CONFIG, workers=workers)
    rows = sorted(_sessions(tmp_path / "lake"), key=lambda r: str(r["client_ip"]))
    assert [(r["client_ip"], r["user_name"], r["tls_version"]) for r in rows] == [
        ("127.0.0.17", "grace@lab.example", None),
        ("127.0.0.24", None, "TLSv1.3"),
    ]
