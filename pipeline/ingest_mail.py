"""Mail into the lake: every message's header block becomes a ``messages`` row and one
``received_hops`` row per Received field. Incremental like the logs: a Maildir file is read
once (also after it moves from ``new/`` to ``cur/``), a grown mbox only past what was read."""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.config import SiteConfig
from pipeline.ingest import SetResult
from pipeline.lake import LakeWriter
from pipeline.mailbox import (
    OwnServers,
    TruncatedInput,
    iter_messages,
    looks_like_message,
    message_rows,
)
from pipeline.segment import CORRUPT, FileResult, Progress, reason_of
from pipeline.sources import open_bytes

MAILDIR_FOLDERS = ("cur", "new")
_PARALLEL_FROM = 64  # files: fewer are read in this process (a worker costs its start-up)


def is_mail(path: Path, head: bytes) -> bool:
    """A message file (Maildir, .eml) or an mbox, by its folder or its first line."""
    return path.parent.name in MAILDIR_FOLDERS or looks_like_message(head)


def mail_fingerprint(head: bytes) -> str:
    """Header lines repeat across messages (Return-Path, Received by the same host), so a
    message is known by a hash of its whole first 4 KiB."""
    return hashlib.sha256(head[:4096]).hexdigest()[:32] + ":mail"


def ingest_mail(
    paths: list[Path],
    lake: Path,
    run_id: str,
    config: SiteConfig,
    known: list[dict[str, Any]],
    progress: Progress | None = None,
    *,
    workers: int = 1,
) -> SetResult:
    """Mail files into the lake. Which files to read (and from which offset) is decided in
    order, so duplicates are caught as before; the reading itself may run on ``workers``
    processes, and the rows are written in file order either way."""
    result = SetResult("mail")
    writer = LakeWriter(lake, run_id)
    own = OwnServers.of(config.own_hosts)
    seen = {row["fingerprint"]: row for row in known}
    plans: list[_Plan] = []

    def jobs() -> Iterator[MailJob]:  # planned as the pool takes them: it starts on the first
        for path in paths:
            plan = _plan(path, seen)
            plans.append(plan)
            if plan.read:
                yield plan.result.path, plan.done_up_to, own

    def done(plan: _Plan, reading: MailReading | None) -> None:
        if reading is not None:
            _record(plan, reading, writer)
        result.files.append(plan.result)
        if progress:
            progress(plan.size)

    if workers <= 1 or len(paths) < _PARALLEL_FROM:  # one file at a time, rows written as read
        for path in paths:
            plan = _plan(path, seen)
            done(plan, read_mail_file(str(path), plan.done_up_to, own) if plan.read else None)
    else:
        readings = _read_all(jobs(), len(paths), workers)
        for plan in plans:
            done(plan, next(readings) if plan.read else None)
    writer.flush()
    result.sessions = 0
    return result


@dataclass(slots=True)
class _Plan:
    result: FileResult
    size: int
    read: bool = False
    done_up_to: int = 0


MailReading = tuple[list[dict[str, Any]], list[dict[str, Any]], int, str | None]
MailJob = tuple[str, int, OwnServers]


def _plan(path: Path, seen: dict[str, dict[str, Any]]) -> _Plan:
    """Whether and from where to read ``path``; marks its fingerprint seen."""
    result = FileResult(str(path))
    stat = path.stat()
    plan = _Plan(result, stat.st_size)
    try:
        with open_bytes(path) as stream:
            head = stream.read(4096)
    except CORRUPT as exc:
        result.problem = f"{path}: unreadable ({reason_of(exc)}); skipped"
        return plan
    fp = mail_fingerprint(head)
    previous = seen.get(fp)
    plan.done_up_to = previous["bytes_read"] if previous else 0
    if previous and plan.done_up_to >= stat.st_size:
        return plan  # read before, or the same message moved (new/ → cur/) or copied: once
    plan.read = True
    result.ingested = {
        "path": str(path),
        "size": stat.st_size,
        "mtime": datetime.fromtimestamp(stat.st_mtime, UTC),
        "fingerprint": fp,
        "lines": 0,
        "rows": 0,
        "rejects": 0,
        "ingested_at": None,  # these four are filled in once the file is read
        "bytes_read": stat.st_size,
        "skipped": 0,
    }
    seen[fp] = result.ingested
    return plan


def read_mail_file(path: str, done_up_to: int, own: OwnServers) -> MailReading:
    """The ``messages`` and ``received_hops`` rows of one file, past ``done_up_to`` (runs in a
    worker process when there are several)."""
    messages: list[dict[str, Any]] = []
    hops: list[dict[str, Any]] = []
    problem = None
    try:
        for message in iter_messages(path):
            if message.offset < done_up_to:
                continue  # an mbox that grew: these were read before
            row, hop_rows = message_rows(message, own)
            messages.append(row)
            hops.extend(hop_rows)
    except (TruncatedInput, *CORRUPT) as exc:
        problem = f"{path}: {reason_of(exc)}; the messages before it were read"
    return messages, hops, len(messages), problem


def _read_all(jobs: Iterator[MailJob], files: int, workers: int) -> Iterator[MailReading]:
    """The readings of ``jobs`` in order, on a pool: ``jobs`` is taken whole before the first
    reading is returned, its planning runs while the pool already reads."""
    chunk = max(1, min(256, files // (workers * 8)))
    context = multiprocessing.get_context("forkserver")  # fork is unsafe once Arrow has threads
    context.set_forkserver_preload([__name__])  # workers fork with the parsers imported
    pool = ProcessPoolExecutor(workers, mp_context=context)
    return _closing(pool, pool.map(_read_job, jobs, chunksize=chunk))


def _read_job(job: MailJob) -> MailReading:
    return read_mail_file(*job)


def _closing(pool: ProcessPoolExecutor, readings: Iterator[MailReading]) -> Iterator[MailReading]:
    with pool:
        yield from readings


def _record(plan: _Plan, reading: MailReading, writer: LakeWriter) -> None:
    messages, hops, count, problem = reading
    result = plan.result
    result.lines, result.events, result.problem = count, len(hops), problem
    writer.add("messages", messages)
    writer.add("received_hops", hops)
    assert result.ingested is not None  # set by _plan for every file it reads
    result.ingested.update(lines=count, rows=len(hops), ingested_at=datetime.now(UTC))
