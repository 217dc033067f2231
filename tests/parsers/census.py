"""Run the full line parser over a copied corpus file and count what happened to each line."""

from __future__ import annotations

import lzma
from collections import Counter
from collections.abc import Iterator
from datetime import UTC
from functools import cache
from pathlib import Path

from parsers.logline import LogLineParser
from parsers.records import LogEvent, Reject

DATA = Path(__file__).resolve().parents[1] / "data" / "logs"


def lines_of(path: Path) -> Iterator[str]:
    opener = lzma.open if path.suffix == ".xz" else open
    with opener(path, "rt", encoding="utf-8", errors="surrogateescape") as handle:
        for line in handle:
            yield line.rstrip("\n")


@cache  # pixelpark (70k lines) is read once per test session
def census(path: Path, family: str, year: int) -> tuple[Counter[str], list[Reject]]:
    """Per line: ``recognised`` (an event of ``family``), ``rejected`` (a Reject of it), or
    ``other`` (out of scope, or another family's business)."""
    parser = LogLineParser(year=year, tz=UTC)
    counts: Counter[str] = Counter()
    rejects: list[Reject] = []
    for number, line in enumerate(lines_of(path), 1):
        record = parser.parse(line, number)
        mine = record is not None and record.kind.startswith(family + ".")
        if isinstance(record, LogEvent) and mine:
            counts["recognised"] += 1
            counts[record.kind] += 1
        elif isinstance(record, Reject) and mine:
            counts["rejected"] += 1
            rejects.append(record)
        else:
            counts["other"] += 1
    return counts, rejects
