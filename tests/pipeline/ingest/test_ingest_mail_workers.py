"""Mail ingest in units that workers read and write themselves: a process pool writes exactly
the rows and ``_ingested`` rows of the one-process run, each unit's parts carry the run's id
(so a crashed run's parts are removed), and nothing is read twice."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from benchmarks import generate_mail
from pipeline.config import SiteConfig
from pipeline.ingest import mail as ingest_mail_module
from pipeline.ingest.mail import (
    UNIT_MAX,
    UNIT_MIN,
    PlannedFile,
    batch_size,
    ingest_mail,
    mbox_ranges,
    plan_units,
)
from pipeline.ingest.mailbox import OwnServers
from pipeline.ingest.run import ingest
from pipeline.lake.journal import read_ingested, recover
from tests.pipeline.lake_content import lake_content

ROOT = Path(__file__).resolve().parents[3]
MAILDIR = ROOT / "sample_data" / "maildir"
CORPUS = ROOT / "tests" / "data" / "received"
CONFIG = SiteConfig(own_hosts=("example.org",))


def _maildir(root: Path, copies: int) -> list[Path]:
    """``copies`` distinct messages per sample message (a numbered header keeps them apart)."""
    (root / "cur").mkdir(parents=True)
    samples = sorted(p for p in MAILDIR.rglob("*") if p.is_file() and p.parent.name == "cur")
    paths = []
    for n in range(copies):
        for index, sample in enumerate(samples):
            path = root / "cur" / f"{n:03d}-{index}"
            path.write_bytes(b"X-Copy: %d\n" % n + sample.read_bytes())
            paths.append(path)
    return paths


def _rows(lake: Path, table: str) -> list[dict[str, object]]:
    rows = [r for f in (lake / table).rglob("*.parquet") for r in pq.read_table(f).to_pylist()]
    return sorted(rows, key=lambda r: (str(r["message_key"]), int(r.get("hop_index") or 0)))


def _without_time(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """An ``_ingested`` row without when and by which run it was written."""
    return (
        None
        if row is None
        else {k: v for k, v in row.items() if k not in ("ingested_at", "run_id")}
    )


def _ingested(lake: Path) -> list[dict[str, Any] | None]:
    rows = sorted(read_ingested(lake), key=lambda r: (r["path"], r["fingerprint"]))
    return [_without_time(r) for r in rows]


def test_two_workers_write_the_same_rows_as_one(tmp_path: Path) -> None:
    paths = _maildir(tmp_path / "Maildir", copies=1)
    assert len(paths) > UNIT_MIN  # more than one unit: the pool is used
    one = ingest_mail(paths, tmp_path / "one", "r1", CONFIG, [], workers=1)
    two = ingest_mail(paths, tmp_path / "two", "r2", CONFIG, [], workers=2)
    assert [
        (f.path, f.lines, f.events, f.problem, _without_time(f.ingested)) for f in two.files
    ] == [(f.path, f.lines, f.events, f.problem, _without_time(f.ingested)) for f in one.files]
    for table in ("messages", "received_hops"):
        assert _rows(tmp_path / "two", table) == _rows(tmp_path / "one", table)
    assert len(_rows(tmp_path / "one", "received_hops")) > len(paths)


def _mixed_inputs(root: Path) -> tuple[list[str], int]:
    """A generated Maildir and mbox, the sample Maildir and the test corpus (messages and a few
    files that are not mail); and the number of Received fields the generator wrote."""
    fields = generate_mail.generate(root / "Maildir", 200, seed=3)
    fields += generate_mail.generate(root / "box.mbox", 80, seed=4, mbox=True)
    shutil.copytree(MAILDIR, root / "sample")
    shutil.copytree(CORPUS, root / "corpus")
    return [str(root / name) for name in ("Maildir", "box.mbox", "sample", "corpus")], fields


def test_a_pool_ingests_maildir_mbox_and_eml_as_one_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest_mail_module, "MBOX_RANGE_MIN", 16 << 10)  # the mbox in ranges
    inputs, fields = _mixed_inputs(tmp_path / "in")
    ingest(inputs, tmp_path / "one", CONFIG, workers=1)
    ingest(inputs, tmp_path / "two", CONFIG, workers=2)
    one, two = lake_content(tmp_path / "one"), lake_content(tmp_path / "two")
    assert two == one
    generated = [
        r
        for r in _rows(tmp_path / "two", "received_hops")
        if "/in/Maildir/" in str(r["source_file"]) or str(r["source_file"]).endswith("box.mbox")
    ]
    assert len(generated) == fields  # every Received field the generator wrote, once
    assert _ingested(tmp_path / "two") == _ingested(tmp_path / "one")
    summary = ingest(inputs, tmp_path / "two", CONFIG, workers=2)  # again: nothing new
    assert lake_content(tmp_path / "two") == one
    assert sum(f.lines for s in summary.sets if s.name == "mail" for f in s.files) == 0


def test_every_unit_names_its_parts_after_the_run(tmp_path: Path) -> None:
    paths = _maildir(tmp_path / "Maildir", copies=2)
    lake = tmp_path / "lake"
    ingest_mail(paths, lake, "r20261129T000000000000abcdef-mail", CONFIG, [], workers=2)
    parts = list(lake.rglob("*.parquet"))
    units = {part.name.rsplit("-", 1)[0] for part in parts}
    assert len(units) > 1  # several units wrote, each under its own prefix
    assert recover(lake) and not list(lake.rglob("*.parquet"))  # never committed: all removed


def test_an_mbox_is_a_unit_alone_and_files_not_to_read_make_none(tmp_path: Path) -> None:
    maildir = _maildir(tmp_path / "Maildir", copies=1)[:5]
    mbox = tmp_path / "box.mbox"
    generate_mail.generate(mbox, 3, seed=1, mbox=True)
    paths = [*maildir[:3], mbox, *maildir[3:], maildir[0]]  # the last: a copy, read once
    units = list(plan_units(paths, tmp_path / "lake", "r1", OwnServers(), [], workers=1))
    assert [[Path(f.path).name for f in u.files] for u in units] == [
        [p.name for p in maildir[:3]],
        ["box.mbox"],
        [p.name for p in maildir[3:]] + [maildir[0].name],
    ]
    assert [f.read for f in units[-1].files] == [True, True, False]
    assert len({u.part_prefix for u in units}) == 3


def test_units_shrink_towards_the_end_within_bounds() -> None:
    assert batch_size(20_000, 1) == UNIT_MAX
    assert batch_size(20_000, 2) == UNIT_MAX
    assert batch_size(4_000, 2) == 1_000
    assert batch_size(10, 2) == UNIT_MIN


def test_a_large_plain_mbox_is_cut_at_message_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mbox = tmp_path / "box.mbox"
    generate_mail.generate(mbox, 80, seed=4, mbox=True)
    data = mbox.read_bytes()
    monkeypatch.setattr(ingest_mail_module, "MBOX_RANGE_MIN", len(data) // 5)
    whole = PlannedFile(str(mbox), len(data), {"path": str(mbox)}, read=True, mbox=True)
    assert mbox_ranges(whole, workers=1) == [whole]  # one worker: nothing to share
    ranges = mbox_ranges(whole, workers=2)
    assert len(ranges) == 5 and ranges[0].ingested is whole.ingested
    assert [r.ingested for r in ranges[1:]] == [None] * 4  # the first range's row is the file's
    spans = [r.span for r in ranges if r.span is not None]
    assert spans[0] == (0, spans[1][0]) and spans[-1] == (spans[-1][0], None)
    for (_, end), (begin, _) in itertools.pairwise(spans):
        assert end == begin and data[begin - 1 : begin + 5] == b"\nFrom "
    assert sum(r.size for r in ranges) == len(data)
