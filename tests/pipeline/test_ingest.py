"""Ingest end to end over the lab log: rotation, stitching, incremental runs, bad input.

The lab log (tests/data/logs/generated/lab-…-traditional.log) holds 11 smtpd sessions (11
``connect from`` lines, each with its ``disconnect from``) and 15 Dovecot login-process lines:
26 sessions. Session ``postfix/submission/smtpd[10677]`` opens on line 18 and disconnects on
line 55, with two SASL failures in between.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import SiteConfig
from pipeline.errors import LakeError
from pipeline.ingest import ingest
from pipeline.schema import SCHEMA_VERSION_KEY

DATA = Path(__file__).parents[1] / "data" / "logs" / "generated"
LAB = DATA / "lab-postfix3.7.11-dovecot2.3.19.1__mail-traditional.log"
LINES = LAB.read_text(encoding="utf-8").splitlines(keepends=True)
SESSIONS_IN_LAB = 26
CONFIG = SiteConfig(year=2023)


def sessions(lake: Path) -> list[dict[str, object]]:
    folder = lake / "sessions"
    if not folder.is_dir():
        return []
    rows: list[dict[str, object]] = pq.read_table(folder).to_pylist()
    return rows


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(lines), encoding="utf-8")
    return path


def session_10677(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return [
        r for r in rows if str(r["session_key"]).startswith("vm/postfix/submission/smtpd/10677/")
    ]


def test_the_lab_log_gives_one_row_per_session(tmp_path: Path) -> None:
    report = ingest([str(LAB)], tmp_path / "lake", CONFIG, workers=1)
    rows = sessions(tmp_path / "lake")
    assert len(rows) == SESSIONS_IN_LAB
    assert report.summaries[str(LAB)].lines == 80
    assert not report.incomplete


@pytest.mark.parametrize("workers", [1, 2])
def test_a_session_split_across_rotated_files_is_one_row(tmp_path: Path, workers: int) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    write(logs / "mail.log.1", LINES[:30])  # 10677 connects on line 18 …
    write(logs / "mail.log", LINES[30:])  # … and disconnects on line 55
    ingest([str(logs)], tmp_path / "lake", CONFIG, workers=workers)
    rows = sessions(tmp_path / "lake")
    assert len(rows) == SESSIONS_IN_LAB
    (split,) = session_10677(rows)
    assert split["source_file"] == str(logs / "mail.log.1")
    assert split["source_line"] == 18
    assert split["auth_failures"] == 2
    assert split["tls_version"] == "TLSv1.2"


def test_reingest_adds_nothing(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    ingest([str(LAB)], lake, CONFIG, workers=1)
    report = ingest([str(LAB)], lake, CONFIG, workers=1)
    assert len(sessions(lake)) == SESSIONS_IN_LAB
    assert report.unchanged == 1
    assert report.summaries[str(LAB)].lines == 0


def test_an_appended_tail_adds_exactly_the_new_sessions(tmp_path: Path) -> None:
    lake, log = tmp_path / "lake", tmp_path / "mail.log"
    write(log, LINES[:30])
    ingest([str(log)], lake, CONFIG, workers=1)
    first = len(sessions(lake))
    # lines 1-30: 10673 three times and 10736 (lines 26-27) closed; 10677 and 10717 still open
    assert first == 4
    with log.open("a", encoding="utf-8") as handle:
        handle.writelines(LINES[30:])
    report = ingest([str(log)], lake, CONFIG, workers=1)
    rows = sessions(lake)
    assert len(rows) == SESSIONS_IN_LAB
    assert report.summaries[str(log)].lines == 50
    (split,) = session_10677(rows)
    assert split["source_line"] == 18 and split["auth_failures"] == 2


def test_a_rotated_then_compressed_file_is_not_read_twice(tmp_path: Path) -> None:
    lake, logs = tmp_path / "lake", tmp_path / "logs"
    logs.mkdir()
    write(logs / "mail.log", LINES[:30])
    ingest([str(logs)], lake, CONFIG, workers=1)
    # the log grows, is rotated to mail.log.1, and a new mail.log begins
    with (logs / "mail.log").open("a", encoding="utf-8") as handle:
        handle.writelines(LINES[30:50])
    os.rename(logs / "mail.log", logs / "mail.log.1")
    write(logs / "mail.log", LINES[50:])
    ingest([str(logs)], lake, CONFIG, workers=2)
    assert len(sessions(lake)) == SESSIONS_IN_LAB
    # the next rotation compresses mail.log.1 into mail.log.2.gz
    with (logs / "mail.log.1").open("rb") as src, gzip.open(logs / "mail.log.2.gz", "wb") as dst:
        dst.write(src.read())
    (logs / "mail.log.1").unlink()
    ingest([str(logs)], lake, CONFIG, workers=1)
    third = ingest([str(logs)], lake, CONFIG, workers=1)
    assert len(sessions(lake)) == SESSIONS_IN_LAB
    assert third.unchanged == 2


def test_bad_input_is_skipped_with_one_line_each_and_exit_code_3(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    (logs / "unrelated").mkdir(parents=True)
    write(logs / "mail.log", LINES)
    (logs / "unrelated" / "notes.txt").write_text("shopping list\neggs\nmilk\n")
    (logs / "unrelated" / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    whole = gzip.compress("".join(LINES[40:]).encode())
    (logs / "old.log.gz").write_bytes(whole[: len(whole) // 2])
    result = CliRunner().invoke(cli, ["ingest", str(logs), "--lake", str(tmp_path / "lake")])
    assert result.exit_code == 3, result.output
    stderr = result.stderr
    assert "notes.txt: not a log file" in stderr
    assert "picture.png: binary file" in stderr
    assert "old.log.gz: truncated or corrupt stream" in stderr
    assert all(line.startswith("mailtls: ") for line in stderr.splitlines())
    assert f"{logs}: 2 files, " in result.stdout
    # the whole mail.log went in, and whatever the cut .gz still held
    assert len(sessions(tmp_path / "lake")) >= SESSIONS_IN_LAB


def test_a_lake_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    ingest([str(LAB)], lake, CONFIG, workers=1)
    ingested = lake / "_ingested.parquet"
    table = pq.read_table(ingested)
    pq.write_table(table.replace_schema_metadata({SCHEMA_VERSION_KEY: b"99"}), ingested)
    with pytest.raises(LakeError, match="schema version 99"):
        ingest([str(LAB)], lake, CONFIG, workers=1)


def test_a_crashed_run_leaves_no_rows(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    ingest([str(LAB)], lake, CONFIG, workers=1)
    orphan = lake / "sessions" / "date=2023-11-29" / "r20990101T000000000000abcdef-1-1.parquet"
    part = next((lake / "sessions").glob("*/*.parquet"))
    orphan.write_bytes(part.read_bytes())
    ingest([str(LAB)], lake, CONFIG, workers=1)
    assert not orphan.exists()
    assert len(sessions(lake)) == SESSIONS_IN_LAB


def test_a_session_open_at_the_end_waits_for_the_next_run(tmp_path: Path) -> None:
    lake, log = tmp_path / "lake", tmp_path / "mail.log"
    write(log, LINES[:20])  # 10677: connect (18), TLS (19), a SASL failure (20), no disconnect
    report = ingest([str(log)], lake, CONFIG, workers=1)
    assert report.pending == 1
    assert session_10677(sessions(lake)) == []
    flushed = ingest([str(log)], lake, CONFIG, workers=1, flush_open=True)
    assert flushed.pending == 0
    (row,) = session_10677(sessions(lake))
    assert row["auth_result"] == "failed" and row["auth_failures"] == 1  # what is known


def test_missing_path_is_reported_and_the_rest_ingested(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["ingest", str(tmp_path / "nope"), str(LAB), "--lake", str(tmp_path / "lake")]
    )
    assert result.exit_code == 3
    assert "nope: no such file or directory" in result.stderr
    assert f"{LAB}: 1 files, 80 lines, 26 sessions" in result.stdout


def test_dask_engine_says_not_yet(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["ingest", str(LAB), "--engine", "dask", "--lake", str(tmp_path / "lake")]
    )
    assert result.exit_code != 0
    assert "not yet available" in str(result.exception) + result.output


@pytest.mark.slow
def test_the_whole_shared_corpus_ingests_and_prints_counts(tmp_path: Path) -> None:
    corpus = Path("/work/shared/corpus/logs")
    if not corpus.is_dir():
        pytest.skip("the shared corpus is not on this machine")
    result = CliRunner().invoke(cli, ["ingest", str(corpus), "--lake", str(tmp_path / "lake")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 3)
    assert f"{corpus}: " in result.stdout and " sessions, " in result.stdout
