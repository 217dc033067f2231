"""Mail into the lake: every message's header block becomes a ``messages`` row and one
``received_hops`` row per Received field. Incremental like the logs: a Maildir file is read
once (also after it moves from ``new/`` to ``cur/``), a grown mbox only past what was read.

Like a log segment, the unit of work (:class:`MailUnit`: a batch of message files, or one
mbox) is read and written by whoever runs it (:func:`pipeline.ingest.engines.run_jobs`: this process,
a process pool or Dask): it writes its own Parquet parts, named after the run and the unit,
and returns only its files' counts and ``_ingested`` rows. Which files to read, and from where,
is decided here in file order, so a copy or a moved message is still read once. A large plain
mbox is cut at message starts into ranges, a unit each, joined back into one file's result."""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.config import SiteConfig
from pipeline.ingest.engines import run_jobs
from pipeline.ingest.mailbox import (
    OwnServers,
    TruncatedInput,
    compression_of,
    iter_mbox_range,
    iter_messages,
    looks_like_message,
    message_rows,
    next_message_start,
)
from pipeline.ingest.results import FileResult, Progress, SetResult
from pipeline.ingest.sources import is_compressed, open_bytes
from pipeline.ingest.spans import CORRUPT, reason_of
from pipeline.lake.writer import LakeWriter

MAILDIR_FOLDERS = ("cur", "new")
# Message files per unit. A pool takes units as its workers free up; units shrink towards the
# end of the run (a share of what is left) so the workers finish together, and are never so
# small that their own Parquet parts and start cost outweigh their messages.
UNIT_MIN = 64
UNIT_MAX = 2000
MBOX_RANGE_MIN = 1 << 20  # bytes: a fresh plain mbox is cut into up to 4 ranges per worker
_ROWS_AT_ONCE = 10_000  # messages of one file handed to the writer at a time


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
    engine: str = "local",
    scheduler: str | None = None,
) -> SetResult:
    """Mail files into the lake, their parts named ``<run_id>-<unit>-…``. Units are planned as
    the engine takes them (it starts on the first while later ones are planned); their results
    come back in file order."""
    own = OwnServers.of(config.own_hosts, config.internal_networks)
    units = plan_units(paths, lake, run_id, own, known, workers)
    result = SetResult("mail")
    for done in run_jobs(
        read_unit,
        units,
        counted=MailUnit.size,
        workers=workers,
        engine=engine,
        scheduler=scheduler,
        progress=progress,
    ):
        files = done.files
        if done.continues:  # the next range of the mbox the previous unit ended with
            _join(result.files[-1], files[0])
            files = files[1:]
        result.files.extend(files)
    return result


@dataclass(slots=True)
class PlannedFile:
    """One file as planned: its result is made by whoever reads it (less to plan and send)."""

    path: str
    size: int
    ingested: dict[str, Any] | None = None  # its _ingested row, when it is read
    problem: str | None = None
    read: bool = False
    done_up_to: int = 0
    mbox: bool = False
    span: tuple[int, int | None] | None = None  # a range of a plain mbox; None: the whole file

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled as its fields in order (a unit holds up to 2,000): half the default's cost."""
        fields = (self.path, self.size, self.ingested, self.problem, self.read)
        return PlannedFile, (*fields, self.done_up_to, self.mbox, self.span)


@dataclass(frozen=True, slots=True)
class MailUnit:
    """What one worker reads and writes: files in order, those not to read passed through."""

    lake: Path
    part_prefix: str  # the run id and the unit's number: names this unit's Parquet parts
    own: OwnServers
    files: tuple[PlannedFile, ...]
    continues: bool = False  # its first file is a later range of the previous unit's last one

    def size(self) -> int:
        return sum(planned.size for planned in self.files)


@dataclass(slots=True)
class UnitResult:
    files: list[FileResult]
    continues: bool


def plan_units(
    paths: list[Path],
    lake: Path,
    run_id: str,
    own: OwnServers,
    known: list[dict[str, Any]],
    workers: int,
) -> Iterator[MailUnit]:
    """The files in order, cut into units: each mbox to read alone (or in ranges:
    :func:`mbox_ranges`); message files (Maildir, .eml) in batches of ``batch_size`` files to
    read; files not to read join the next unit."""
    seen = {row["fingerprint"]: row for row in known}
    batch: list[PlannedFile] = []
    to_read = 0
    number = 0

    def unit(continues: bool = False) -> MailUnit:
        nonlocal batch, to_read, number
        number += 1
        done = MailUnit(lake, f"{run_id}-{number:05d}", own, tuple(batch), continues)
        batch, to_read = [], 0
        return done

    for index, path in enumerate(paths):
        planned = _plan(path, seen)
        if planned.read and planned.mbox:
            if batch:
                yield unit()  # an mbox is a unit of its own, or several
            for number_in_file, piece in enumerate(mbox_ranges(planned, workers)):
                batch.append(piece)
                yield unit(continues=number_in_file > 0)
            continue
        batch.append(planned)
        to_read += planned.read
        if planned.read and to_read >= batch_size(len(paths) - index, workers):
            yield unit()
    if batch:
        yield unit()


def batch_size(remaining: int, workers: int) -> int:
    """Message files per unit when ``remaining`` files are left to plan: half of each worker's
    share of them (guided self-scheduling), within ``UNIT_MIN``..``UNIT_MAX``; one worker
    takes the largest units."""
    if workers <= 1:
        return UNIT_MAX
    return max(UNIT_MIN, min(UNIT_MAX, math.ceil(remaining / (2 * workers))))


def mbox_ranges(planned: PlannedFile, workers: int) -> list[PlannedFile]:
    """A plain mbox read for the first time, cut at message starts into ranges that several
    workers share (at least ``MBOX_RANGE_MIN`` bytes each); else the whole file. The first
    range carries the file's result, the others a result of their own to be joined to it."""
    path = planned.path
    count = min(planned.size // MBOX_RANGE_MIN, 4 * workers)
    if workers <= 1 or count < 2 or planned.done_up_to or is_compressed(Path(path)):
        return [planned]
    cuts = [0]
    with open(path, "rb") as stream:
        for k in range(1, count):
            cut = next_message_start(stream, planned.size * k // count)
            if cut is None or cut >= planned.size:
                break
            if cut > cuts[-1]:  # a long message may span several targets
                cuts.append(cut)
    ends: list[int | None] = [*cuts[1:], None]  # the last to the end, as a whole reading
    return [
        PlannedFile(
            path,
            (planned.size if end is None else end) - begin,
            planned.ingested if begin == 0 else None,
            read=True,
            mbox=True,
            span=(begin, end),
        )
        for begin, end in zip(cuts, ends, strict=True)
    ]


def _plan(path: Path, seen: dict[str, dict[str, Any]]) -> PlannedFile:
    """Whether and from where to read ``path``; marks its fingerprint seen."""
    try:
        with open(path, "rb", buffering=0) as raw:
            stat = os.fstat(raw.fileno())
            head = raw.read(4096)
        if compression_of(head) is not None:
            with open_bytes(path) as stream:
                head = stream.read(4096)
    except CORRUPT as exc:
        size = path.stat().st_size if path.exists() else 0
        return PlannedFile(
            str(path), size, problem=f"{path}: unreadable ({reason_of(exc)}); skipped"
        )
    planned = PlannedFile(str(path), stat.st_size)
    fp = mail_fingerprint(head)
    previous = seen.get(fp)
    planned.done_up_to = previous["bytes_read"] if previous else 0
    if previous and planned.done_up_to >= stat.st_size:
        return planned  # read before, or the same message moved (new/ → cur/) or copied: once
    planned.read = True
    planned.mbox = head.startswith(b"From ")
    planned.ingested = {
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
    seen[fp] = planned.ingested
    return planned


def read_unit(unit: MailUnit, progress: Progress | None = None) -> UnitResult:
    """Read the unit's files and write their rows as the unit's own parts; the files' results
    (counts, ``_ingested`` rows) in order. Runs wherever the engine puts it."""
    writer = LakeWriter(unit.lake, unit.part_prefix)
    results = []
    for planned in unit.files:
        result = FileResult(planned.path, problem=planned.problem, ingested=planned.ingested)
        if planned.read:
            _read_into(planned, result, unit.own, writer)
        results.append(result)
        if progress:
            progress(planned.size)
    writer.flush()
    return UnitResult(results, unit.continues)


def _read_into(
    planned: PlannedFile, result: FileResult, own: OwnServers, writer: LakeWriter
) -> None:
    """The ``messages`` and ``received_hops`` rows of one file, past ``done_up_to``."""
    path = planned.path
    messages: list[dict[str, Any]] = []
    hops: list[dict[str, Any]] = []
    found = iter_messages(path) if planned.span is None else iter_mbox_range(path, *planned.span)
    try:
        for message in found:
            if message.offset < planned.done_up_to:
                continue  # an mbox that grew: these were read before
            row, hop_rows = message_rows(message, own)
            messages.append(row)
            hops.extend(hop_rows)
            if len(messages) >= _ROWS_AT_ONCE:  # a large mbox: memory stays flat
                _hand_over(result, messages, hops, writer)
    except (TruncatedInput, *CORRUPT) as exc:
        result.problem = f"{path}: {reason_of(exc)}; the messages before it were read"
    _hand_over(result, messages, hops, writer)
    if result.ingested is not None:  # set by _plan for every file (first range) it reads
        result.ingested.update(
            lines=result.lines, rows=result.events, ingested_at=datetime.now(UTC)
        )


def _hand_over(
    result: FileResult,
    messages: list[dict[str, Any]],
    hops: list[dict[str, Any]],
    writer: LakeWriter,
) -> None:
    result.lines += len(messages)
    result.events += len(hops)
    writer.add("messages", messages)  # copied into its buffer
    writer.add("received_hops", hops)
    messages.clear()
    hops.clear()


def _join(whole: FileResult, part: FileResult) -> None:
    """Add a later range's result to its file's result (the first range's)."""
    whole.add(part)
    if whole.ingested is not None:
        whole.ingested.update(lines=whole.lines, rows=whole.events)
