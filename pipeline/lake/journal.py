"""The lake's journal: which runs count, the lock, the commit and recovery after a crash,
and the small state files beside the parts (``_ingested``, ``_pending``).

Every part is named after its run (``r<time><hex>-…``). A run commits by writing
``_ingested``: its rows carry the ``run_id`` that read each file, and its metadata lists every
run whose parts count (``mailtls.runs``; a row names only the last run that read its file, and
``mailtls compact`` runs read none). One run at a time holds the lake's lock, and it first
removes the parts of any run that never committed (a crash), so no row counts twice; a
compaction cut after its swap was journalled is finished instead (:func:`recover`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import LakeError
from pipeline.lake.schema import (
    INGESTED,
    SCHEMA_VERSION,
    SCHEMA_VERSION_KEY,
    TABLES,
    UPGRADABLE_VERSIONS,
    with_version,
)
from pipeline.lake.writer import atomic_write, temporary_for

INGESTED_FILE = "_ingested.parquet"
PENDING_FILE = "_pending.json"
LOCK_FILE = ".lock"
RUNS_KEY = b"mailtls.runs"  # _ingested metadata: the runs whose parts count
SWAP_GLOB = "_compact.r*.json"  # a compaction's journalled swap (pipeline.compact)


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


def read_ingested(lake: Path) -> list[dict[str, Any]]:
    path = lake / INGESTED_FILE
    if not path.is_file():
        return []
    return pq.read_table(path).to_pylist()  # type: ignore[no-any-return]


def write_ingested(lake: Path, rows: list[dict[str, Any]], runs: set[str]) -> None:
    """The commit: ``rows`` and the committed ``runs`` (sorted, in the file's metadata)."""
    schema = with_version(INGESTED)
    metadata = {**(schema.metadata or {}), RUNS_KEY: json.dumps(sorted(runs)).encode()}
    table = pa.Table.from_pylist(rows, schema=schema.with_metadata(metadata))
    atomic_write(table, lake / INGESTED_FILE)


def committed_runs(lake: Path) -> set[str]:
    """The runs whose parts count: those the last commit listed, and those a row names. A lake
    committed before the list existed counts every run older than the newest row's too: a
    crash leaves only the newest run uncommitted (each run recovers before it writes)."""
    path = lake / INGESTED_FILE
    if not path.is_file():
        return set()
    named = {row["run_id"] for row in read_ingested(lake) if row.get("run_id")}
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


@contextlib.contextmanager
def locked(lake: Path) -> Iterator[None]:
    """Hold the lake for one ingest or compaction; a second one at the same time is refused."""
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
    write_ingested(lake, ingested, _still_counting(lake) | {run_id})
    os.replace(staged, lake / PENDING_FILE)


def commit_run(lake: Path, run_id: str) -> None:
    """Make a run that read no file count (a compaction): list it, rows unchanged."""
    write_ingested(lake, read_ingested(lake), _still_counting(lake) | {run_id})


def _still_counting(lake: Path) -> set[str]:
    """The committed runs that still have parts: the list stays as long as the lake's runs."""
    return committed_runs(lake) & part_runs(lake)


def recover(lake: Path) -> list[Path]:
    """Remove what a run that never committed left (its parts and staged state), or finish
    the commit of one that did. Returns the files removed."""
    removed = [*_finish_swaps(lake)]
    committed = committed_runs(lake)
    for staged in lake.glob("_pending.r*.json"):
        if staged.name.split(".")[1] in committed:
            os.replace(staged, lake / PENDING_FILE)
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


def journal_swap(lake: Path, run_id: str, moves: list[tuple[Path, Path]], old: list[Path]) -> Path:
    """The commit of a compaction step: once this is written, the written ``moves``
    (temporary → part) and the removal of the ``old`` parts happen, now or in :func:`recover`."""
    journal = lake / f"_compact.{run_id}.json"
    data = {
        "moves": [[str(t.relative_to(lake)), str(p.relative_to(lake))] for t, p in moves],
        "old": [str(p.relative_to(lake)) for p in old],
    }
    _write_json(journal, data)
    return journal


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
    _write_json(path, data)


def _write_json(path: Path, data: Any) -> None:
    temporary = temporary_for(path)
    temporary.write_text(json.dumps(data), encoding="utf-8")
    os.replace(temporary, path)
