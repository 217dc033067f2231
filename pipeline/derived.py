"""Derived per-day summaries of the lake: caches that spare a report the scan of every session,
never a source of truth.

``<lake>/_derived/user_exposure/date=D/<digest>.parquet`` holds, per user, the latest L0 and L1
event among day D's log sessions: ``user_exposure`` of pipeline/sql/marts/35_user_exposure.sql,
the same SQL that ``user_posture`` runs on the days without a usable summary. ``<digest>`` hashes
D, the names of the ``sessions/date=D`` parts it was computed from (parts are written once under
a new name) and the SQL that defines it. A summary is fresh iff its digest matches the parts
present now, so a part added after it, a rewritten partition, a changed definition, or a crash
between an ingest's commit and its :func:`refresh` only make it stale: the day is then computed
from its sessions, and the answer is the same.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import shutil
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from pipeline.schema import DERIVED

if TYPE_CHECKING:  # `mailtls ingest` imports this module; it needs DuckDB only to refresh
    import duckdb

DERIVED_DIR: Final = "_derived"
EXPOSURE: Final = "user_exposure"
# what a summary's content follows from besides its parts: a change here makes every one stale
DEFINITION_SQL: Final = (
    "staging/stg_sessions.sql",
    "marts/10_session_levels.sql",
    "marts/30_login_evidence.sql",
    "marts/35_user_exposure.sql",
)
SQL_DIR: Final = Path(__file__).with_name("sql")


def session_parts(lake: Path) -> dict[date, list[str]]:
    """The names of the ``sessions`` parts of each day that has any (what
    ``pipeline.db.PARTS_GLOB`` finds; read with ``scandir``: a report lists them three times)."""
    parts: dict[date, list[str]] = {}
    try:
        folders = list(os.scandir(lake / "sessions"))
    except FileNotFoundError:
        return parts
    for folder in folders:
        if not folder.name.startswith("date=") or not folder.is_dir():
            continue
        names = [f.name for f in os.scandir(folder.path) if _is_part(f.name)]
        if names:
            parts[date.fromisoformat(folder.name[5:])] = names
    return parts


def _is_part(name: str) -> bool:
    return name.endswith(".parquet") and not name.startswith(".")  # as a glob sees it


def digest(day: date, part_names: Iterable[str]) -> str:
    """The name (without ``.parquet``) of the summary of ``day`` computed from these parts."""
    hashed = hashlib.sha256(_definition())
    hashed.update(day.isoformat().encode())
    for name in sorted(part_names):
        hashed.update(b"\n" + name.encode())
    return hashed.hexdigest()[:24]


def summary_path(lake: Path, day: date, day_digest: str) -> Path:
    return lake / DERIVED_DIR / EXPOSURE / f"date={day.isoformat()}" / f"{day_digest}.parquet"


def usable_summaries(lake: Path, until: datetime) -> tuple[list[Path], list[date]]:
    """(the fresh summaries of the days before ``until``'s UTC day, the days up to that day
    with sessions but no fresh summary). ``until``'s own day is always computed: its
    summary would hold events at or after ``until``."""
    last = until.date()
    files: list[Path] = []
    live: list[date] = []
    for day, names in sorted(session_parts(lake).items()):
        if day > last:
            continue
        path = summary_path(lake, day, digest(day, names))
        if day < last and path.is_file():
            files.append(path)
        else:
            live.append(day)
    return files, live


def lake_of(con: duckdb.DuckDBPyConnection) -> Path:
    """The lake a connection of :func:`pipeline.db.connect` reads."""
    return Path(con.execute("SELECT lake_path()").fetchall()[0][0])


@contextlib.contextmanager
def exposure(con: duckdb.DuckDBPyConnection, until: datetime) -> Iterator[list[date] | None]:
    """Within the block, ``exposure_summaries`` on ``con`` reads the usable summaries; yields
    the ``live_days`` argument of ``user_posture`` for ``until`` (None: every day)."""
    files, live = usable_summaries(lake_of(con), until)
    if not files:
        yield None
        return
    paths = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    columns = ", ".join(DERIVED[EXPOSURE].names)
    con.execute(  # a temporary view: this connection's (cursor's) own, shadowing the empty one
        f"CREATE OR REPLACE TEMP VIEW exposure_summaries AS "
        f"SELECT {columns} FROM read_parquet([{paths}])"
    )
    try:
        yield live
    finally:
        con.execute("DROP VIEW IF EXISTS temp.main.exposure_summaries")


def refresh(lake: Path, days: Iterable[date] | None = None) -> list[date]:
    """Write the summaries of ``days`` (default: every day) that are missing or stale, and
    remove those of parts no longer there. Call it holding the lake's lock, after a commit
    (``mailtls ingest``) or after rewriting a partition; returns the days written."""
    parts = session_parts(lake)
    root = lake / DERIVED_DIR / EXPOSURE
    wanted = set(parts) if days is None else set(days)
    if days is None and root.is_dir():
        wanted |= {date.fromisoformat(f.name[5:]) for f in root.glob("date=*")}
    todo: dict[date, str] = {}
    for day in wanted:
        if day not in parts:
            shutil.rmtree(root / f"date={day.isoformat()}", ignore_errors=True)
            continue
        path = summary_path(lake, day, digest(day, parts[day]))
        if path.is_file():
            _remove_others(path)
        else:
            todo[day] = path.stem
    if todo:
        _write(lake, todo)
    return sorted(todo)


def _write(lake: Path, todo: dict[date, str]) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    from pipeline.db import connect
    from pipeline.lake import _atomic_write
    from pipeline.schema import with_version

    with connect(lake) as con:
        con.execute("SET enable_progress_bar = false")  # ingest reports its own progress
        table = con.sql(
            "SELECT * FROM user_exposure($days, CAST('infinity' AS TIMESTAMPTZ), per_day := true,"
            " with_received := false) ORDER BY day, user_key",
            params={"days": sorted(todo)},
        ).to_arrow_table()
    now = session_parts(lake)  # under the lock nothing moves; if it did, leave the day stale
    schema = with_version(DERIVED[EXPOSURE])
    for day, day_digest in todo.items():
        if digest(day, now.get(day, ())) != day_digest:
            continue
        rows = table.filter(pc.equal(table["day"], pa.scalar(day, pa.date32())))
        path = summary_path(lake, day, day_digest)
        _atomic_write(rows.select(schema.names).cast(schema), path)
        _remove_others(path)


def _remove_others(keep: Path) -> None:
    for other in keep.parent.glob("*.parquet"):
        if other != keep:
            other.unlink(missing_ok=True)


@functools.cache
def _definition() -> bytes:
    hashed = hashlib.sha256(str(DERIVED[EXPOSURE]).encode())
    for name in DEFINITION_SQL:
        hashed.update((SQL_DIR / name).read_bytes())
    return hashed.digest()
