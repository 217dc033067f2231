"""``mailtls ingest``: read log files (any compression, rotated sets in time order), parse,
sessionise, and write the lake; incrementally, so nothing is read or written twice.

The unit of work is one file, or one byte range of a large plain file (:mod:`pipeline.ingest.ranges`),
read by :func:`pipeline.ingest.spans.parse_file`, so the files of one rotated set (``mail.log.2.gz``,
``mail.log.1``, ``mail.log``) and the ranges of one big file can be read by different processes,
or by the workers of a Dask cluster. A session cut by a rotation or a range is still one row:
each set's edges are joined oldest first, range by range (:mod:`pipeline.ingest.stitch`), as the
results arrive. Sessions still open at the end are kept
in the lake's ``_pending.parquet`` and finished by the next run that reads the set's newer lines.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import groupby
from pathlib import Path
from typing import Any

from pipeline.config import SiteConfig
from pipeline.ingest.engines import dask_cluster, run_files
from pipeline.ingest.ranges import file_jobs
from pipeline.ingest.results import FileResult, Progress, RunSummary, SetResult, joined
from pipeline.ingest.sources import (
    COMPRESSIONS,
    SourceFile,
    expand_names,
    fingerprint,
    open_bytes,
    rotation_key,
    rotation_sets,
)
from pipeline.ingest.spans import CORRUPT, FileJob
from pipeline.ingest.stitch import Edges, settle, stitch
from pipeline.lake.derived import refresh
from pipeline.lake.journal import (
    check_version,
    commit,
    locked,
    new_run_id,
    read_files_read,
    read_fingerprints,
    read_ingested,
    read_pending,
    recover,
)
from pipeline.lake.writer import LakeWriter
from pipeline.sessions.sessioniser import Sessioniser


def ingest(
    paths: list[str],
    lake: Path,
    config: SiteConfig,
    *,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
    range_bytes: int | None = None,
    parser: str = "python",
) -> RunSummary:
    """Ingest ``paths`` into ``lake``; returns what was read, written and skipped.
    ``range_bytes`` sets the size of the byte ranges large files are cut into (default: see
    :func:`pipeline.ingest.ranges.range_size`). ``parser`` picks the log parser
    (:data:`pipeline.ingest.span_parser.PARSERS`; ``python`` is the per-line reference)."""
    with locked(lake):
        check_version(lake)
        recover(lake)
        names, problems = expand_names(paths)
        inside_lake = str(lake.resolve()) + os.sep
        names = [name for name in names if not name.startswith(inside_lake)]
        files_read = read_files_read(lake)
        found, unchanged = _without_unchanged(names, files_read)
        if not found:
            return RunSummary([], problems, unchanged=unchanged)  # nothing to read or commit
        logs, mail = _split_mail(found)
        sets = rotation_sets(logs)
        if on_total:
            on_total(sum(p.stat().st_size for p in found))
        known = read_ingested(lake)
        pending = read_pending(lake)
        run_id = new_run_id()
        rows_of = _known_rows(known)
        with dask_cluster(engine, scheduler, workers) as scheduler:
            jobs = (  # planned as the workers take them
                part
                for n, source in enumerate(source for one_set in sets for source in one_set)
                for part in file_jobs(
                    FileJob(
                        source.path,
                        lake,
                        f"{run_id}-{n:05d}",
                        config,
                        rows_of(source.path),
                        parser=parser,
                    ),
                    workers=workers,
                    range_bytes=range_bytes,
                )
            )
            read = groupby(
                run_files(
                    jobs, workers=workers, engine=engine, scheduler=scheduler, progress=progress
                ),
                key=lambda part: part.path,
            )
            # lives as long as the run: rows kept as dicts would grow with its ranges (8,192 of
            # them ≈ 12 MB in this process, pinning its heap while edges come and go)
            writer = LakeWriter(lake, f"{run_id}-stitch", batch_rows=1)
            results = [
                _stitch_set(
                    files,
                    read,
                    writer,
                    config,
                    pending.get(files[0].rotation_set, []),
                    older_unread=_older_unread(files[0], files_read, lake),
                )
                for files in sets
            ]
            writer.flush()
            if mail:
                from pipeline.ingest.mail import ingest_mail

                results.append(
                    ingest_mail(
                        mail,
                        lake,
                        f"{run_id}-mail",
                        config,
                        known,
                        progress,
                        workers=workers,
                        engine=engine,
                        scheduler=scheduler,
                    )
                )
        _record(lake, run_id, known, pending, results)
        refresh(lake)  # after the commit: a crash here leaves stale summaries, never wrong ones
    return RunSummary(results, problems, unchanged=unchanged)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _without_unchanged(
    names: list[str], read: dict[str, tuple[int, int, int, bool]]
) -> tuple[list[Path], int]:
    """The files to look at, and how many were left out: read to their end before (a plain
    file to its size; a compressed one, by its name, without damage) and not changed since
    (size and modification time). One ``stat`` each, nothing opened."""
    changed = []
    for name in names:
        seen = read.get(name)
        if seen is not None:
            size, mtime_us, bytes_read, stopped = seen
            try:
                stat = os.stat(name)
            except OSError:
                changed.append(Path(name))  # the worker says why
                continue
            # as the row stored it (pipeline.ingest.spans: fromtimestamp of the float)
            mtime = datetime.fromtimestamp(stat.st_mtime, UTC) - _EPOCH
            same = stat.st_size == size and mtime // _MICROSECOND == mtime_us
            complete = bytes_read == size or name.endswith(COMPRESSIONS)
            if same and complete and not stopped:
                continue
        changed.append(Path(name))
    return changed, len(names) - len(changed)


def _known_rows(known: list[dict[str, Any]]) -> Callable[[Path], tuple[dict[str, Any], ...]]:
    """The _ingested rows of a file's path or content: all a worker needs of them, so what
    travels to it stays small however many files the lake has seen."""
    by_path: dict[str, list[dict[str, Any]]] = {}
    by_print: dict[str, list[dict[str, Any]]] = {}
    for row in known:
        by_path.setdefault(row["path"], []).append(row)
        by_print.setdefault(row["fingerprint"], []).append(row)

    def rows_of(path: Path) -> tuple[dict[str, Any], ...]:
        rows = {id(r): r for r in by_path.get(str(path), [])}
        try:
            with open_bytes(path) as stream:
                head = stream.read(4096)
            rows.update((id(r), r) for r in by_print.get(fingerprint(head), []))
        except CORRUPT:
            pass  # the worker reports it with its reason
        return tuple(rows.values())

    return rows_of


def _stitch_set(
    files: list[SourceFile],
    read: Iterator[tuple[str, Iterator[FileResult]]],
    writer: LakeWriter,
    config: SiteConfig,
    pending: list[dict[str, Any]],
    *,
    older_unread: bool = False,
) -> SetResult:
    """Join the edges of one set's files, oldest first, each file's spans in order, onto its
    open sessions; ``read`` yields the results of all sets' files in that order, by path."""
    result = SetResult(files[0].rotation_set)
    into = Sessioniser(config, pending)
    stitched = 0
    for number, source in enumerate(files):
        path, spans = next(read)
        assert path == str(source.path)  # run_files keeps the order of the jobs
        parts = []
        for index, part in enumerate(spans):
            stitch(into, part.edges, part.path, older_unread=older_unread and number == index == 0)
            part.edges = Edges()  # joined: let it go
            parts.append(part)
            rows = into.take_rows()
            stitched += len(rows)
            writer.add("sessions", rows)
        result.files.append(joined(parts))
    if not older_unread:
        settle(into)
    into.flush_stale()
    rows = into.take_rows()
    writer.add("sessions", rows)
    result.sessions = stitched + len(rows) + result.total("sessions")
    result.pending = into.open_sessions()
    return result


def _older_unread(oldest: SourceFile, files_read: dict[str, Any], lake: Path) -> bool:
    """Whether an older file of ``oldest``'s rotated set lies beside it whose content was not
    read yet, under this name or another (then the sessions ``oldest`` finds begun wait for
    it). Costs a directory listing, and a look at the head of such a file."""
    folder = oldest.path.parent
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    fingerprints: set[str] | None = None
    for name in names:
        path = folder / name
        set_name, age = rotation_key(path)
        if set_name != oldest.rotation_set or age <= oldest.age or str(path) in files_read:
            continue
        if fingerprints is None:
            fingerprints = read_fingerprints(lake)
        try:
            with open_bytes(path) as stream:
                head = stream.read(4096)
        except CORRUPT:
            continue
        if head and fingerprint(head) not in fingerprints:
            return True
    return False


def _split_mail(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(log files, mail files): mail by its Maildir folder or its first line."""
    from pipeline.ingest.mail import is_mail

    logs: list[Path] = []
    mail: list[Path] = []
    for path in paths:
        try:
            with open_bytes(path) as stream:
                head = stream.read(4096)
        except CORRUPT:
            head = b""  # the log reader reports it with its reason
        (mail if is_mail(path, head) else logs).append(path)
    return logs, mail


def _record(
    lake: Path,
    run_id: str,
    known: list[dict[str, Any]],
    pending: dict[str, list[dict[str, Any]]],
    results: list[SetResult],
) -> None:
    rows = {(row["path"], row["fingerprint"]): row for row in known}
    for result in results:
        pending[result.name] = result.pending
        for file in result.files:
            if file.ingested is not None:
                row = {**file.ingested, "run_id": run_id}
                rows[(row["path"], row["fingerprint"])] = row
    commit(lake, run_id, list(rows.values()), pending)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)
