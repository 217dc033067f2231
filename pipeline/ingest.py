"""``mailtls ingest``: read log files (any compression, rotated sets in time order), parse,
sessionise, and write the lake; incrementally, so nothing is read or written twice.

The unit of work is a rotated set (``mail.log.2.gz``, ``mail.log.1``, ``mail.log``): its files
are read oldest first by one sessioniser, so a session cut by a rotation is one row. Sets are
independent and run in a process pool. Sessions still open at the end are kept in the lake's
``_pending.json`` and finished by the next run that reads the set's newer lines.
"""

from __future__ import annotations

import lzma
import os
import uuid
import zlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import zstandard

from parsers.logline import LogLineParser
from parsers.records import LogEvent, Reject
from pipeline.config import SiteConfig
from pipeline.lake import (
    LakeWriter,
    check_version,
    read_ingested,
    read_pending,
    write_ingested,
    write_pending,
)
from pipeline.sessions import Sessioniser
from pipeline.sources import (
    SourceFile,
    expand,
    fingerprint,
    is_compressed,
    looks_binary,
    open_bytes,
    read_lines,
    rotation_sets,
)

MAX_LINE = 1 << 20
CORRUPT = (EOFError, OSError, zlib.error, lzma.LZMAError, zstandard.ZstdError)
Progress = Callable[[int], None]  # bytes of input consumed since the last call


@dataclass(slots=True)
class FileResult:
    path: str
    lines: int = 0
    events: int = 0
    skipped: int = 0
    rejects: int = 0
    problem: str | None = None  # a one-line reason when the file was not (fully) read
    ingested: dict[str, Any] | None = None  # the _ingested row, when anything was read


@dataclass(slots=True)
class SetResult:
    name: str
    files: list[FileResult] = field(default_factory=list)
    sessions: int = 0
    pending: list[dict[str, Any]] = field(default_factory=list)

    def total(self, attribute: str) -> int:
        return sum(getattr(f, attribute) for f in self.files)


@dataclass(slots=True)
class RunSummary:
    sets: list[SetResult]
    problems: list[str]

    @property
    def has_skips(self) -> bool:
        return bool(self.problems) or any(f.problem for s in self.sets for f in s.files)


def _previous(known: list[dict[str, Any]], path: Path, fp: str) -> dict[str, Any] | None:
    """The _ingested row for this content: the same fingerprint, preferring the same path."""
    same = [row for row in known if row["fingerprint"] == fp]
    for row in same:
        if row["path"] == str(path):
            return row
    return max(same, key=lambda row: row["bytes_read"] or 0, default=None)


def ingest_set(
    files: list[SourceFile],
    lake: Path,
    run_id: str,
    config: SiteConfig,
    known: list[dict[str, Any]],
    pending: list[dict[str, Any]],
    progress: Progress | None = None,
) -> SetResult:
    """Parse one rotated set oldest first and write its rows. Pure apart from the lake files."""
    result = SetResult(files[0].rotation_set if files else "")
    writer = LakeWriter(lake, run_id)
    sessioniser = Sessioniser(config, pending)
    for source in files:
        result.files.append(_ingest_file(source.path, writer, sessioniser, config, known, progress))
        writer.add("sessions", sessioniser.take_rows())
    sessioniser.flush_stale()
    rows = sessioniser.take_rows()
    writer.add("sessions", rows)
    writer.flush()
    result.sessions = writer.written["sessions"]
    result.pending = sessioniser.open_sessions()
    return result


def _ingest_file(
    path: Path,
    writer: LakeWriter,
    sessioniser: Sessioniser,
    config: SiteConfig,
    known: list[dict[str, Any]],
    progress: Progress | None,
) -> FileResult:
    result = FileResult(str(path))
    try:
        stat = path.stat()
        mtime = datetime.fromtimestamp(stat.st_mtime, UTC)
        unchanged = [
            row
            for row in known
            if row["path"] == str(path) and row["size"] == stat.st_size and row["mtime"] == mtime
        ]
        if unchanged and (is_compressed(path) or unchanged[0]["bytes_read"] == stat.st_size):
            if progress:
                progress(stat.st_size)
            return result  # read before, not changed since: no work at all
        with open_bytes(path) as stream:
            head = stream.read(4096)
    except CORRUPT as exc:
        result.problem = f"{path}: unreadable ({_reason(exc)}); skipped"
        return result
    if looks_binary(head):
        result.problem = f"{path}: binary content, not a log; skipped"
        return result
    fp = fingerprint(head)
    previous = _previous(known, path, fp)
    start = previous["bytes_read"] if previous else 0
    line_no = previous["lines"] if previous else 0
    parser = LogLineParser(year=config.year, tz=config.zone())
    rejects: list[dict[str, Any]] = []
    source_file = str(path)
    offset = start
    reported = 0
    try:
        with open_bytes(path) as stream:
            for raw, offset in read_lines(stream, skip_bytes=start, max_line=MAX_LINE):
                line_no += 1
                result.lines += 1
                if len(raw) >= MAX_LINE:
                    rejects.append(
                        _reject_row(
                            source_file,
                            line_no,
                            "line",
                            "line longer than 1 MiB; cut",
                            raw[:2048].decode("utf-8", "replace"),
                        )
                    )
                    continue
                record = parser.parse(raw.decode("utf-8", "surrogateescape"), line_no)
                if record is None:
                    result.skipped += 1
                elif isinstance(record, LogEvent):
                    result.events += 1
                    sessioniser.feed(record, source_file)
                elif isinstance(record, Reject):
                    rejects.append(
                        _reject_row(
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
    except CORRUPT as exc:
        result.problem = (
            f"{path}: {_reason(exc)} after line {line_no}; the lines before it were read"
        )
    if progress:
        progress(max(offset - reported, 0))
    result.rejects += len(rejects)
    writer.add("rejects", rejects)
    if result.lines and not result.events and not result.rejects and not previous:
        result.problem = (
            f"{path}: no mail log line recognised in {result.lines} lines; not a mail log?"
        )
    result.ingested = {
        "path": str(path),
        "size": stat.st_size,
        "mtime": mtime,
        "fingerprint": fp,
        "lines": line_no,
        "rows": result.events,
        "rejects": result.rejects,
        "ingested_at": datetime.now(UTC),
        "bytes_read": offset,
        "skipped": result.skipped,
    }
    return result


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, EOFError):
        text = "truncated compressed data"
    return text.splitlines()[0][:200]


def _reject_row(source_file: str, line: int, kind: str, reason: str, raw: str) -> dict[str, Any]:
    return {
        "source_file": source_file,
        "source_line": line,
        "kind": kind,
        "reason": reason,
        "raw": raw[:2048],
    }


def _run_set(args: tuple[Any, ...]) -> SetResult:
    return ingest_set(*args)


def ingest(
    paths: list[str],
    lake: Path,
    config: SiteConfig,
    *,
    workers: int = 1,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
) -> RunSummary:
    """Ingest ``paths`` into ``lake``; returns what was read, written and skipped."""
    lake.mkdir(parents=True, exist_ok=True)
    check_version(lake)
    found, problems = expand(paths)
    lake_resolved = lake.resolve()
    found = [p for p in found if lake_resolved not in p.parents]
    sets = rotation_sets(found)
    if on_total:
        on_total(sum(f.path.stat().st_size for s in sets for f in s))
    known = read_ingested(lake)
    pending = read_pending(lake)
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    jobs = [
        (files, lake, f"{run_id}-{n:03d}", config, known, pending.get(files[0].rotation_set, []))
        for n, files in enumerate(sets)
    ]
    results: list[SetResult] = []
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            for done in pool.map(_run_set, jobs):
                if progress:
                    progress(sum(Path(f.path).stat().st_size for f in done.files))
                results.append(done)
    else:
        results = [ingest_set(*job, progress=progress) for job in jobs]
    _record(lake, known, pending, results)
    return RunSummary(results, problems)


def _record(
    lake: Path,
    known: list[dict[str, Any]],
    pending: dict[str, list[dict[str, Any]]],
    results: list[SetResult],
) -> None:
    rows = {(row["path"], row["fingerprint"]): row for row in known}
    for result in results:
        pending[result.name] = result.pending
        for file in result.files:
            if file.ingested is not None:
                rows[(file.ingested["path"], file.ingested["fingerprint"])] = file.ingested
    write_ingested(lake, list(rows.values()))
    write_pending(lake, pending)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)
