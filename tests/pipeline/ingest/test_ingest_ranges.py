"""A large file cut into byte ranges (forced small here with ``range_bytes``) writes the lake a
whole-file read writes: every table, row by row, and the same ``_ingested`` rows; rejects keep
the file's line numbers, a range after New Year keeps the year, a grown file resumes, and
progress counts every byte once. Expected values are read from the lines written below."""

from __future__ import annotations

import lzma
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from benchmarks.generate_logs import generate
from pipeline.config import SiteConfig
from pipeline.ingest.ranges import range_size
from pipeline.ingest.run import ingest
from pipeline.lake.journal import read_ingested
from tests.pipeline.lake_content import lake_content

ROOT = Path(__file__).resolve().parents[3]
PIXELPARK = ROOT / "tests/data/logs/postfix/pixelpark-postfix-logsums__mail.log.xz"
CONFIG = SiteConfig(year=2025, timezone="UTC")
CONNECT = "mx1 postfix/smtpd[{pid}]: connect from a.example[192.0.2.1]\n"
DISCONNECT = (
    "mx1 postfix/smtpd[{pid}]: disconnect from a.example[192.0.2.1] ehlo=1 quit=1 commands=2\n"
)


def _ingested(lake: Path) -> list[dict[str, Any]]:
    """The _ingested rows without what differs between equal runs."""
    rows = [
        {k: v for k, v in row.items() if k not in ("ingested_at", "run_id")}
        for row in read_ingested(lake)
    ]
    return sorted(rows, key=lambda row: str(row["path"]))


def _assert_same_lake(cut: Path, whole: Path) -> None:
    assert lake_content(cut) == lake_content(whole)
    assert _ingested(cut) == _ingested(whole)


@pytest.fixture(scope="module")
def new_year_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated Postfix + Dovecot traffic from 23:00 on New Year's Eve for about two hours."""
    path = tmp_path_factory.mktemp("generated") / "mail.log"
    chunks = generate(
        20_000, seed=3, start="2025-12-31T23:00", utc_offset="+00:00", lines_per_day=200_000
    )
    path.write_text("".join(chunks), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("inputs", "range_bytes"),
    [
        (["tests/data/logs"], 8192),
        (["sample_data/logs/recommended", "sample_data/logs/default"], 2048),
    ],
    ids=["corpus", "sample_data"],
)
def test_ranges_write_the_lake_whole_files_write(
    tmp_path: Path, inputs: list[str], range_bytes: int
) -> None:
    paths = [str(ROOT / p) for p in inputs]
    config = SiteConfig(year=2026, timezone="UTC")
    ingest(paths, tmp_path / "whole", config)
    ingest(paths, tmp_path / "cut", config, range_bytes=range_bytes)
    assert lake_content(tmp_path / "whole")["sessions"]
    _assert_same_lake(tmp_path / "cut", tmp_path / "whole")


@pytest.mark.slow
def test_a_real_70k_line_postfix_log_in_ranges(tmp_path: Path) -> None:
    """The corpus's largest log (xz, which stays whole) decompressed: a plain file to cut."""
    log = tmp_path / "logs" / "mail.log"
    log.parent.mkdir()
    log.write_bytes(lzma.decompress(PIXELPARK.read_bytes()))
    config = SiteConfig(year=2026, timezone="UTC")
    ingest([str(log)], tmp_path / "whole", config)
    ingest([str(log)], tmp_path / "cut", config, range_bytes=1 << 20, workers=2)
    _assert_same_lake(tmp_path / "cut", tmp_path / "whole")


def test_a_generated_log_across_new_year_in_ranges(tmp_path: Path, new_year_log: Path) -> None:
    ingest([str(new_year_log)], tmp_path / "whole", CONFIG)
    summary = ingest([str(new_year_log)], tmp_path / "cut", CONFIG, range_bytes=50_000, workers=2)
    whole = lake_content(tmp_path / "whole")
    years = {dict(row)["event_at"].year for row in whole["sessions"]}  # type: ignore[union-attr]
    assert years == {2025, 2026}
    _assert_same_lake(tmp_path / "cut", tmp_path / "whole")
    assert summary.sets[0].files[0].lines == 20_000


def test_a_range_that_starts_after_new_year_keeps_the_year(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "mail.log"
    log.parent.mkdir()
    lines = [
        "Dec 31 23:59:58 " + CONNECT.format(pid=100),
        "Dec 31 23:59:59 " + DISCONNECT.format(pid=100),
        "Jan  1 00:00:01 " + CONNECT.format(pid=101),
        "Jan  1 00:00:02 " + DISCONNECT.format(pid=101),
    ]
    log.write_text("".join(lines), encoding="utf-8")
    # ranges of the first two lines' length: the cut falls at the end of December
    ingest([str(log)], tmp_path / "lake", CONFIG, range_bytes=len(lines[0] + lines[1]))
    parts = (tmp_path / "lake" / "sessions").rglob("*.parquet")
    started = sorted(
        row["event_at"].isoformat() for part in parts for row in pq.read_table(part).to_pylist()
    )
    assert started == ["2025-12-31T23:59:58+00:00", "2026-01-01T00:00:01+00:00"]


def test_rejects_name_the_files_line_across_ranges(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "mail.log"
    log.parent.mkdir()
    lines = [f"Mar  4 10:00:{n:02d} " + CONNECT.format(pid=n) for n in range(1, 6)]
    # line 6: too long to parse, so its January must not move the year (as it would if read)
    lines.append("Jan  1 00:00:00 mx1 postfix/smtpd[6]: " + "x" * (1 << 20) + "\n")
    lines += [
        "Mar  4 10:01:07 " + CONNECT.format(pid=8),
        "Mar  4 10:01:08 " + DISCONNECT.format(pid=8),
    ]
    lines += [f"Mar  4 10:01:{n:02d} " + CONNECT.format(pid=n) for n in range(9, 12)]
    lines.append("Mar  4 10:02:00 mx1 postfix/smtpd[12]: disconnect from ???\n")  # line 12
    log.write_text("".join(lines), encoding="utf-8")
    summary = ingest([str(log)], tmp_path / "cut", CONFIG, range_bytes=200)
    content = lake_content(tmp_path / "cut")
    assert sorted(dict(row)["source_line"] for row in content["rejects"]) == [6, 12]  # type: ignore[type-var]
    started = [dict(row)["event_at"].isoformat() for row in content["sessions"]]  # type: ignore[union-attr]
    assert started == ["2025-03-04T10:01:07+00:00"]
    assert summary.sets[0].files[0].ingested is not None
    assert summary.sets[0].files[0].ingested["lines"] == 12
    ingest([str(log)], tmp_path / "whole", CONFIG)
    _assert_same_lake(tmp_path / "cut", tmp_path / "whole")


def test_a_grown_file_resumes_in_ranges(tmp_path: Path, new_year_log: Path) -> None:
    text = new_year_log.read_text(encoding="utf-8")
    head = text[: text.index("\n", len(text) // 3) + 1]
    log = tmp_path / "mail.log"
    for lake, range_bytes in (("whole", None), ("cut", 40_000)):
        log.write_text(head, encoding="utf-8")
        ingest([str(log)], tmp_path / lake, CONFIG, range_bytes=range_bytes)
        log.write_text(text, encoding="utf-8")  # grown: two thirds more, many ranges
        ingest([str(log)], tmp_path / lake, CONFIG, range_bytes=range_bytes)
    assert lake_content(tmp_path / "cut") == lake_content(tmp_path / "whole")
    cut, whole = _ingested(tmp_path / "cut"), _ingested(tmp_path / "whole")
    for row in (*cut, *whole):
        row.pop("mtime")  # the file was written twice
    assert cut == whole
    assert [row["lines"] for row in cut] == [20_000]


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_counts_every_byte_once(tmp_path: Path, new_year_log: Path, workers: int) -> None:
    seen: list[int] = []
    ingest(
        [str(new_year_log)],
        tmp_path / "lake",
        CONFIG,
        range_bytes=300_000,
        workers=workers,
        progress=seen.append,
    )
    assert sum(seen) == new_year_log.stat().st_size


def test_range_size_gives_every_worker_work_within_bounds() -> None:
    mib = 1 << 20
    assert range_size(151 * mib, 2) == 151 * mib // 4  # 3 ranges of 64 MiB → 4 for 2 workers
    assert range_size(1500 * mib, 2) == 1500 * mib // 24  # 24 ranges of 62.5 MiB
    assert range_size(10 * mib, 8) == 8 * mib  # never below 8 MiB: the file stays whole


@pytest.mark.slow
def test_the_dask_engine_writes_the_same_lake_from_ranges(
    tmp_path: Path, new_year_log: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    ingest([str(new_year_log)], tmp_path / "whole", CONFIG)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        ingest(
            [str(new_year_log)],
            tmp_path / "dask",
            CONFIG,
            engine="dask",
            scheduler=cluster.scheduler_address,
            range_bytes=200_000,
        )
    _assert_same_lake(tmp_path / "dask", tmp_path / "whole")
