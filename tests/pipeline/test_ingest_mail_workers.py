"""Mail ingest on a process pool writes exactly the rows of the one-process run."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from pipeline.config import SiteConfig
from pipeline.ingest_mail import ingest_mail

MAILDIR = Path(__file__).resolve().parents[2] / "sample_data" / "maildir"
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


def test_two_workers_write_the_same_rows_as_one(tmp_path: Path) -> None:
    paths = _maildir(tmp_path / "Maildir", copies=1)
    assert len(paths) >= 64  # below that the pool is not used
    one = ingest_mail(paths, tmp_path / "one", "r1", CONFIG, [], workers=1)
    two = ingest_mail(paths, tmp_path / "two", "r2", CONFIG, [], workers=2)
    assert [(f.path, f.lines, f.events, f.problem) for f in two.files] == [
        (f.path, f.lines, f.events, f.problem) for f in one.files
    ]
    for table in ("messages", "received_hops"):
        assert _rows(tmp_path / "two", table) == _rows(tmp_path / "one", table)
    assert len(_rows(tmp_path / "one", "received_hops")) > len(paths)
