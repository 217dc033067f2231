"""Write the lake: hive-partitioned Parquet parts, each written atomically, in bounded batches.

A part is named ``<run-id>-<writer>-<n>.parquet``. A run commits by appending its rows to
``_ingested.parquet``; parts of a run that never committed (a crash) are removed by the next
run, so a re-run never doubles rows.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import LakeError
from pipeline.schema import (
    INGESTED,
    PENDING,
    SCHEMA_VERSION,
    SCHEMA_VERSION_KEY,
    TABLES,
    with_version,
)

INGESTED_FILE: Final = "_ingested.parquet"
PENDING_FILE: Final = "_pending.parquet"
LOCK_FILE: Final = ".lock"
BATCH_ROWS: Final = 50_000

TIME_COLUMNS: Final = {
    "sessions": "event_at",
    "received_hops": "received_at",
    "messages": "header_date_at",
}


def write_atomic(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` through a temporary name, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        pq.write_table(table, temporary)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise LakeError(f"cannot write {path}: {exc.strerror or exc}") from None


def check_version(path: Path) -> None:
    """Refuse a Parquet file written by another lake schema version."""
    try:
        metadata = pq.read_schema(path).metadata or {}
    except (OSError, pa.ArrowException) as exc:
        raise LakeError(f"cannot read {path}: {exc}") from None
    written = metadata.get(SCHEMA_VERSION_KEY)
    if written is not None and int(written) != SCHEMA_VERSION:
        raise LakeError(
            f"{path} is lake schema version {int(written)}, this mailtls writes version "
            f"{SCHEMA_VERSION}: use a new --lake directory"
        )


class PartWriter:
    """Rows of any table → Parquet parts under ``<lake>/<table>/date=YYYY-MM-DD/``.

    Rows are buffered per table and flushed every ``batch_rows`` rows, so memory stays flat
    however long the input.
    """

    def __init__(self, lake: Path, prefix: str, *, batch_rows: int = BATCH_ROWS) -> None:
        self.lake = lake
        self.prefix = prefix
        self.batch_rows = batch_rows
        self.buffers: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self._parts = 0
        self.fallback_day = datetime.now(UTC).date()

    def add(self, table: str, row: Mapping[str, Any]) -> None:
        buffer = self.buffers[table]
        buffer.append(row)
        self.counts[table] += 1
        if len(buffer) >= self.batch_rows:
            self.flush(table)

    def flush(self, table: str | None = None) -> None:
        for name in [table] if table else list(self.buffers):
            rows = self.buffers.pop(name, [])
            if rows:
                self._write(name, rows)

    def _write(self, table: str, rows: list[Mapping[str, Any]]) -> None:
        schema = with_version(TABLES[table])
        column = TIME_COLUMNS.get(table)
        by_day: dict[date, list[Mapping[str, Any]]] = defaultdict(list)
        for row in rows:
            when = row.get(column) if column else None
            by_day[when.date() if isinstance(when, datetime) else self.fallback_day].append(row)
        for day, day_rows in sorted(by_day.items()):
            self._parts += 1
            name = f"{self.prefix}-{self._parts}.parquet"
            path = self.lake / table / f"date={day.isoformat()}" / name
            write_atomic(pa.Table.from_pylist(day_rows, schema=schema), path)


class Lake:
    """A lake directory: its lock, its state files, and the clean-up of uncommitted runs."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle = (self.root / LOCK_FILE).open("w")
        except OSError as exc:
            raise LakeError(f"cannot use lake {self.root}: {exc.strerror or exc}") from None
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise LakeError(f"lake {self.root} is in use by another ingest") from None
            yield

    def check(self) -> None:
        """Refuse a lake of another schema version (its state file, then one part per table)."""
        for state in (self.root / INGESTED_FILE, self.root / PENDING_FILE):
            if state.is_file():
                check_version(state)
        for table in TABLES:
            first = next((self.root / table).glob("*/*.parquet"), None)
            if first is not None:
                check_version(first)

    def ingested(self) -> list[dict[str, Any]]:
        return _read_rows(self.root / INGESTED_FILE)

    def pending(self) -> list[dict[str, Any]]:
        return _read_rows(self.root / PENDING_FILE)

    def commit(
        self,
        run_id: str,
        ingested: Iterable[Mapping[str, Any]],
        pending: Iterable[Mapping[str, Any]],
    ) -> None:
        """Append this run's ``_ingested`` rows and replace ``_pending``: the run is done.

        The new pending state is written under the run's name first and takes its place only
        after ``_ingested`` commits the run (:meth:`recover` finishes a commit cut halfway).
        """
        staged = self.root / f"_pending.{run_id}.parquet"
        write_atomic(pa.Table.from_pylist(list(pending), schema=with_version(PENDING)), staged)
        rows = self.ingested() + list(ingested)
        write_atomic(
            pa.Table.from_pylist(rows, schema=with_version(INGESTED)), self.root / INGESTED_FILE
        )
        os.replace(staged, self.root / PENDING_FILE)

    def recover(self) -> list[Path]:
        """Undo what a crashed run left: its parts and its staged state (if it never committed),
        or finish its commit (if ``_ingested`` names it). Returns the files removed."""
        committed = {str(row["run_id"]) for row in self.ingested() if row.get("run_id")}
        removed: list[Path] = []
        for staged in self.root.glob("_pending.r*.parquet"):
            run = staged.name.split(".")[1]
            if run in committed:
                os.replace(staged, self.root / PENDING_FILE)
            else:
                staged.unlink()
                removed.append(staged)
        for table in TABLES:
            for part in (self.root / table).glob("*/*.parquet"):
                run = part.name.split("-", 1)[0]
                if run.startswith("r") and run not in committed:
                    part.unlink()
                    removed.append(part)
        return removed


def _read_rows(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise LakeError(f"cannot read {path}: {exc}") from None
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows
