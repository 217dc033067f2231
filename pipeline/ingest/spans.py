"""One log file, the unread tail of one, or a byte range of a large one (a :class:`Span`) into
the lake: the unit of work any engine maps.

:func:`parse_file` depends only on its :class:`FileJob`: it writes the span's rejects and the
sessions that begin and end inside it as Parquet parts named after the run, and returns the
counts, its ``_ingested`` row and its :class:`~pipeline.ingest.stitch.Edges`, which
:mod:`pipeline.ingest.stitch` joins with the neighbouring spans and files of the same rotated set.
:func:`joined` adds the spans of one file up to the file's result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.config import SiteConfig
from pipeline.ingest.batches import CORRUPT, MAX_LINE, line_batches
from pipeline.ingest.reject_rows import fault
from pipeline.ingest.results import FileResult, Progress
from pipeline.ingest.sources import (
    LineNotes,
    content_tail,
    fingerprint,
    is_compressed,
    looks_binary,
    open_bytes,
    tail_digest,
)
from pipeline.ingest.span_parser import new_span_parser
from pipeline.lake.writer import LakeWriter

__all__ = ["CORRUPT", "MAX_LINE", "FileJob", "Span", "parse_file", "reason_of", "unread_span"]


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
    parser: str = "python"  # pipeline.ingest.span_parser.PARSERS


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
    """Read the span's lines through the job's parser; write what it finds; account for it."""
    path = job.path
    result = FileResult(str(path), resumed=span.resumed)
    writer = LakeWriter(job.lake, job.part_prefix)
    parser = new_span_parser(
        job.parser, job.config, str(path), span.year_state, not_after=span.mtime
    )
    source_file = str(path)
    line_no = span.lines_before
    offset = span.begin
    reported = span.counted_from
    notes = LineNotes()
    try:
        for batch in line_batches(path, span.begin, span.end, span.lines_before, notes):
            parser.feed(batch)
            line_no += len(batch.raws)
            offset = batch.ends[-1]
            rejects = parser.take_rejects()
            result.rejects += len(rejects)
            writer.add("rejects", rejects)
            writer.add("sessions", parser.take_sessions())
            if progress and offset - reported > 0:
                progress(offset - reported)
                reported = offset
    except CORRUPT as exc:
        result.problem = (
            f"{path}: {reason_of(exc)} after line {line_no}; the lines before it were read"
        )
    if progress:
        progress(max(offset - reported, 0))
    result.lines = line_no - span.lines_before
    result.events = parser.events
    result.skipped = parser.skipped
    result.edges = parser.finish()
    rejects = parser.take_rejects()
    rejects.extend(damaged_rows(source_file, span.lines_before, notes))
    result.rejects += len(rejects) + notes.damaged_count - len(notes.damaged)
    result.remarks = line_remarks(path, notes, parser.not_utf8)
    if notes.stopped:
        result.problem = (
            f"{path}: {notes.stopped}, after line {line_no}; the lines before it were read"
        )
    writer.add("rejects", rejects)
    writer.add("sessions", parser.take_sessions())
    writer.flush()
    result.sessions = writer.written["sessions"]
    result.unknown = parser.unknown()
    result.family_lines = parser.family_lines()
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
        fault(
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
