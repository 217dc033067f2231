"""Writing the lake: Arrow tables as hive-partitioned Parquet, atomically, with the schema
version in every file; and the small state files beside them (``_ingested``, ``_pending``).

Every part is named after its run (``r<time><hex>-…``). A run commits by writing its
``_ingested`` rows, which carry its ``run_id``; one ingest at a time holds the lake's lock, and
it first removes the parts of any run that never committed (a crash), so no row counts twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import LakeError
from pipeline.schema import (
    INGESTED,
    PARTITION_BY,
    SCHEMA_VERSION,
    SCHEMA_VERSION_KEY,
    TABLES,
    with_version,
)

DEFAULT_LAKE: Final = "mailtls-lake"
LAKE_ENV: Final = "MAILTLS_LAKE"


def default_lake() -> Path:
    """``$MAILTLS_LAKE`` when set, else ``./mailtls-lake``."""
    return Path(os.environ.get(LAKE_ENV) or DEFAULT_LAKE)


INGESTED_FILE = "_ingested.parquet"
PENDING_FILE = "_pending.json"
LOCK_FILE = ".lock"
FLUSH_ROWS = 50_000  # rows of one table buffered before they are written
BATCH_ROWS = 8_192  # rows of one table held as Python dicts before they become Arrow columns


def check_version(lake: Path) -> None:
    """Refuse a lake written by another schema version (one line, what and where)."""
    ingested = lake / INGESTED_FILE
    if not ingested.is_file():
        return
    metadata = pq.read_schema(ingested).metadata or {}
    found = metadata.get(SCHEMA_VERSION_KEY)
    if found is not None and int(found) != SCHEMA_VERSION:
        raise LakeError(
            f"{lake} holds schema version {int(found)}, this mailtls writes {SCHEMA_VERSION}: "
            "ingest into a new lake or upgrade mailtls"
        )


def _atomic_write(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    pq.write_table(table, temporary, compression="zstd")
    os.replace(temporary, path)


class LakeWriter:
    """Buffers rows per table and writes them, partitioned by day, in bounded batches.

    Rows wait as dicts only until ``BATCH_ROWS`` of them are there, then as Arrow columns
    (a tenth of the memory) until ``FLUSH_ROWS`` are, so a part still holds up to
    ``FLUSH_ROWS`` rows of one day, in the order they were added."""

    def __init__(self, lake: Path, run_id: str) -> None:
        self.lake = lake
        self.run_id = run_id
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
        if len(buffer) >= BATCH_ROWS:
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
            days.setdefault(day, []).append(pa.Table.from_pylist(day_rows, schema=schema))

    def _write(self, name: str, day: date, table: pa.Table) -> None:
        self._sequence += 1
        path = (
            self.lake
            / name
            / f"date={day.isoformat()}"
            / f"{self.run_id}-{self._sequence:05d}.parquet"
        )
        _atomic_write(table, path)
        self.files.append(path)


def load_row_conversion() -> None:
    """Load what a process needs to turn rows into Arrow: pyarrow imports pandas the first
    time it converts a Python list (it checks whether the list is a pandas object), ≈ 45 MB
    and 0.4 s CPU. Called before a process pool forks, its workers share one copy."""
    pa.array([], pa.string())


def read_ingested(lake: Path) -> list[dict[str, Any]]:
    path = lake / INGESTED_FILE
    if not path.is_file():
        return []
    return pq.read_table(path).to_pylist()  # type: ignore[no-any-return]


def write_ingested(lake: Path, rows: list[dict[str, Any]]) -> None:
    _atomic_write(pa.Table.from_pylist(rows, schema=with_version(INGESTED)), lake / INGESTED_FILE)


def new_run_id() -> str:
    """A run's id: sortable by time, no ``-`` (a part's run is the name up to the first one)."""
    return "r" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f") + secrets.token_hex(3)


@contextlib.contextmanager
def locked(lake: Path) -> Iterator[None]:
    """Hold the lake for one ingest; a second one at the same time is refused."""
    try:
        lake.mkdir(parents=True, exist_ok=True)
        handle = (lake / LOCK_FILE).open("w")
    except OSError as exc:
        raise LakeError(f"cannot use lake {lake}: {exc.strerror or exc}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise LakeError(f"lake {lake} is in use by another ingest") from None
        yield


def commit(
    lake: Path,
    run_id: str,
    ingested: list[dict[str, Any]],
    pending: dict[str, list[dict[str, Any]]],
) -> None:
    """Make the run's parts count: ``_ingested`` names the run; then its ``_pending`` takes over
    (staged under the run's name first, so :func:`recover` can finish a cut commit)."""
    staged = lake / f"_pending.{run_id}.json"
    _write_pending(staged, pending)
    write_ingested(lake, ingested)
    os.replace(staged, lake / PENDING_FILE)


def recover(lake: Path) -> list[Path]:
    """Remove what a run that never committed left (its parts and staged state), or finish
    the commit of one that did. Returns the files removed."""
    committed = {row["run_id"] for row in read_ingested(lake) if row.get("run_id")}
    removed: list[Path] = []
    for staged in lake.glob("_pending.r*.json"):
        if staged.name.split(".")[1] in committed:
            os.replace(staged, lake / PENDING_FILE)
        else:
            staged.unlink()
            removed.append(staged)
    for table in TABLES:
        for part in (lake / table).glob("date=*/r*.parquet"):
            if part.name.split("-", 1)[0] not in committed:
                part.unlink()
                removed.append(part)
        for temporary in (lake / table).glob("date=*/.r*.tmp"):  # cut mid-write
            temporary.unlink()
            removed.append(temporary)
    return removed


def read_pending(lake: Path) -> dict[str, list[dict[str, Any]]]:
    """Open Postfix sessions per rotated set, left by the last run for the next to finish."""
    path = lake / PENDING_FILE
    if not path.is_file():
        return {}
    data: dict[str, list[dict[str, Any]]] = json.loads(path.read_text(encoding="utf-8"))
    for states in data.values():
        for state in states:
            for key in ("started_at", "last_at"):
                if state.get(key):
                    state[key] = datetime.fromisoformat(state[key])
    return data


def _write_pending(path: Path, pending: dict[str, list[dict[str, Any]]]) -> None:
    def encode(value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime) else value

    data = {
        name: [{k: encode(v) for k, v in state.items()} for state in states]
        for name, states in pending.items()
        if states
    }
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(data), encoding="utf-8")
    os.replace(temporary, path)
