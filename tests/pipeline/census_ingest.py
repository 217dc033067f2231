"""Ingest one real log file into its own lake and count what became of it."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from pipeline.config import SiteConfig
from pipeline.ingest.run import ingest

DATA = Path(__file__).resolve().parents[1] / "data" / "logs"
FOLDERS = ("dovecot", "envelope", "generated", "postfix", "wild")
CONFIG = SiteConfig(year=2023, timezone="UTC")


class Census(NamedTuple):
    lines: int
    recognised: int
    sessions: int  # written, plus those still open at the end of the file
    rejects: int
    unknown_lines: int
    unknown_shapes: int
    skipped: bool  # the run reported the file as skipped (exit 3)


def real_logs() -> list[str]:
    return sorted(f"{folder}/{p.name}" for folder in FOLDERS for p in (DATA / folder).iterdir())


def census(name: str, lake: Path) -> Census:
    summary = ingest([str(DATA / name)], lake, CONFIG, workers=1)
    files = [f for s in summary.sets for f in s.files]
    sessions = sum(s.sessions + len(s.pending) for s in summary.sets)
    shapes = [n for f in files for family in f.unknown.values() for n in family.values()]
    return Census(
        lines=sum(f.lines for f in files),
        recognised=sum(f.events for f in files),
        sessions=sessions,
        rejects=sum(f.rejects for f in files),
        unknown_lines=sum(shapes),
        unknown_shapes=len(shapes),
        skipped=summary.has_skips,
    )
