"""What every page shares: the sidebar controls drawn by the entrypoint (so they keep their
values across pages), and the page context, which stops a page with a friendly message when
there is no lake, no data or a broken plan instead of a traceback."""

from __future__ import annotations

import secrets
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

import pandas as pd
import streamlit as st

from app import data
from app.settings import KEY_ENV, Settings, read_settings
from pipeline.query import MailtlsError
from pipeline.query.privacy import pseudonymise_column

WINDOWS: Final = {7: "7 days", 14: "14 days", 30: "30 days", 90: "90 days", 365: "1 year"}
WINDOW_KEY: Final = "window_days"
PSEUDONYMISE_KEY: Final = "pseudonymise"


@dataclass(frozen=True, slots=True)
class Context:
    lake: data.LakeRef
    window_days: int
    plan_path: str | None
    plan_mtime: float
    baseline: date | None
    pseudonym_key: bytes | None  # set only while names are to be pseudonymised
    overview: pd.Series  # the headline row of pipeline.query.queries.overview

    def names(self, frame: pd.DataFrame, column: str = "user_name") -> pd.DataFrame:
        """``frame`` with user names pseudonymised when the sidebar says so."""
        if self.pseudonym_key is None or frame.empty:
            return frame
        return pseudonymise_column(frame, column, self.pseudonym_key)


def settings() -> Settings:
    return read_settings(sys.argv[1:])


def sidebar() -> None:
    """The controls every page shares; drawn by the entrypoint before the page runs."""
    st.sidebar.selectbox(
        "Window",
        list(WINDOWS),
        index=2,
        format_func=WINDOWS.__getitem__,
        key=WINDOW_KEY,
        help="Levels are the worst seen in this many days, ending on the last day in the lake.",
    )
    st.sidebar.toggle(
        "Pseudonymise user names",
        key=PSEUDONYMISE_KEY,
        help=f"Shows a keyed HMAC of each name instead of the name. The key comes from "
        f"${KEY_ENV}; without it, a random key for this run.",
    )
    st.sidebar.caption(f"Lake: `{settings().lake}`")


def context() -> Context:
    """The page's context; stops the page with a message when there is nothing to show."""
    conf = settings()
    lake = data.lake_ref(conf.lake, conf.evidence)
    if not lake.layout:
        _stop_empty(conf.lake)
    plan_path = str(conf.plan) if conf.plan else None
    plan_mtime = conf.plan.stat().st_mtime if conf.plan and conf.plan.is_file() else 0.0
    window_days = int(st.session_state.get(WINDOW_KEY, 30))
    try:
        baseline = data.plan(plan_path, plan_mtime).baseline
    except MailtlsError as exc:
        st.error(f"The migration plan could not be read: {exc}")
        st.stop()
    try:
        headline = data.overview(lake, window_days, baseline).iloc[0]
    except MailtlsError as exc:
        st.error(f"The lake could not be read: {exc}")
        st.stop()
    key = None
    if st.session_state.get(PSEUDONYMISE_KEY, False):
        key = conf.pseudonym_key or _run_key()
    return Context(lake, window_days, plan_path, plan_mtime, baseline, key, headline)


@st.cache_resource(show_spinner=False)
def _run_key() -> bytes:
    return secrets.token_bytes(32)


def _stop_empty(lake: Path) -> None:
    st.title("No data yet")
    st.info(
        f"The lake `{lake}` holds no ingested logs yet. Ingest some, then reload this page:\n\n"
        f"```\nmailtls ingest /var/log/mail.log* --lake {lake}\n```\n\n"
        "To look at another lake: `mailtls dashboard --lake DIR`, or set `$MAILTLS_LAKE`."
    )
    st.stop()
