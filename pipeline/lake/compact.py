"""``mailtls compact``: rewrite each date partition of many small parts into one part sorted by
the table's time column (or a few, of at most :data:`PART_ROWS` rows each, so memory stays flat
however large a day is), under the lake's lock.

A compaction is a run, or several: the new parts of up to :data:`COMMIT_PARTITIONS`
partitions are written under a new run id, which no reader counts and a crash's recover
removes until the run commits; the commit (:func:`pipeline.lake.journal.commit_run`; the rows of
``_ingested`` stay as they are, so re-ingest still finds every file read) lists the run and
retires the parts it replaces in one atomic write, and the retired parts are removed after it
(by the next recover, if a crash comes first). A reader sees the old parts or the new ones,
never both and never neither (:func:`pipeline.lake.journal.visible_parts`).
Folders whose name starts with ``_`` (derived data) are never read or written here.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Final

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.errors import LakeError
from pipeline.lake.derived import refresh
from pipeline.lake.journal import (
    check_version,
    commit_run,
    locked,
    new_run_id,
    recover,
)
from pipeline.lake.schema import (
    PARTITION_BY,
    SCHEMA_VERSION_KEY,
    TABLES,
    UPGRADABLE_VERSIONS,
    with_version,
)
from pipeline.lake.writer import COMPRESSION, sync_folder, temporary_for

PART_ROWS: Final = 200_000  # rows of one compacted part: one sort holds them (≈ 420 MB peak RSS)
ROW_GROUP_ROWS: Final = 100_000  # two per full part: near DuckDB's own 122,880
READ_ROWS: Final = 65_536
TAG: Final = "compact"  # in a compacted part's name: <run>-compact-<n>.parquet
# partitions swapped by one commit: each commit rewrites `_ingested`, each waits for the disk
COMMIT_PARTITIONS: Final = 32

# one time range of a partition: [low, high), None for open; nulls go to the open-ended last one
TimeRange = tuple[pa.Scalar | None, pa.Scalar | None]


@dataclass(frozen=True, slots=True)
class Partition:
    table: str
    day: date
    folder: Path
    parts: tuple[Path, ...]

    @property
    def size(self) -> int:
        return sum(part.stat().st_size for part in self.parts)


@dataclass(slots=True)
class CompactSummary:
    partitions: int = 0
    files_before: int = 0
    files_after: int = 0
    bytes_before: int = 0
    bytes_after: int = 0
    seconds: float = 0.0
    skipped: list[str] = field(default_factory=list)
    session_dates: list[date] = field(default_factory=list)  # whose sessions parts changed


def compact(
    lake: Path,
    *,
    since: date | None = None,
    until: date | None = None,
    tables: tuple[str, ...] = tuple(TABLES),
    dry_run: bool = False,
    on_plan: Callable[[int], None] | None = None,
    progress: Callable[[Partition], None] | None = None,
) -> CompactSummary:
    """Compact every partition of ``tables`` between ``since`` and ``until`` (inclusive) that
    has more than one part; with ``dry_run`` only count what would be rewritten."""
    started = time.monotonic()
    if not lake.is_dir():
        raise LakeError(f"no lake at {lake}: run `mailtls ingest` first, or pass --lake DIR")
    summary = CompactSummary()
    if dry_run:
        for partition in plan(lake, since=since, until=until, tables=tables):
            if not _skipped(summary, partition):
                _count_before(summary, partition)
        summary.seconds = time.monotonic() - started
        return summary
    with locked(lake):
        check_version(lake)
        recover(lake)
        partitions = plan(lake, since=since, until=until, tables=tables)
        if on_plan:
            on_plan(len(partitions))
        run_id = new_run_id()
        replaced: list[Path] = []
        swapped = 0
        for partition in partitions:
            if not _skipped(summary, partition):
                _count_before(summary, partition)
                written = compact_partition(lake, run_id, partition)
                summary.files_after += len(written)
                summary.bytes_after += sum(path.stat().st_size for path in written)
                if partition.table == "sessions":
                    summary.session_dates.append(partition.day)
                replaced.extend(partition.parts)
                swapped += 1
                if swapped == COMMIT_PARTITIONS:
                    swap(lake, run_id, replaced)
                    run_id, replaced, swapped = new_run_id(), [], 0
            if progress:
                progress(partition)
        if swapped:
            swap(lake, run_id, replaced)
        # the summaries are keyed by the sessions part names, which compaction changed
        refresh(lake, summary.session_dates)
    summary.seconds = time.monotonic() - started
    return summary


def plan(
    lake: Path, *, since: date | None, until: date | None, tables: tuple[str, ...]
) -> list[Partition]:
    """The partitions to rewrite, table by table, oldest day first."""
    found = []
    for table in tables:
        for folder in sorted((lake / table).glob("date=*")):
            day = _day(folder)
            if day is None or (since and day < since) or (until and day > until):
                continue
            parts = tuple(sorted(folder.glob("*.parquet")))
            if not is_compact(parts):
                found.append(Partition(table, day, folder, parts))
    return found


def is_compact(parts: tuple[Path, ...]) -> bool:
    """One part, or only the parts of one compaction (a day too large for one part)."""
    runs = {part.name.split("-", 1)[0] for part in parts}
    return len(parts) <= 1 or (len(runs) == 1 and all(f"-{TAG}-" in p.name for p in parts))


def swap(lake: Path, run_id: str, replaced: list[Path]) -> None:
    """Commit the run's new parts in place of the ``replaced`` ones, then remove those."""
    commit_run(lake, run_id, replaced)
    for part in replaced:
        part.unlink(missing_ok=True)
    for folder in {part.parent for part in replaced}:
        sync_folder(folder)


def compact_partition(lake: Path, run_id: str, partition: Partition) -> list[Path]:
    """Write the partition's rows as new parts of the (not yet committed) run; returns them."""
    schema = with_version(TABLES[partition.table])
    time_column = PARTITION_BY.get(partition.table)
    written = []
    for number, rows in enumerate(_pieces(partition, time_column), 1):
        table = pa.Table.from_batches(rows, schema=schema)
        if time_column:
            table = table.sort_by([(time_column, "ascending")])  # stable: ties keep their order
        part = partition.folder / f"{run_id}-{TAG}-{number:05d}.parquet"
        temporary = temporary_for(part)
        pq.write_table(table, temporary, compression=COMPRESSION, row_group_size=ROW_GROUP_ROWS)
        os.replace(temporary, part)  # the run's, counted once committed (synced then)
        written.append(part)
    return written


def _pieces(partition: Partition, time_column: str | None) -> Iterator[list[pa.RecordBatch]]:
    """The partition's rows in pieces of about PART_ROWS: by time range when the table has a
    time column (each piece is then sorted on its own, and the pieces follow each other), else
    in part order."""
    plain = TABLES[partition.table]
    if time_column is None:
        piece: list[pa.RecordBatch] = []
        count = pieces = 0
        for batch in _batches(partition.parts, plain):
            piece.append(batch)
            count += batch.num_rows
            if count >= PART_ROWS:
                yield piece
                piece, count, pieces = [], 0, pieces + 1
        if piece or not pieces:
            yield piece
        return
    spans = {part: _time_span(part, time_column) for part in partition.parts}
    for low, high in _time_ranges(partition.parts, time_column):
        overlapping = tuple(part for part in partition.parts if _overlaps(spans[part], low, high))
        yield [
            chosen
            for batch in _batches(overlapping, plain)
            if (chosen := _within(batch, time_column, low, high)).num_rows
        ]


def _time_ranges(parts: tuple[Path, ...], time_column: str) -> list[TimeRange]:
    """Ranges of about PART_ROWS rows each, cut at the partition's own times."""
    total = sum(pq.read_metadata(part).num_rows for part in parts)
    if total <= PART_ROWS:
        return [(None, None)]
    times = pa.chunked_array(
        [pq.read_table(part, columns=[time_column]).column(0) for part in parts]
    ).drop_null()
    ordered = pc.sort_indices(times)
    cuts = sorted(
        {times[ordered[i].as_py()] for i in range(PART_ROWS, len(times), PART_ROWS)},
        key=lambda scalar: scalar.as_py(),
    )
    bounds: list[pa.Scalar | None] = [None, *cuts, None]
    return list(pairwise(bounds))


def _time_span(part: Path, column: str) -> tuple[int, int, bool] | None:
    """The part's first and last time (as stored: microseconds) and whether some row has none,
    from its footer; None when the footer does not say (then the part is read for every range)."""
    metadata = pq.read_metadata(part)
    index = metadata.schema.to_arrow_schema().get_field_index(column)
    lows, highs, has_null = [], [], False
    for group in range(metadata.num_row_groups):
        stats = metadata.row_group(group).column(index).statistics
        if stats is None or not stats.has_null_count:
            return None
        has_null = has_null or stats.null_count > 0
        if stats.has_min_max:
            lows.append(stats.min_raw)
            highs.append(stats.max_raw)
        elif stats.null_count != metadata.row_group(group).num_rows:
            return None
    return (min(lows, default=0), max(highs, default=0), has_null) if lows else (0, -1, has_null)


def _overlaps(
    span: tuple[int, int, bool] | None, low: pa.Scalar | None, high: pa.Scalar | None
) -> bool:
    """Whether a part with this time span may hold rows of the range [low, high)."""
    if span is None:
        return True
    first, last, has_null = span
    if high is None and has_null:
        return True
    above = low is None or last >= low.cast(pa.int64()).as_py()
    below = high is None or first < high.cast(pa.int64()).as_py()
    return first <= last and above and below


def _within(
    batch: pa.RecordBatch, column: str, low: pa.Scalar | None, high: pa.Scalar | None
) -> pa.RecordBatch:
    if low is None and high is None:
        return batch
    values = batch.column(column)
    if high is None:  # the last range: from low on, and the rows without a time
        return batch.filter(pc.or_kleene(pc.greater_equal(values, low), pc.is_null(values)))
    keep = pc.less(values, high)
    if low is not None:
        keep = pc.and_kleene(keep, pc.greater_equal(values, low))
    return batch.filter(keep)  # a null in `keep` drops the row


def _batches(parts: tuple[Path, ...], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    for part in parts:
        for batch in pq.ParquetFile(part).iter_batches(batch_size=READ_ROWS):
            yield pa.RecordBatch.from_arrays(batch.columns, schema=schema)


def _skipped(summary: CompactSummary, partition: Partition) -> bool:
    """Leave a partition with a part of other columns or of a schema version this one does not
    upgrade in place: rewriting it under this version's schema could change its content."""
    plain = TABLES[partition.table]
    for part in partition.parts:
        schema = pq.read_schema(part)
        version = (schema.metadata or {}).get(SCHEMA_VERSION_KEY)
        if not schema.remove_metadata().equals(plain) or not _upgradable(version):
            summary.skipped.append(
                f"{part}: not this version's {partition.table} schema; partition left as is"
            )
            return True
    return False


def _upgradable(version: bytes | None) -> bool:
    return version is not None and version.isdigit() and int(version) in UPGRADABLE_VERSIONS


def _count_before(summary: CompactSummary, partition: Partition) -> None:
    summary.partitions += 1
    summary.files_before += len(partition.parts)
    summary.bytes_before += partition.size


def _day(folder: Path) -> date | None:
    try:
        return date.fromisoformat(folder.name.removeprefix("date="))
    except ValueError:
        return None
