"""The dashboard's cached access to ``pipeline.query.queries``: one DuckDB connection per lake
(``st.cache_resource``), query results for a few minutes (``st.cache_data``).

A lake is keyed by its path *and its layout* (which tables hold files), because
``pipeline.query.db.connect`` only reads the tables that had Parquet files when it ran: once an empty
lake gets its first ingest, the layout changes and a fresh connection sees the new tables.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Final, NamedTuple

import duckdb
import pandas as pd
import streamlit as st

from pipeline.query import EMPTY_PLAN, TABLES, EvidenceRule, Plan, db, load_plan, queries

TTL: Final = timedelta(minutes=5)
DEFAULT_EVIDENCE: Final = EvidenceRule()


class LakeRef(NamedTuple):
    path: str
    layout: tuple[str, ...]
    evidence: EvidenceRule = DEFAULT_EVIDENCE


def lake_ref(lake: Path, evidence: EvidenceRule | None = None) -> LakeRef:
    """The lake, the tables in it that hold at least one file, and the site's evidence rule."""
    present = [t for t in TABLES if next((lake / t).glob("**/*.parquet"), None) is not None]
    if (lake / db.INGESTED_FILE).is_file():
        present.append(db.INGESTED_FILE)
    return LakeRef(str(lake), tuple(present), evidence or EvidenceRule())


@st.cache_resource(show_spinner=False, max_entries=8)
def _connection(lake: LakeRef) -> duckdb.DuckDBPyConnection:
    return db.connect(lake.path, evidence=lake.evidence)


def _cursor(lake: LakeRef) -> duckdb.DuckDBPyConnection:
    # a cursor per query: Streamlit serves each browser session from its own thread
    return _connection(lake).cursor()


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=64)
def overview(lake: LakeRef, window_days: int, baseline: date | None) -> pd.DataFrame:
    return queries.overview(_cursor(lake), window_days=window_days, baseline=baseline)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=64)
def level_counts(
    lake: LakeRef, window_days: int, baseline: date | None, *, windows_back: int = 0
) -> pd.DataFrame:
    """Users per level in the window ending on the lake's last day, or ``windows_back`` whole
    windows before it (for the deltas)."""
    con = _cursor(lake)
    current = queries.window(con, window_days=window_days)
    shift = timedelta(days=window_days * windows_back)
    return queries.level_counts(
        con, since=current.since - shift, until=current.until - shift, baseline=baseline
    )


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=64)
def user_posture(lake: LakeRef, window_days: int, baseline: date | None) -> pd.DataFrame:
    return queries.user_posture(_cursor(lake), window_days=window_days, baseline=baseline)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=64)
def daily_trend(lake: LakeRef, window_days: int) -> pd.DataFrame:
    return queries.daily_trend(_cursor(lake), window_days=window_days)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=64)
def unverified_attempts(lake: LakeRef, window_days: int) -> pd.DataFrame:
    return queries.cleartext_attempts(_cursor(lake), window_days=window_days)[
        list(queries.ATTEMPT_COLUMNS)
    ]


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=64)
def rejects_summary(lake: LakeRef, window_days: int) -> pd.DataFrame:
    return queries.rejects_summary(_cursor(lake), window_days=window_days)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=64)
def coverage_advice(lake: LakeRef, window_days: int) -> pd.DataFrame:
    return queries.coverage_advice(_cursor(lake), window_days=window_days)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=16)
def plan_status(lake: LakeRef, plan_path: str | None, plan_mtime: float) -> pd.DataFrame:
    return queries.plan_status(_cursor(lake), plan(plan_path, plan_mtime))


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=8)
def plan(plan_path: str | None, plan_mtime: float) -> Plan:
    """The plan at ``plan_path`` (read again when its mtime changes), or the empty plan."""
    return EMPTY_PLAN if plan_path is None else load_plan(Path(plan_path))


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=16)
def weekly_history(lake: LakeRef, weeks: int | None) -> pd.DataFrame:
    """The weekly trend from the lake's first day (or its last ``weeks`` weeks) to its last."""
    con = _cursor(lake)
    span = queries.history_window(con, weeks=weeks)
    return queries.weekly_trend(con, since=span.since, until=span.until)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=64)
def key_changes(lake: LakeRef, window_days: int, baseline: date | None) -> pd.DataFrame:
    return queries.key_changes(_cursor(lake), window_days=window_days, baseline=baseline)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=16)
def plan_timeline(lake: LakeRef, plan_path: str | None, plan_mtime: float) -> pd.DataFrame:
    return queries.plan_timeline(_cursor(lake), plan(plan_path, plan_mtime))


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=64)
def user_sessions(lake: LakeRef, user: str, window_days: int) -> pd.DataFrame:
    return queries.user_sessions(_cursor(lake), user, window_days=window_days)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=64)
def user_devices(lake: LakeRef, user: str, window_days: int) -> pd.DataFrame:
    sessions = user_sessions(lake, user, window_days)
    return queries.user_devices(_cursor(lake), user, sessions=sessions)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=64)
def user_weekly(lake: LakeRef, user: str, window_days: int) -> pd.DataFrame:
    sessions = user_sessions(lake, user, window_days)
    return queries.user_weekly(_cursor(lake), user, sessions=sessions)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=64)
def user_services(lake: LakeRef, user: str, window_days: int) -> pd.DataFrame:
    sessions = user_sessions(lake, user, window_days)
    return queries.user_services(_cursor(lake), user, sessions=sessions)
