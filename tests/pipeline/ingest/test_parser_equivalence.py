"""The vectorised parser (DuckDB) against the per-line reference (Python): the same input must
give the same lake, table by table and row by row — sessions, rejects, ``_ingested`` and the
sessions still open in ``_pending.json``.

Inputs: every file of tests/data/logs (the shared corpus's copies), sample_data/logs, and
generated logs that cross New Year, rotated sets cut mid-session, tails resumed by a second run,
and files read in byte ranges."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate_logs import generate
from pipeline.config import SiteConfig
from pipeline.ingest.run import ingest
from pipeline.lake.journal import read_ingested, read_pending
from tests.pipeline.lake_content import lake_content

ROOT = Path(__file__).resolve().parents[3]
LOGS = ROOT / "tests" / "data" / "logs"
CONFIG = SiteConfig(year=2026, timezone="UTC")


def _lake(lake: Path) -> dict[str, Any]:
    content: dict[str, Any] = dict(lake_content(lake))
    content["_ingested"] = sorted(
        (
            sorted((k, v) for k, v in row.items() if k not in ("ingested_at", "run_id"))
            for row in read_ingested(lake)
        ),
        key=repr,
    )
    content["_pending"] = read_pending(lake)
    return content


def _assert_equal(tmp_path: Path) -> None:
    reference, vector = _lake(tmp_path / "python"), _lake(tmp_path / "duckdb")
    assert reference["_ingested"], "nothing was read"
    for table in reference:
        left, right = reference[table], vector[table]
        only_reference = [r for r in left if r not in right][:3]
        only_vector = [r for r in right if r not in left][:3]
        assert left == right, (
            f"{table}: {len(left)} rows (python) vs {len(right)} (duckdb);"
            f" only python: {only_reference}; only duckdb: {only_vector}"
        )


def _both(tmp_path: Path, paths: list[Path], config: SiteConfig = CONFIG, **options: Any) -> None:
    """Ingest ``paths`` with each parser; the per-file counts they report must agree too
    (lines, records, skips, rejects, unknown shapes, lines per family)."""
    reports = []
    for parser in ("python", "duckdb"):
        summary = ingest(
            [str(p) for p in paths], tmp_path / parser, config, parser=parser, **options
        )
        reports.append(
            sorted(
                (f.path, f.lines, f.events, f.skipped, f.rejects, f.unknown, f.family_lines)
                for one_set in summary.sets
                for f in one_set.files
            )
        )
    assert reports[0] == reports[1]


@pytest.mark.parametrize(
    "folder",
    [
        *sorted(p.relative_to(ROOT).as_posix() for p in LOGS.iterdir() if p.is_dir()),
        "sample_data/logs",
    ],
)
def test_corpus_and_sample_data(tmp_path: Path, folder: str) -> None:
    _both(tmp_path, [ROOT / folder])
    _assert_equal(tmp_path)


def test_sample_data_with_its_site_config(tmp_path: Path) -> None:
    from pipeline.config import load_config

    config = load_config(ROOT / "sample_data" / "mailtls.toml")
    _both(tmp_path, [ROOT / "sample_data" / "logs"], config)
    _assert_equal(tmp_path)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Postfix + Dovecot traffic from 23:00 on New Year's Eve for about an hour and a half."""
    chunks = generate(
        12_000, seed=5, start="2025-12-31T23:00", utc_offset="+00:00", lines_per_day=200_000
    )
    return "".join(chunks).splitlines(keepends=True)


def test_new_year_without_a_pinned_year(tmp_path: Path, generated: list[str]) -> None:
    path = tmp_path / "in" / "mail.log"
    path.parent.mkdir()
    path.write_text("".join(generated), encoding="utf-8")
    _both(tmp_path, [path], SiteConfig(timezone="Europe/Berlin"))
    _assert_equal(tmp_path)


def test_rotated_set_cut_mid_session(tmp_path: Path, generated: list[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    third = len(generated) // 3
    (folder / "mail.log.2").write_text("".join(generated[:third]), encoding="utf-8")
    (folder / "mail.log.1").write_text("".join(generated[third : 2 * third]), encoding="utf-8")
    (folder / "mail.log").write_text("".join(generated[2 * third :]), encoding="utf-8")
    _both(tmp_path, [folder], workers=2)
    _assert_equal(tmp_path)


def test_resumed_tail(tmp_path: Path, generated: list[str]) -> None:
    half = len(generated) // 2 + 7  # inside sessions
    for parser in ("python", "duckdb"):
        path = tmp_path / f"in-{parser}" / "mail.log"
        path.parent.mkdir()
        path.write_text("".join(generated[:half]), encoding="utf-8")
        ingest([str(path)], tmp_path / parser, CONFIG, parser=parser)
        with path.open("a", encoding="utf-8") as log:
            log.write("".join(generated[half:]))
        ingest([str(path)], tmp_path / parser, CONFIG, parser=parser)
    reference, vector = _lake(tmp_path / "python"), _lake(tmp_path / "duckdb")
    # the two runs read different paths; everything else must agree
    for content in (reference, vector):
        content["_ingested"] = [
            [kv for kv in row if kv[0] not in ("path", "mtime")] for row in content["_ingested"]
        ]
        for table in ("sessions", "rejects"):
            content[table] = [
                tuple(kv for kv in row if kv[0] != "source_file") for row in content[table]
            ]
        content["_pending"] = {
            "": [
                {k: v for k, v in state.items() if k != "source_file"}
                for states in content["_pending"].values()
                for state in states
            ]
        }
    assert reference == vector


def test_byte_ranges(tmp_path: Path, generated: list[str]) -> None:
    path = tmp_path / "in" / "mail.log"
    path.parent.mkdir()
    path.write_text("".join(generated), encoding="utf-8")
    _both(tmp_path, [path], workers=2, range_bytes=128 * 1024)
    _assert_equal(tmp_path)
