"""Parse one file, or the unread tail of one, into the lake: the unit any engine maps.

:func:`parse_segment` is pure in what it returns (counts and the open fragments at the file's
edges, :class:`pipeline.sessions.Edges`); its only effect is writing Parquet parts named after
the run and the segment, which become visible to readers only when the run commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from parsers.logline import LogLineParser
from parsers.records import LogEvent
from pipeline.classify import Row, clean
from pipeline.config import SiteConfig
from pipeline.lake import PartWriter
from pipeline.sessions import Edges, Sessioniser
from pipeline.sources import STREAM_ERRORS, ReadStats, open_stream, read_lines

_MONTH: Final = re.compile(rb"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ")
_MONTHS: Final = (b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun",
                  b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Segment:
    """What to read: a file from a byte offset (0, or where the last run stopped)."""

    index: int
    arg: str
    path: str
    set_key: str
    start_offset: int
    first_line: int
    keep_partial_last: bool
    year: int | None
    lake: str
    run_id: str
    config: SiteConfig


@dataclass(slots=True)
class SegmentResult:
    segment: Segment
    edges: Edges
    read: ReadStats
    events: int = 0
    out_of_scope: int = 0
    rejects: int = 0
    sessions: int = 0
    unattached: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    warnings: list[str] = field(default_factory=list)  # input read only in part
    notes: list[str] = field(default_factory=list)  # read in full, worth knowing


def year_hint(path: Path, head: bytes, mtime: float) -> int:
    """The year of a file's first year-less line: the year it was last written, or the one
    before when its first month lies after the month it was last written."""
    written = datetime.fromtimestamp(mtime, UTC)
    found = _MONTH.match(head)
    if found is not None and _MONTHS.index(found.group(1)) + 1 > written.month:
        return written.year - 1
    return written.year


def parse_segment(segment: Segment) -> SegmentResult:
    """Read one segment: sessions and rejects to Parquet parts, open fragments returned."""
    config = segment.config
    writer = PartWriter(Path(segment.lake), f"{segment.run_id}-{segment.index}")
    result = SegmentResult(segment, Edges(), ReadStats())

    def emit(row: Row) -> None:
        result.sessions += 1
        writer.add("sessions", row)

    sessioniser = Sessioniser(config, segment.path, emit)
    parser = LogLineParser(year=segment.year, tz=config.tz())
    source = clean(segment.path)
    try:
        stream = open_stream(Path(segment.path))
    except (OSError, *STREAM_ERRORS) as exc:
        result.warnings.append(f"{segment.path}: cannot open: {exc}")
        return result
    with stream:
        lines = read_lines(
            stream,
            result.read,
            start_offset=segment.start_offset,
            first_line=segment.first_line,
            keep_partial_last=segment.keep_partial_last,
        )
        for line_no, line in lines:
            record = parser.parse(line, line_no)
            if record is None:
                result.out_of_scope += 1
            elif isinstance(record, LogEvent):
                result.events += 1
                if record.event_at is not None:
                    result.first_at = result.first_at or record.event_at
                    result.last_at = record.event_at
                sessioniser.feed(record)
            else:
                result.rejects += 1
                writer.add(
                    "rejects",
                    {
                        "source_file": source,
                        "source_line": record.line_no,
                        "kind": record.kind,
                        "reason": record.reason,
                        "raw": clean(record.raw),
                    },
                )
    read = result.read
    for line_no in read.long_lines:
        result.rejects += 1
        reason = "line longer than 1 MiB: skipped"
        writer.add("rejects", _file_reject(source, line_no, "line_too_long", reason))
    if read.error is not None:
        result.rejects += 1
        result.warnings.append(
            f"{segment.path}: {read.error}; kept the {read.lines} lines before it"
        )
        writer.add("rejects", _file_reject(source, read.lines + 1, "stream", read.error))
    if read.invalid_utf8:
        result.notes.append(
            f"{segment.path}: {read.invalid_utf8} lines are not valid UTF-8 (read with escapes)"
        )
    result.edges = sessioniser.finish()
    result.unattached = sessioniser.unattached
    writer.flush()
    return result


def _file_reject(source: str | None, line_no: int, kind: str, reason: str) -> dict[str, object]:
    return {
        "source_file": source,
        "source_line": line_no,
        "kind": kind,
        "reason": reason,
        "raw": "",
    }
