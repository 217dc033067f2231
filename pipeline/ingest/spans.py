"""One log file, the unread tail of one, or a byte range of a large one (a :class:`Span`) into
the lake: the unit of work any engine maps.

:func:`parse_file` depends only on its :class:`FileJob`: it writes the span's rejects and the
sessions that begin and end inside it as Parquet parts named after the run, and returns the
counts, its ``_ingested`` row and its :class:`~pipeline.ingest.stitch.Edges`, which
:mod:`pipeline.ingest.stitch` joins with the neighbouring spans and files of the same rotated set.
:func:`joined` adds the spans of one file up to the file's result.
"""

from __future__ import annotations

import lzma
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import zstandard

from parsers.logline import LogLineParser
from parsers.records import RAW_LIMIT, LogEvent, Reject
from parsers.redact import redact_cut
from parsers.shapes import UnknownShapes
from pipeline.config import SiteConfig
from pipeline.ingest.results import FileResult, Progress
from pipeline.ingest.sources import (
    LineNotes,
    content_tail,
    decode_line,
    fingerprint,
    is_compressed,
    is_live,
    looks_binary,
    open_bytes,
    read_lines,
    tail_digest,
)
from pipeline.ingest.stitch import FileSessioniser
from pipeline.lake.writer import LakeWriter

MAX_LINE = 1 << 20
CORRUPT = (EOFError, OSError, zlib.error, lzma.LZMAError, zstandard.ZstdError)


@dataclass(frozen=True, slots=True)
class Span:
    """The part of a file one job reads, and what the file's earlier lines left behind."""

    begin: int  # byte offset of its first line
    end: int | None  # offset after its last line; None: to the end of the file
    lines_before: int  # lines of the file before ``begin``
    year_state: tuple[int, int] | None  # the year inference's (year, month) at ``begin``
    counted_from: int  # progress: this job accounts for the bytes from here (0 for the first)
    size: int
    mtime: datetime
    fingerprint: str
    resumed: bool  # an earlier run read the file up to the first span's ``begin``


@dataclass(frozen=True, slots=True)
class FileJob:
    """What one worker needs: the file, the lake, the run, and what earlier runs read of it."""

    path: Path
    lake: Path
    part_prefix: str  # the run id and the file's number: names this file's Parquet parts
    config: SiteConfig
    known: tuple[dict[str, Any], ...]  # the _ingested rows of this path or this content
    span: Span | None = (
        None  # a byte range of a large file (pipeline.ingest.ranges); None: all of it
    )


def previous_read(known: tuple[dict[str, Any], ...], path: Path, fp: str) -> dict[str, Any] | None:
    """The _ingested row for this content: the same first line (the fingerprint), preferring
    the same path, then the longest read, and the same bytes before where that read stopped:
    two logs that begin alike (a blank line, a host-less start-up line) are told apart there."""
    same = [row for row in known if row["fingerprint"] == fp]
    same.sort(key=lambda row: (row["path"] != str(path), -(row["bytes_read"] or 0)))
    for row in same:
        digest = row.get("tail_digest")
        if digest is None:
            return row  # read before this check existed: trusted, as it was
        tail = content_tail(path, row["bytes_read"] or 0)
        if tail is not None and tail_digest(tail) == digest:
            return row
    return None


def parse_file(job: FileJob, progress: Progress | None = None) -> FileResult:
    """Read one file, or the span of it the job names, from where the last run stopped."""
    span = job.span or unread_span(job, progress)
    if isinstance(span, FileResult):
        return span
    return read_span(job, span, progress)


def unread_span(job: FileJob, progress: Progress | None = None) -> Span | FileResult:
    """All of the file not read by an earlier run; or, when there is nothing to read, the
    file's result (read before and unchanged, unreadable, binary)."""
    path = job.path
    try:
        stat = path.stat()
        mtime = datetime.fromtimestamp(stat.st_mtime, UTC)
        unchanged = [
            row
            for row in job.known
            if row["path"] == str(path) and row["size"] == stat.st_size and row["mtime"] == mtime
        ]
        if (
            unchanged
            and not unchanged[0].get("stopped")
            and (is_compressed(path) or unchanged[0]["bytes_read"] == stat.st_size)
        ):
            if progress:
                progress(stat.st_size)
            return FileResult(str(path))  # read before, not changed since: no work at all
        with open_bytes(path) as stream:
            head = stream.read(4096)
    except CORRUPT as exc:
        return FileResult(str(path), problem=f"{path}: unreadable ({reason_of(exc)}); skipped")
    if looks_binary(head):
        return FileResult(str(path), problem=f"{path}: binary content, not a log; skipped")
    fp = fingerprint(head)
    previous = previous_read(job.known, path, fp)
    return Span(
        begin=previous["bytes_read"] if previous else 0,
        end=None,
        lines_before=previous["lines"] if previous else 0,
        year_state=None,
        counted_from=0,
        size=stat.st_size,
        mtime=mtime,
        fingerprint=fp,
        resumed=previous is not None,
    )


def read_span(job: FileJob, span: Span, progress: Progress | None = None) -> FileResult:
    path = job.path
    result = FileResult(str(path), resumed=span.resumed)
    line_no = span.lines_before
    config = job.config
    writer = LakeWriter(job.lake, job.part_prefix)
    sessioniser = FileSessioniser(config)
    shapes = UnknownShapes()
    parser = LogLineParser(
        year=config.year, tz=config.zone(), year_state=span.year_state, shapes=shapes
    )
    rejects: list[dict[str, Any]] = []
    source_file = str(path)
    offset = span.begin
    reported = span.counted_from
    notes = LineNotes()
    not_utf8 = 0
    try:
        with open_bytes(path) as stream:
            lines = read_lines(
                stream,
                skip_bytes=span.begin,
                stop=span.end,
                max_line=MAX_LINE,
                # a compressed or rotated file is complete; a live one may be mid-line
                final=span.end is not None or not stream.seekable() or not is_live(path),
                notes=notes,
            )
            for raw, offset in lines:
                line_no += 1
                result.lines += 1
                if len(raw) >= MAX_LINE:
                    rejects.append(
                        reject_row(
                            source_file,
                            line_no,
                            "line",
                            "line longer than 1 MiB; cut",
                            # redacted before the cut: the password may sit past 2 KiB
                            redact_cut(raw.decode("utf-8", "replace"))[:RAW_LIMIT],
                        )
                    )
                    continue
                text, latin1 = decode_line(raw)
                not_utf8 += latin1
                record = parser.parse(text, line_no)
                if record is None:
                    result.skipped += 1
                elif isinstance(record, LogEvent):
                    result.events += 1
                    sessioniser.feed(record, source_file)
                elif isinstance(record, Reject):
                    rejects.append(
                        reject_row(
                            source_file, record.line_no, record.kind, record.reason, record.raw
                        )
                    )
                if progress and offset - reported > (1 << 20):
                    progress(offset - reported)
                    reported = offset
                if len(rejects) >= 10_000:
                    writer.add("rejects", rejects)
                    result.rejects += len(rejects)
                    rejects = []
                if len(sessioniser.rows) >= 10_000:
                    writer.add("sessions", sessioniser.take_rows())
    except CORRUPT as exc:
        result.problem = (
            f"{path}: {reason_of(exc)} after line {line_no}; the lines before it were read"
        )
    if progress:
        progress(max(offset - reported, 0))
    rejects.extend(damaged_rows(source_file, span.lines_before, notes))
    result.rejects += len(rejects) + notes.damaged_count - len(notes.damaged)
    result.remarks = line_remarks(path, notes, not_utf8)
    if notes.stopped:
        result.problem = (
            f"{path}: {notes.stopped}, after line {line_no}; the lines before it were read"
        )
    writer.add("rejects", rejects)
    result.edges = sessioniser.finish()
    writer.add("sessions", sessioniser.take_rows())
    writer.flush()
    result.sessions = writer.written["sessions"]
    result.unknown = shapes.counts()
    result.family_lines = parser.family_lines
    result.ingested = {
        "path": str(path),
        "size": span.size,
        "mtime": span.mtime,
        "fingerprint": span.fingerprint,
        "lines": line_no,
        "rows": result.events,
        "rejects": result.rejects,
        "ingested_at": datetime.now(UTC),
        "bytes_read": offset,
        "skipped": result.skipped,
        "tail_digest": tail_digest(notes.tail) if notes.tail or not offset else None,
        "stopped": notes.stopped or result.problem,
    }
    return result


def damaged_rows(source_file: str, lines_before: int, notes: LineNotes) -> list[dict[str, Any]]:
    """Rejects for the text the line source found damaged (cut by NUL bytes or by the end of
    a damaged stream); beyond the first ``MAX_NOTED`` only their count is kept."""
    return [
        reject_row(
            source_file,
            lines_before + ordinal,
            "line",
            reason,
            fragment.decode("utf-8", "replace"),
        )
        for ordinal, reason, fragment in notes.damaged
    ]


def line_remarks(path: Path, notes: LineNotes, not_utf8: int) -> tuple[str, ...]:
    """What was read differently from plain UTF-8 lines, said once per file."""
    remarks = []
    if not_utf8:
        remarks.append(f"{path}: {not_utf8} lines not UTF-8, read as Latin-1")
    if notes.has_bom:
        remarks.append(f"{path}: byte order mark left out")
    if notes.waiting:
        remarks.append(
            f"{path}: unfinished last line ({notes.waiting} bytes) left for the next run"
        )
    return tuple(remarks)


def reason_of(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, EOFError):
        text = "truncated compressed data"
    return text.splitlines()[0][:200]


def reject_row(source_file: str, line: int, kind: str, reason: str, raw: str) -> dict[str, Any]:
    return {
        "source_file": source_file,
        "source_line": line,
        "kind": kind,
        "reason": reason,
        "raw": raw[:2048],
    }
