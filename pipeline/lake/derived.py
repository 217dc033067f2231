"""Derived summaries of the lake: caches that spare a report the scan of every session, never
a source of truth.

``<lake>/_derived/user_exposure/month=YYYY-MM/<digest>.parquet`` holds, per day of the month and
user, the latest L0 and L1 event among that day's log sessions: ``user_exposure`` of
pipeline/query/sql/marts/35_user_exposure.sql, the same SQL that ``user_posture`` runs on the days
without a usable summary. ``<digest>`` hashes the month, the names of its days'
``sessions/date=D`` parts it was computed from (parts are written once under a new name), the
``received_hops`` parts of those days and the day on either side (a Received field may give a
session its TLS version: marts/05_session_tls.sql) and the SQL that defines it. A summary is fresh iff its digest matches the parts present now, so a
part added after it, a rewritten partition, a changed definition, or a crash between an
ingest's commit and its :func:`refresh` only make it stale: those days are then computed from
their sessions, and the answer is the same. One file a month, not a day: a report opens every
summary (365 files cost 0.3 to 0.7 s of CPU over the 10M-session lake; 12 cost nothing).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import shutil
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Final

from pipeline.lake.schema import DERIVED

if TYPE_CHECKING:  # `mailtls ingest` imports this module; it needs DuckDB only to refresh
    import duckdb

DERIVED_DIR: Final = "_derived"
EXPOSURE: Final = "user_exposure"
LOGIN_USERS: Final = "login_users"  # per month: users with a login (same parts, same digest)
# what a summary's content follows from besides its parts: a change here makes every one stale
DEFINITION_SQL: Final = (
    "staging/stg_sessions.sql",
    "marts/05_session_tls.sql",
    "marts/10_session_levels.sql",
    "marts/25_cleartext_attempts.sql",
    "marts/30_login_evidence.sql",
    "marts/35_user_exposure.sql",
    "marts/80_outside_window.sql",
)
SQL_DIR: Final = Path(__file__).parent.parent / "query" / "sql"


def session_parts(lake: Path, table: str = "sessions") -> dict[date, list[str]]:
    """The names of the ``sessions`` (or ``table``) parts of each day that has any (what
    ``pipeline.lake.journal.PARTS_GLOB`` finds; read with ``scandir``: a report lists them three times)."""
    parts: dict[date, list[str]] = {}
    try:
        folders = list(os.scandir(lake / table))
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


def month_of(day: date) -> str:
    return day.isoformat()[:7]


def by_month(parts: dict[date, list[str]]) -> dict[str, dict[date, list[str]]]:
    months: dict[str, dict[date, list[str]]] = {}
    for day, names in parts.items():
        months.setdefault(month_of(day), {})[day] = names
    return months


def digest(
    month: str, days: dict[date, list[str]], hops: dict[date, list[str]] | None = None
) -> str:
    """The name (without ``.parquet``) of the summary of ``month`` computed from these parts
    (its days' part names) and the ``received_hops`` parts of its days and the day on either
    side (``hops``, by day: a Received field gives a session its TLS version, marts/05)."""
    hashed = hashlib.sha256(_definition())
    hashed.update(month.encode())
    for day in sorted(days):
        hashed.update(f"\n{day.isoformat()}:".encode())
        for name in sorted(days[day]):
            hashed.update(b"\n" + name.encode())
    near = sorted(day for day in hops or {} if month in _months_near(day))
    for day in near:
        hashed.update(f"\nhops {day.isoformat()}:".encode())
        for name in sorted((hops or {})[day]):
            hashed.update(b"\n" + name.encode())
    return hashed.hexdigest()[:24]


def _months_near(day: date) -> set[str]:
    """The months whose sessions a hop of ``day`` may join (five minutes either way)."""
    return {month_of(day - timedelta(days=1)), month_of(day), month_of(day + timedelta(days=1))}


def hop_parts(lake: Path) -> dict[date, list[str]]:
    return session_parts(lake, "received_hops")


def summary_path(lake: Path, month: str, month_digest: str, name: str = EXPOSURE) -> Path:
    return lake / DERIVED_DIR / name / f"month={month}" / f"{month_digest}.parquet"


def login_user_summaries(
    lake: Path, since: datetime, until: datetime
) -> tuple[list[Path], list[date]]:
    """(the fresh ``login_users`` summaries of the months wholly outside [since, until), the
    days of the other months that have sessions: read live, outside the window only)."""
    parts = session_parts(lake)
    hops = hop_parts(lake)
    first, last = since.date(), until.date()
    files: list[Path] = []
    live: list[date] = []
    for month, days in sorted(by_month(parts).items()):
        start = date.fromisoformat(month + "-01")
        end = (start + timedelta(days=32)).replace(day=1)  # the next month's first day
        path = summary_path(lake, month, digest(month, days, hops), LOGIN_USERS)
        if (end <= first or start > last) and path.is_file():
            files.append(path)
        else:
            live += sorted(days)
    return files, live


def usable_summaries(lake: Path, until: datetime) -> tuple[list[Path], list[date]]:
    """(the fresh summaries that hold days before ``until``'s UTC day, the days up to that
    day with sessions but no fresh summary). ``until``'s own day is always computed from its
    sessions (a summary holds its events at or after ``until`` too); a summary's rows of that
    day and later are not read (:func:`exposure`)."""
    last = until.date()
    parts = session_parts(lake)
    hops = hop_parts(lake)
    files: list[Path] = []
    live: list[date] = []
    for month, days in sorted(by_month(parts).items()):
        before = sorted(day for day in days if day < last)
        if not before:
            continue
        path = summary_path(lake, month, digest(month, days, hops))
        if path.is_file():
            files.append(path)
        else:
            live += before
    if last in parts:
        live.append(last)
    return files, live


def lake_of(con: duckdb.DuckDBPyConnection) -> Path:
    """The lake a connection of :func:`pipeline.query.db.connect` reads."""
    return Path(con.execute("SELECT lake_path()").fetchall()[0][0])


@contextlib.contextmanager
def exposure(con: duckdb.DuckDBPyConnection, until: datetime) -> Iterator[list[date] | None]:
    """Within the block, ``exposure_summaries`` on ``con`` reads the usable summaries' rows of
    the days before ``until``'s; yields the ``live_days`` argument of ``user_posture`` for
    ``until`` (None: every day)."""
    files, live = usable_summaries(lake_of(con), until)
    if not files:
        yield None
        return
    paths = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    columns = ", ".join(c for c in DERIVED[EXPOSURE].names if c != "day")
    con.execute(  # a temporary view: this connection's (cursor's) own, shadowing the empty one
        f"CREATE OR REPLACE TEMP VIEW exposure_summaries AS SELECT {columns} "
        f"FROM read_parquet([{paths}]) WHERE day < DATE '{until.date().isoformat()}'"
    )
    try:
        yield live
    finally:
        con.execute("DROP VIEW IF EXISTS temp.main.exposure_summaries")


@contextlib.contextmanager
def login_users(
    con: duckdb.DuckDBPyConnection, since: datetime, until: datetime
) -> Iterator[list[date] | None]:
    """Within the block, ``login_users_summaries`` on ``con`` reads the usable ``login_users``
    summaries (months wholly outside [since, until)); yields the ``live_days`` argument of
    ``outside_window`` (None: every day, when no summary is usable)."""
    files, live = login_user_summaries(lake_of(con), since, until)
    if not files:
        yield None
        return
    paths = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    con.execute(
        "CREATE OR REPLACE TEMP VIEW login_users_summaries AS SELECT user_key "
        f"FROM read_parquet([{paths}])"
    )
    try:
        yield live
    finally:
        con.execute("DROP VIEW IF EXISTS temp.main.login_users_summaries")


def refresh(lake: Path, days: Iterable[date] | None = None) -> list[str]:
    """Write the summaries of the months of ``days`` (default: every month) that are missing
    or stale, and remove those of months without sessions now. Call it holding the lake's
    lock, after a commit (``mailtls ingest``) or after rewriting a partition; returns the
    months written (``YYYY-MM``)."""
    months = by_month(session_parts(lake))
    hops = hop_parts(lake)
    root = lake / DERIVED_DIR / EXPOSURE
    wanted = set(months) if days is None else {month_of(day) for day in days}
    if days is None:
        for name in (EXPOSURE, LOGIN_USERS):
            if (lake / DERIVED_DIR / name).is_dir():
                wanted |= {f.name[6:] for f in (lake / DERIVED_DIR / name).glob("month=*")}
    todo: dict[str, str] = {}
    for month in wanted:
        if month not in months:
            shutil.rmtree(root / f"month={month}", ignore_errors=True)
            shutil.rmtree(lake / DERIVED_DIR / LOGIN_USERS / f"month={month}", ignore_errors=True)
            continue
        month_digest = digest(month, months[month], hops)
        path = summary_path(lake, month, month_digest)
        users = summary_path(lake, month, month_digest, LOGIN_USERS)
        if path.is_file() and users.is_file():
            _remove_others(path)
            _remove_others(users)
        else:
            todo[month] = path.stem
    if todo:
        _write(lake, {month: months[month] for month in todo}, todo)
    return sorted(todo)


def _write(lake: Path, months: dict[str, dict[date, list[str]]], todo: dict[str, str]) -> None:
    import pyarrow.compute as pc

    from pipeline.lake.schema import with_version
    from pipeline.lake.writer import atomic_write
    from pipeline.query.db import connect

    with connect(lake) as con:
        con.execute("SET enable_progress_bar = false")  # ingest reports its own progress
        table = con.sql(
            "SELECT * FROM user_exposure($days, CAST('infinity' AS TIMESTAMPTZ), per_day := true,"
            " with_received := false, with_refused := false) ORDER BY day, user_key",
            params={"days": sorted(day for days in months.values() for day in days)},
        ).to_arrow_table()
        users = con.sql(
            "SELECT * FROM login_users_by_month($days) ORDER BY month, user_key",
            params={"days": sorted(day for days in months.values() for day in days)},
        ).to_arrow_table()
    now = by_month(session_parts(lake))  # under the lock nothing moves; if it did: stale
    hops = hop_parts(lake)
    schema = with_version(DERIVED[EXPOSURE])
    users_schema = with_version(DERIVED[LOGIN_USERS])
    month_column = pc.utf8_slice_codeunits(pc.cast(table["day"], "string"), 0, 7)
    for month, month_digest in todo.items():
        if digest(month, now.get(month, {}), hops) != month_digest:
            continue
        rows = table.filter(pc.equal(month_column, month))
        path = summary_path(lake, month, month_digest)
        atomic_write(rows.select(schema.names).cast(schema), path)
        _remove_others(path, but_summaries=True)
        path = summary_path(lake, month, month_digest, LOGIN_USERS)
        month_users = users.filter(pc.equal(users["month"], month))
        atomic_write(month_users.select(users_schema.names).cast(users_schema), path)
        _remove_others(path, but_summaries=True)


def _remove_others(keep: Path, *, but_summaries: bool = False) -> None:
    """Every other file of the month: what a cut write left and, unless ``but_summaries``, the
    summaries it replaced. Those stay until the next refresh, so that a report which chose one
    a moment before this refresh can still read it."""
    for other in keep.parent.iterdir():
        if other == keep or not other.is_file():
            continue
        if not (but_summaries and other.suffix == ".parquet"):
            other.unlink(missing_ok=True)


@functools.cache
def _definition() -> bytes:
    hashed = hashlib.sha256(str(DERIVED[EXPOSURE]).encode() + str(DERIVED[LOGIN_USERS]).encode())
    for name in DEFINITION_SQL:  # comments aside: rewording one keeps every summary fresh
        lines = (SQL_DIR / name).read_text(encoding="utf-8").splitlines()
        hashed.update("\n".join(ln for ln in lines if not ln.lstrip().startswith("--")).encode())
    return hashed.digest()
