"""``mailtls ingest``: plan what is new, parse files in parallel, stitch rotated sets, commit.

A run either commits (its rows appended to ``_ingested``, its open sessions to ``_pending``)
or leaves nothing that readers or the next run will count (:meth:`pipeline.lake.Lake.recover`).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.classify import Row
from pipeline.config import SiteConfig
from pipeline.errors import MailtlsError
from pipeline.inventory import Known, Planned, plan
from pipeline.lake import Lake, PartWriter
from pipeline.segment import Segment, SegmentResult, parse_segment, year_hint
from pipeline.sources import Skipped, expand
from pipeline.stitch import OpenState, expire, pending_rows, state_from_rows, stitch

ENGINES = ("local", "dask")
OnResult = Callable[[SegmentResult], None]


@dataclass(slots=True)
class SourceSummary:
    """The counts printed for one PATH argument."""

    arg: str
    files: int = 0
    lines: int = 0
    sessions: int = 0
    out_of_scope: int = 0
    rejects: int = 0
    skipped: int = 0

    def line(self) -> str:
        skipped = f", {self.skipped} skipped" if self.skipped else ""
        return (
            f"{self.arg}: {self.files} files, {self.lines} lines, {self.sessions} sessions, "
            f"{self.out_of_scope} out of scope, {self.rejects} rejected{skipped}"
        )


@dataclass(slots=True)
class IngestReport:
    summaries: dict[str, SourceSummary]
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unchanged: int = 0
    pending: int = 0  # sessions still open, kept for the next run
    unattached: int = 0  # events that joined no session (e.g. Dovecot 2.2 auth lines)

    @property
    def incomplete(self) -> bool:
        """Some input was skipped or could be read only in part."""
        return bool(self.skipped or self.warnings)


def ingest(
    paths: Sequence[str],
    lake_dir: Path,
    config: SiteConfig,
    *,
    workers: int | None = None,
    engine: str = "local",
    flush_open: bool = False,
    on_plan: Callable[[int], None] | None = None,
    on_result: OnResult | None = None,
) -> IngestReport:
    """Ingest ``paths`` into the lake at ``lake_dir``; see the module docstring."""
    if engine != "local":
        raise MailtlsError(f"--engine {engine}: not yet available; use --engine local")
    lake = Lake(lake_dir)
    summaries = {arg: SourceSummary(arg) for arg in paths}
    with lake.locked():
        lake.check()
        lake.recover()
        files, skipped = expand(paths)
        planned, unreadable, unchanged = plan(files, Known(lake.ingested()))
        skipped += unreadable
        report = IngestReport(summaries, skipped, unchanged=unchanged)
        for skip in skipped:
            summaries[skip.arg].skipped += 1
        run_id = "r" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f") + secrets.token_hex(3)
        segments = [_segment(i, p, lake_dir, run_id, config) for i, p in enumerate(planned, 1)]
        if on_plan is not None:
            on_plan(sum(max(p.size - p.start_offset, 0) for p in planned))
        results = run_segments(segments, workers, on_result)
        writer = PartWriter(lake_dir, f"{run_id}-0")
        states = state_from_rows(lake.pending())
        _stitch_sets(results, states, config, writer, report, flush_open)
        ingested: list[dict[str, Any]] = []
        writer.flush()
        for result, item in zip(results, planned, strict=True):
            ingested.append(_ingested_row(result, item, run_id))
            _count(summaries[item.source.arg], result)
            report.warnings.extend(result.warnings)
            report.notes.extend(result.notes)
        pending = [row for key, state in states.items() for row in pending_rows(key, state)]
        report.pending = len(pending)
        lake.commit(run_id, ingested, pending)
    return report


def run_segments(
    segments: Sequence[Segment], workers: int | None, on_result: OnResult | None = None
) -> list[SegmentResult]:
    """Parse every segment, in a process pool when there is more than one worker and segment."""
    count = workers or os.cpu_count() or 1
    results: list[SegmentResult] = []
    if count <= 1 or len(segments) <= 1:
        for segment in segments:
            results.append(parse_segment(segment))
            if on_result is not None:
                on_result(results[-1])
        return results
    with ProcessPoolExecutor(max_workers=min(count, len(segments))) as pool:
        for result in pool.map(parse_segment, segments):
            results.append(result)
            if on_result is not None:
                on_result(result)
    return results


def _segment(index: int, item: Planned, lake: Path, run_id: str, config: SiteConfig) -> Segment:
    year = config.year
    if year is None:
        year = year_hint(item.source.path, _bytes_at(item), item.mtime)
    return Segment(
        index=index,
        arg=item.source.arg,
        path=str(item.source.path),
        set_key=item.source.set_key,
        start_offset=item.start_offset,
        first_line=item.first_line,
        keep_partial_last=item.keep_partial_last,
        year=year,
        lake=str(lake),
        run_id=run_id,
        config=config,
    )


def _bytes_at(item: Planned) -> bytes:
    """The first bytes a segment reads (for its year), cheap for plain files."""
    if item.start_offset == 0:
        return item.head
    try:
        with item.source.path.open("rb") as handle:
            if handle.read(2) in (b"\x1f\x8b", b"BZ", b"\xfd7", b"\x28\xb5"):
                return b""  # compressed: the file's time says enough
            handle.seek(item.start_offset)
            return handle.read(16)
    except OSError:
        return b""


def _stitch_sets(
    results: Iterable[SegmentResult],
    states: dict[str, OpenState],
    config: SiteConfig,
    writer: PartWriter,
    report: IngestReport,
    flush_open: bool,
) -> None:
    """Join the edges of each set's files in order; rows written, ``states`` left open."""
    current: SourceSummary | None = None

    def emit(row: Row) -> None:
        if current is not None:
            current.sessions += 1
        writer.add("sessions", row)

    for result in results:  # already in set order, oldest first
        current = report.summaries[result.segment.arg]
        state = states.setdefault(result.segment.set_key, OpenState())
        stitch(state, result.edges, config, emit, first_at=result.first_at, last_at=result.last_at)
        report.unattached += result.unattached
    for state in states.values():
        if flush_open:
            expire(state, config, emit, now=None)
        report.unattached += state.dropped_auth
        state.dropped_auth = 0


def _count(summary: SourceSummary, result: SegmentResult) -> None:
    summary.files += 1
    summary.lines += result.read.lines
    summary.sessions += result.sessions
    summary.out_of_scope += result.out_of_scope
    summary.rejects += result.rejects


def _ingested_row(result: SegmentResult, item: Planned, run_id: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "path": str(item.source.path),
        "size": item.size,
        "mtime": datetime.fromtimestamp(item.mtime, UTC),
        "fingerprint": item.fingerprint,
        "lines": result.read.lines,
        "rows": result.sessions,
        "rejects": result.rejects,
        "ingested_at": now,
        "end_offset": result.read.end_offset,
        "end_line": item.first_line - 1 + result.read.lines,
        "run_id": run_id,
    }
