"""The lake's journal: which runs count, the lock, the commit and recovery after a crash,
and the small state files beside the parts (``_ingested``, ``_pending``).

Every part is named after its run (``r<time><hex>-…``). A run commits by writing
``_ingested``: its rows carry the ``run_id`` that read each file, and its metadata lists every
run whose parts count (``mailtls.runs``; a row names only the last run that read its file, and
``mailtls compact`` runs read none) and the parts a compaction replaced (``mailtls.retired``),
which count no more and are removed after the commit. One run at a time holds the lake's lock,
and it first removes the parts of any run that never committed (a crash), so no row counts
twice, and any retired part a crash left (:func:`recover`).

Readers take their parts from the same commit (:func:`visible_parts`): those of listed runs,
not retired, found while ``_ingested`` stayed the same file. So a reader sees the lake as one
commit left it, never a run half written or a compaction half swapped; a part removed while
its query runs is the one thing it can meet, and it then takes the parts afresh.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import LakeError
from pipeline.lake.pending import (
    LEGACY_PENDING_FILE,
    PENDING_FILE,
    STAGED_GLOB,
    Pending,
    staged_for,
    write_pending,
)
from pipeline.lake.pending import read_pending as read_pending
from pipeline.lake.schema import (
    INGESTED,
    SCHEMA_VERSION,
    SCHEMA_VERSION_KEY,
    TABLES,
    UPGRADABLE_VERSIONS,
    with_version,
)
from pipeline.lake.writer import (
    atomic_write,
    durable_replace,
    sync_folder,
    sync_lake,
    temporary_for,
)

INGESTED_FILE = "_ingested.parquet"
LOCK_FILE = ".lock"
RUNS_KEY = b"mailtls.runs"  # _ingested metadata: the runs whose parts count
RETIRED_KEY = b"mailtls.retired"  # _ingested metadata: parts replaced, removed after the commit
PARTS_GLOB = "date=*/*.parquet"  # a table's parts, below <lake>/<table>/
SNAPSHOT_ATTEMPTS = 20
SWAP_GLOB = "_compact.r*.json"  # a swap journalled by an older compaction, finished by recover


def check_version(lake: Path) -> None:
    """Refuse a lake written by another schema version (one line, what and where)."""
    ingested = lake / INGESTED_FILE
    if not ingested.is_file():
        return
    metadata = pq.read_schema(ingested).metadata or {}
    found = metadata.get(SCHEMA_VERSION_KEY)
    if found is not None and int(found) not in UPGRADABLE_VERSIONS:
        advice = "upgrade mailtls" if int(found) > SCHEMA_VERSION else "ingest into a new lake"
        raise LakeError(
            f"{lake} holds schema version {int(found)}, this mailtls writes {SCHEMA_VERSION}: "
            + advice
        )


def read_files_read(lake: Path) -> dict[str, tuple[int, int, int, bool]]:
    """Per path, what the last read of it saw: (size, mtime in µs, bytes read, whether it
    stopped early). Read by column, not as rows: the unchanged-file check of a run over
    100,000 files costs no row objects."""
    path = lake / INGESTED_FILE
    if not path.is_file():
        return {}
    names = [field.name for field in pq.read_schema(path)]
    columns = ["path", "size", "mtime", "bytes_read", *(["stopped"] if "stopped" in names else [])]
    table = pq.ParquetFile(path).read(columns=columns)
    stopped = (
        table.column("stopped").is_valid().to_pylist()
        if "stopped" in names
        else [False] * table.num_rows
    )
    return dict(
        zip(
            table.column("path").to_pylist(),
            zip(
                table.column("size").to_pylist(),
                table.column("mtime").cast(pa.int64()).to_pylist(),
                table.column("bytes_read").to_pylist(),
                stopped,
                strict=True,
            ),
            strict=True,
        )
    )


def read_fingerprints(lake: Path) -> set[str]:
    """The content fingerprints of every file read (pipeline.ingest.sources.fingerprint)."""
    path = lake / INGESTED_FILE
    if not path.is_file():
        return set()
    column = pq.ParquetFile(path).read(columns=["fingerprint"]).column(0)
    return {value for value in column.to_pylist() if value}


def read_ingested(lake: Path) -> list[dict[str, Any]]:
    path = lake / INGESTED_FILE
    if not path.is_file():
        return []
    return pq.read_table(path).to_pylist()  # type: ignore[no-any-return]


def write_ingested(
    lake: Path, rows: list[dict[str, Any]], runs: set[str], retired: set[str] | None = None
) -> None:
    """The commit: ``rows``, the committed ``runs`` and the ``retired`` parts (paths relative
    to the lake; default: those of the last commit still on disk), sorted, in its metadata."""
    if retired is None:
        retired = _still_retired(lake)
    schema = with_version(INGESTED)
    metadata = {
        **(schema.metadata or {}),
        RUNS_KEY: json.dumps(sorted(runs)).encode(),
        RETIRED_KEY: json.dumps(sorted(retired)).encode(),
    }
    table = pa.Table.from_pylist(rows, schema=schema.with_metadata(metadata))
    sync_lake(lake)  # the parts this commit makes count, on disk before it
    atomic_write(table, lake / INGESTED_FILE, durable=True)


def _metadata(lake: Path) -> dict[bytes, bytes]:
    path = lake / INGESTED_FILE
    return (pq.read_schema(path).metadata or {}) if path.is_file() else {}


def retired_parts(lake: Path) -> set[str]:
    """The parts the last commit retired (relative to the lake)."""
    listed = _metadata(lake).get(RETIRED_KEY)
    return set(json.loads(listed)) if listed else set()


def _still_retired(lake: Path) -> set[str]:
    return {name for name in retired_parts(lake) if (lake / name).exists()}


def visible_parts(lake: Path) -> dict[str, list[Path]]:
    """Per table, the parts a reader of the lake counts, as of one commit: the parts of its
    committed runs, without those it retired (a part not named after a run counts as well).
    The folders are listed between two looks at ``_ingested``; if a commit came in between,
    again, so the list and the commit match."""
    for _ in range(SNAPSHOT_ATTEMPTS):
        before = _identity(lake / INGESTED_FILE)
        found = {table: sorted((lake / table).glob(PARTS_GLOB), key=str) for table in TABLES}
        metadata = _metadata(lake)
        if _identity(lake / INGESTED_FILE) == before:
            break
    listed = metadata.get(RUNS_KEY)
    runs = set(json.loads(listed)) if listed is not None else committed_runs(lake)
    retired = {lake / name for name in json.loads(metadata.get(RETIRED_KEY) or b"[]")}
    return {
        table: [part for part in parts if _counts(part, runs) and part not in retired]
        for table, parts in found.items()
    }


def _counts(part: Path, runs: set[str]) -> bool:
    if not part.name.startswith("r") or "-" not in part.name:
        return True  # not written by a run (a hand-made lake): not the journal's to judge
    return part.name.split("-", 1)[0] in runs


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def committed_runs(lake: Path) -> set[str]:
    """The runs whose parts count: those the last commit listed, and those a row names. A lake
    committed before the list existed counts every run older than the newest row's too: a
    crash leaves only the newest run uncommitted (each run recovers before it writes)."""
    path = lake / INGESTED_FILE
    if not path.is_file():
        return set()
    # by ParquetFile, not read_table: that imports pyarrow.dataset and pandas (≈ 1 s)
    column = pq.ParquetFile(path).read(columns=["run_id"]).column(0).unique().to_pylist()
    named = {run for run in column if run}
    listed = (pq.read_schema(path).metadata or {}).get(RUNS_KEY)
    if listed is not None:
        return named | set(json.loads(listed))
    newest = max(named, default="")
    return named | {run for run in part_runs(lake) if run < newest}


def part_runs(lake: Path) -> set[str]:
    """The runs that have parts in the lake (a part's run is its name up to the first ``-``)."""
    return {part.name.split("-", 1)[0] for part in _parts(lake)}


def _parts(lake: Path) -> Iterator[Path]:
    for table in TABLES:
        yield from (lake / table).glob("date=*/r*.parquet")


def new_run_id() -> str:
    """A run's id: sortable by time, no ``-`` (a part's run is the name up to the first one)."""
    return "r" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f") + secrets.token_hex(3)


_held_locks: set[int] = set()  # descriptors of the locks this process holds


@contextlib.contextmanager
def locked(lake: Path) -> Iterator[None]:
    """Hold the lake for one ingest or compaction; a second one at the same time is refused.
    The lock is the kernel's (``flock``): it ends with the process that holds it, however
    that process ends, so a lock left by a killed run is simply free."""
    try:
        lake.mkdir(parents=True, exist_ok=True)
        handle = (lake / LOCK_FILE).open("w")
    except OSError as exc:
        raise LakeError(f"cannot use lake {lake}: {exc.strerror or exc}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise LakeError(f"lake {lake} is in use by another ingest or compact") from None
        _held_locks.add(handle.fileno())
        try:
            yield
        finally:
            _held_locks.discard(handle.fileno())


def close_inherited_locks() -> None:
    """In a forked child: close the lock descriptors it inherited. The lock stays the
    parent's (it belongs to the open file, which the parent still has) but no longer outlives
    the parent in a child."""
    for descriptor in list(_held_locks):
        with contextlib.suppress(OSError):
            os.close(descriptor)
    _held_locks.clear()


def commit(
    lake: Path,
    run_id: str,
    ingested: list[dict[str, Any]],
    pending: Pending,
) -> None:
    """Make the run's parts count: ``_ingested`` names the run; then its ``_pending`` takes over
    (staged under the run's name first, so :func:`recover` can finish a cut commit)."""
    staged = staged_for(lake, run_id)
    write_pending(staged, pending)
    write_ingested(lake, ingested, _still_counting(lake) | {run_id})
    _take_over(staged, lake)


def commit_run(lake: Path, run_id: str, replaced: Iterable[Path] = ()) -> None:
    """Make a run that read no file count (a compaction): list it, rows unchanged, and retire
    the parts its parts replace (the caller removes them once this returns)."""
    retired = _still_retired(lake) | {str(p.relative_to(lake)) for p in replaced}
    write_ingested(lake, read_ingested(lake), _still_counting(lake) | {run_id}, retired)


def _still_counting(lake: Path) -> set[str]:
    """The committed runs that still have parts: the list stays as long as the lake's runs."""
    return committed_runs(lake) & part_runs(lake)


def _take_over(staged: Path, lake: Path) -> None:
    """A committed run's open sessions become the lake's (and a legacy file goes)."""
    os.replace(staged, lake / PENDING_FILE)
    (lake / LEGACY_PENDING_FILE).unlink(missing_ok=True)
    sync_folder(lake)


def recover(lake: Path) -> list[Path]:
    """Remove what a run that never committed left (its parts and staged state), or finish
    the commit of one that did. Returns the files removed."""
    removed = [*_finish_swaps(lake)]
    for name in retired_parts(lake):  # retired by a commit, left by a crash before removal
        if (lake / name).exists():
            (lake / name).unlink()
            removed.append(lake / name)
    committed = committed_runs(lake)
    for staged in lake.glob(STAGED_GLOB):
        if staged.name.split(".")[1] in committed:
            _take_over(staged, lake)
        else:
            staged.unlink()
            removed.append(staged)
    for part in list(_parts(lake)):
        if part.name.split("-", 1)[0] not in committed:
            part.unlink()
            removed.append(part)
    for table in TABLES:
        for temporary in (lake / table).glob("date=*/.r*.tmp"):  # cut mid-write
            temporary.unlink()
            removed.append(temporary)
    return removed


def finish_swap(lake: Path, journal: Path) -> list[Path]:
    """Carry out a journalled swap (what is already done is skipped); returns the removed parts."""
    data = json.loads(journal.read_text(encoding="utf-8"))
    for temporary, part in data["moves"]:
        if (lake / temporary).is_file():
            os.replace(lake / temporary, lake / part)
    removed = []
    for name in data["old"]:
        (lake / name).unlink(missing_ok=True)
        removed.append(lake / name)
    journal.unlink()
    return removed


def _finish_swaps(lake: Path) -> Iterator[Path]:
    for journal in sorted(lake.glob(SWAP_GLOB)):
        yield from finish_swap(lake, journal)


def _write_json(path: Path, data: Any) -> None:
    temporary = temporary_for(path)
    temporary.write_text(json.dumps(data), encoding="utf-8")
    durable_replace(temporary, path)
