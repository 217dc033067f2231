"""Writing the lake's parts: Arrow tables as hive-partitioned Parquet, atomically, with the
schema version in every file. What makes a run's parts count is :mod:`pipeline.lake.journal`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.lake.rows import check_rows
from pipeline.lake.schema import (
    PARTITION_BY,
    TABLES,
    with_version,
)

DEFAULT_LAKE: Final = "mailtls-lake"
LAKE_ENV: Final = "MAILTLS_LAKE"


def default_lake() -> Path:
    """``$MAILTLS_LAKE`` when set, else ``./mailtls-lake``."""
    return Path(os.environ.get(LAKE_ENV) or DEFAULT_LAKE)


COMPRESSION = "zstd"
FLUSH_ROWS = 50_000  # rows of one table buffered before they are written
BATCH_ROWS = 8_192  # rows of one table held as Python dicts before they become Arrow columns


def temporary_for(path: Path) -> Path:
    """Where ``path`` is written before ``os.replace`` puts it in place: hidden from the
    views' glob, and removed by :func:`recover` when a crash leaves it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")


def atomic_write(table: pa.Table, path: Path, *, durable: bool = False) -> None:
    """``table`` to ``path`` through a temporary; ``durable``: on disk when this returns (the
    commit's own file; parts are made durable all at once before it, :func:`sync_lake`)."""
    temporary = temporary_for(path)
    pq.write_table(table, temporary, compression=COMPRESSION)
    if durable:
        durable_replace(temporary, path)
    else:
        os.replace(temporary, path)


def durable_replace(temporary: Path, path: Path) -> None:
    """``os.replace`` with the file's content on disk before and its new name after."""
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """The folder's entries (names renamed in or out) on disk."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def sync_lake(lake: Path) -> None:
    """Everything written to the lake's file system on disk, once before a commit: a run's
    parts and their folders (``syncfs``; ``sync`` where there is none), so a power cut after
    the commit cannot leave a committed part torn. One call instead of one per part."""
    descriptor = os.open(lake, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if _syncfs(descriptor) != 0:
            os.sync()
    finally:
        os.close(descriptor)


def _syncfs(descriptor: int) -> int:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.syncfs(descriptor))
    except (OSError, AttributeError):
        return -1


class LakeWriter:
    """Buffers rows per table and writes them, partitioned by day, in bounded batches.

    Rows wait as dicts only until ``BATCH_ROWS`` of them are there, then as Arrow columns
    (a tenth of the memory) until ``FLUSH_ROWS`` are, so a part still holds up to
    ``FLUSH_ROWS`` rows of one day, in the order they were added. ``batch_rows=1`` converts
    every :meth:`add`: for a writer that lives for a whole run and gets few rows at a time."""

    def __init__(self, lake: Path, run_id: str, *, batch_rows: int | None = None) -> None:
        self.lake = lake
        self.run_id = run_id
        self.batch_rows = batch_rows or BATCH_ROWS
        self.buffers: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        self.batches: dict[str, dict[date, list[pa.Table]]] = {name: {} for name in TABLES}
        self.buffered: dict[str, int] = dict.fromkeys(TABLES, 0)
        self.written: dict[str, int] = dict.fromkeys(TABLES, 0)
        self._sequence = 0
        self.files: list[Path] = []

    def add(self, table: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        buffer = self.buffers[table]
        buffer.extend(rows)
        self.buffered[table] += len(rows)
        if len(buffer) >= self.batch_rows:
            self._convert(table)
        if self.buffered[table] >= FLUSH_ROWS:
            self.flush(table)

    def flush(self, table: str | None = None) -> None:
        wrote = False
        for name in [table] if table else list(self.buffers):
            self._convert(name)
            days, self.batches[name] = self.batches[name], {}
            for day, tables in sorted(days.items()):
                self._write(name, day, pa.concat_tables(tables))
                wrote = True
            self.written[name] += self.buffered[name]
            self.buffered[name] = 0
        if wrote:
            # freed columns go back to the system, not to the pool's cache of this process
            pa.default_memory_pool().release_unused()

    def _convert(self, name: str) -> None:
        """The rows buffered as dicts into Arrow tables, one per day (the partition)."""
        rows = self.buffers[name]
        if not rows:
            return
        check_rows(name, rows)  # from_pylist alone would write nulls for a missing column
        self.buffers[name] = []
        schema = with_version(TABLES[name])
        by_day: dict[date, list[dict[str, Any]]] = {}
        today = datetime.now(UTC).date()
        time_column = PARTITION_BY.get(name)
        for row in rows:
            moment = row.get(time_column) if time_column else None
            by_day.setdefault(moment.date() if moment else today, []).append(row)
        days = self.batches[name]
        for day, day_rows in by_day.items():
            try:
                table = pa.Table.from_pylist(day_rows, schema=schema)
            except UnicodeEncodeError:  # bytes that were not UTF-8 (surrogateescape) in a value
                table = pa.Table.from_pylist([_utf8_row(r) for r in day_rows], schema=schema)
            days.setdefault(day, []).append(table)

    def _write(self, name: str, day: date, table: pa.Table) -> None:
        self._sequence += 1
        path = (
            self.lake
            / name
            / f"date={day.isoformat()}"
            / f"{self.run_id}-{self._sequence:05d}.parquet"
        )
        atomic_write(table, path)
        self.files.append(path)


def _utf8_row(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with every text value valid UTF-8: a byte that was not (read with
    ``surrogateescape``, e.g. a user name a client sent in Latin-1) is kept as ``\\xff``."""
    return {k: _utf8(v) if isinstance(v, str) else v for k, v in row.items()}


def _utf8(text: str) -> str:
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def load_row_conversion() -> None:
    """Load what a process needs to turn rows into Arrow: pyarrow imports pandas the first
    time it converts a Python list (it checks whether the list is a pandas object), ≈ 45 MB
    and 0.4 s CPU. Called before a process pool forks, its workers share one copy."""
    pa.array([], pa.string())
