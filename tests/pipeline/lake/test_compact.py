"""`mailtls compact` on a lake built by real ingest runs of the lab's logs and mail and the
corpus logs: every table's rows and the report stay the same, a crash between any two steps
leaves the old parts or the new ones (never both, never neither) once the next command has
recovered, a second compact does nothing, and re-ingest still knows every file."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import SiteConfig, load_config
from pipeline.ingest.run import ingest
from pipeline.lake import compact as compaction
from pipeline.lake import derived
from pipeline.lake.compact import compact
from pipeline.lake.journal import commit_run as real_commit_run
from pipeline.lake.journal import read_ingested, recover
from pipeline.lake.schema import PARTITION_BY
from pipeline.query.db import connect, run
from tests.pipeline.lake_content import CONTENT_TABLES, lake_content

DAY = timedelta(days=1)

ROOT = Path(__file__).resolve().parents[3]
SAMPLE_LOGS = ROOT / "sample_data" / "logs" / "recommended"
MAILDIR = ROOT / "sample_data" / "maildir"
CORPUS_LOGS = ROOT / "tests" / "data" / "logs" / "dovecot"
CONFIG = ROOT / "sample_data" / "mailtls.toml"


# what the ingest runs read, in order: three runs, so days get parts of several runs
RUNS = ([str(SAMPLE_LOGS)], [str(MAILDIR)], [str(CORPUS_LOGS)])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lake = tmp_path_factory.mktemp("built") / "lake"
    _ingest_all(lake)
    return lake


@pytest.fixture
def lake(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "lake"
    shutil.copytree(built, copy)
    return copy


def _partitions(lake: Path) -> dict[str, list[str]]:
    return {
        str(folder.relative_to(lake)): sorted(p.name for p in folder.glob("*.parquet"))
        for table in CONTENT_TABLES
        for folder in sorted((lake / table).glob("date=*"))
    }


def _report(lake: Path) -> str:
    result = CliRunner().invoke(cli, ["report", "--lake", str(lake), "--format", "json"])
    assert result.exit_code == 0, result.output
    return result.output


def _ingest_all(lake: Path) -> None:
    config = load_config(CONFIG)
    for paths in RUNS:
        ingest(paths, lake, config, workers=1)


def test_compaction_keeps_every_row_and_the_report(lake: Path) -> None:
    before = _partitions(lake)
    assert any(len(parts) > 1 for parts in before.values())  # else nothing is tested
    content, report = lake_content(lake), _report(lake)
    summary = compact(lake)
    after = _partitions(lake)
    assert after.keys() == before.keys()
    assert all(len(parts) == 1 for parts in after.values())
    assert summary.partitions == sum(len(parts) > 1 for parts in before.values())
    assert summary.files_after == summary.partitions
    assert lake_content(lake) == content
    assert _report(lake) == report


def test_compaction_leaves_the_exposure_summaries_fresh(lake: Path) -> None:
    derived.refresh(lake)
    compact(lake)
    last = max(derived.session_parts(lake))
    files, live = derived.usable_summaries(lake, datetime.combine(last, time(), UTC) + DAY)
    assert live == []
    assert len(files) == len(derived.by_month(derived.session_parts(lake)))


def test_a_compacted_part_is_sorted_by_time(lake: Path) -> None:
    compact(lake)
    for table, column in PARTITION_BY.items():
        for part in (lake / table).glob(
            "date=*/*-compact-*.parquet"
        ):  # a lone part stays as it was
            times = [t for t in pq.read_table(part, columns=[column]).column(0).to_pylist() if t]
            assert times == sorted(times), part


def test_a_second_compact_does_nothing(lake: Path) -> None:
    def files() -> dict[Path, int]:  # the lock file is opened for writing by every run
        return {p: p.stat().st_mtime_ns for p in lake.rglob("*") if p.name != ".lock"}

    compact(lake)
    written = files()
    assert compact(lake).partitions == 0
    assert files() == written


def test_reingest_after_compaction_reads_nothing(lake: Path) -> None:
    rows = read_ingested(lake)
    compact(lake)
    assert read_ingested(lake) == rows  # every file's fingerprint and offset as it was
    content = lake_content(lake)
    _ingest_all(lake)
    assert lake_content(lake) == content
    assert all(len(parts) == 1 for parts in _partitions(lake).values())


def test_a_grown_log_read_by_many_runs_keeps_every_session(tmp_path: Path) -> None:
    """Hourly ingest of a growing log: each run names itself in the file's one _ingested row,
    so the earlier runs' parts must still count (recover once removed them), compacted or not."""
    lines = (SAMPLE_LOGS / "dovecot.log").read_text().splitlines(keepends=True)
    logins = sum(
        1 for line in lines if "-login: " in line and "rip=" in line and "Login failed" not in line
    )
    log, lake = tmp_path / "dovecot.log", tmp_path / "lake"
    config = SiteConfig(year=2026, timezone="UTC")
    cuts = [len(lines) // 4, len(lines) // 2, 3 * len(lines) // 4, len(lines)]
    for number, (start, stop) in enumerate(zip([0, *cuts], cuts, strict=False)):
        with log.open("a") as handle:
            handle.write("".join(lines[start:stop]))
        ingest([str(log)], lake, config, workers=1)
        if number == 1:
            compact(lake)
    ingest([str(log)], lake, config, workers=1)  # unchanged: reads nothing, removes nothing
    assert len(lake_content(lake)["sessions"]) == logins


class Crash(Exception):
    pass


def _raise(*_: Any, **__: Any) -> None:
    raise Crash


def _committed_then_crash(lake: Path, run_id: str, replaced: Any = ()) -> None:
    """The swap committed, none of the replaced parts removed yet: both are on disk."""
    real_commit_run(lake, run_id, replaced)
    raise Crash


def _half_removed_then_crash(lake: Path, run_id: str, replaced: Any = ()) -> None:
    real_commit_run(lake, run_id, replaced)
    for part in list(replaced)[::2]:
        part.unlink()
    raise Crash


def _crash_at_third_write() -> Callable[..., None]:
    """pyarrow's own write_table: the first two partitions' parts, then the crash."""
    calls: list[int] = []
    real = compaction.pq.write_table

    def write(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise Crash
        real(*args, **kwargs)

    return write


@pytest.mark.parametrize(
    ("target", "replacement"),
    [
        ("pipeline.lake.compact.compact_partition", _raise),  # before anything is written
        ("pipeline.lake.compact.pq.write_table", None),  # a partition's part, mid-write
        ("pipeline.lake.compact.commit_run", _raise),  # new parts written, not yet committed
        ("pipeline.lake.compact.commit_run", _committed_then_crash),  # committed, none removed
        ("pipeline.lake.compact.commit_run", _half_removed_then_crash),  # half removed
    ],
    ids=["start", "write", "commit", "committed", "half-removed"],
)
@pytest.mark.parametrize("next_command", ["recover", "ingest", "compact"])
def test_a_crash_leaves_the_old_or_the_new_parts(
    lake: Path,
    monkeypatch: pytest.MonkeyPatch,
    target: str,
    replacement: Callable[..., Any] | None,
    next_command: str,
) -> None:
    content = lake_content(lake)
    with monkeypatch.context() as patch:
        patch.setattr(target, replacement or _crash_at_third_write())
        with pytest.raises(Crash):
            compact(lake)
    if next_command == "recover":
        recover(lake)
    elif next_command == "ingest":
        _ingest_all(lake)
    else:
        compact(lake)
        assert all(len(parts) == 1 for parts in _partitions(lake).values())
    assert lake_content(lake) == content
    assert not list(lake.rglob("*.tmp")) and not list(lake.glob("_compact.*"))


def test_a_day_larger_than_a_part_is_cut_by_time(
    lake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compaction, "PART_ROWS", 3)
    content = lake_content(lake)
    compact(lake, tables=("sessions",))
    assert lake_content(lake) == content
    cut = [f for f in (lake / "sessions").glob("date=*") if len(list(f.glob("*.parquet"))) > 1]
    assert cut  # the lab's busiest days have more than 3 sessions
    for folder in cut:
        spans = [
            (min(times), max(times))
            for part in sorted(folder.glob("*.parquet"))
            if (times := [t for t in pq.read_table(part).column("event_at").to_pylist() if t])
        ]
        assert all(a[1] <= b[0] for a, b in pairwise(spans)), folder
    assert compact(lake).partitions == sum(
        len(parts) > 1 for name, parts in _partitions(lake).items() if "sessions" not in name
    )  # the cut days count as compact


def test_options_choose_the_days_and_tables_and_dry_run_writes_nothing(lake: Path) -> None:
    before = _partitions(lake)
    many = [name for name, parts in before.items() if len(parts) > 1]
    sessions = sorted(name for name in many if name.startswith("sessions/"))
    day = sessions[0].removeprefix("sessions/date=")
    runner = CliRunner()
    dry = runner.invoke(cli, ["compact", "--lake", str(lake), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"would compact {len(many)} partition" in dry.output
    assert _partitions(lake) == before
    result = runner.invoke(
        cli,
        ["compact", "--lake", str(lake), "--table", "sessions", "--since", day, "--until", day],
    )
    assert result.exit_code == 0, result.output
    assert "compacted 1 partition:" in result.output
    after = _partitions(lake)
    assert len(after[sessions[0]]) == 1
    assert {k: v for k, v in after.items() if k != sessions[0]} == {
        k: v for k, v in before.items() if k != sessions[0]
    }


def test_underscore_folders_are_left_alone(lake: Path) -> None:
    derived = lake / "_derived" / "sessions" / "date=2026-01-01"
    derived.mkdir(parents=True)
    for name in ("r20260101T000000000000abcdef-1.parquet", "summary.parquet"):
        shutil.copy(next((lake / "sessions").glob("date=*/*.parquet")), derived / name)
    (lake / "sessions" / "_scratch").mkdir()
    compact(lake)
    recover(lake)
    assert sorted(p.name for p in derived.iterdir()) == [
        "r20260101T000000000000abcdef-1.parquet",
        "summary.parquet",
    ]
    assert (lake / "sessions" / "_scratch").is_dir()


def test_no_lake_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["compact", "--lake", str(tmp_path / "none")])
    assert result.exit_code != 0
    assert not (tmp_path / "none").exists()


def _counts(con: Any) -> tuple[int, ...]:
    sql = "SELECT (SELECT count(*) FROM src_sessions), (SELECT count(*) FROM src_received_hops)"
    return tuple(run(con, sql, None, lambda result: result.fetchall())[0])


def test_a_reader_sees_the_old_parts_or_the_new_ones_at_every_step(
    lake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Readers opened before the compaction and at each step of it count the same rows: never
    both the old and the new parts of a day, never neither, never a missing file."""
    early = connect(lake)
    counts = _counts(early)
    seen: list[tuple[str, tuple[int, ...], tuple[int, ...]]] = []

    def look(step: str) -> None:
        with connect(lake) as fresh:
            seen.append((step, _counts(early), _counts(fresh)))

    def commit_run(lake_: Path, run_id: str, replaced: Any = ()) -> None:
        look("before the commit")
        real_commit_run(lake_, run_id, replaced)
        look("after the commit, before the removal")

    def removed(folder: Path) -> None:
        look("after the removal")

    monkeypatch.setattr(compaction, "commit_run", commit_run)
    monkeypatch.setattr(compaction, "sync_folder", removed)
    monkeypatch.setattr(compaction, "COMMIT_PARTITIONS", 2)
    compact(lake)
    assert len(seen) > 6
    assert all(early_ == counts and fresh == counts for _, early_, fresh in seen), seen


@pytest.mark.slow
def test_queries_while_compact_runs_all_answer_the_same(lake: Path) -> None:
    """A report loop in one thread while another compacts: every answer equal, none failed."""
    expected = _counts(connect(lake))
    answers: list[Any] = []
    done = threading.Event()

    def read() -> None:
        with connect(lake) as con:
            while not done.is_set():
                try:
                    answers.append(_counts(con))
                except Exception as exc:
                    answers.append(repr(exc))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        compact(lake)
    finally:
        done.set()
        reader.join()
    assert answers and all(answer == expected for answer in answers), set(map(str, answers))
