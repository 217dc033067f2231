"""How the migration plan's status reads on screen (pure pandas, no Streamlit)."""

from __future__ import annotations

from typing import Final, NamedTuple

import pandas as pd
from pandas.io.formats.style import Styler

# status → Streamlit colour name (markdown ``:green[…]``) and CSS colour (tables)
COLOURS: Final = {
    "met": ("green", "#1b7f3b"),
    "not met": ("red", "#c62828"),
    "not measurable": ("gray", "#6b6b6b"),
    # a phase's state on the timeline (queries.plan_timeline)
    "ahead": ("blue", "#2e86c1"),
    "late": ("red", "#c62828"),
    "upcoming": ("gray", "#6b6b6b"),
    "done, not met": ("orange", "#e67e22"),
}


def status_label(status: str) -> str:
    """``status`` coloured for a Streamlit markdown label."""
    return f":{COLOURS[status][0]}[{status}]"


def coloured(frame: pd.DataFrame, *columns: str) -> Styler:
    """``frame`` with its status or state ``columns`` drawn in their colour, in bold."""
    return frame.style.map(
        lambda status: (
            f"color: {COLOURS[status][1]}; font-weight: 600" if status in COLOURS else ""
        ),
        subset=list(columns),
    )


class CurrentPhase(NamedTuple):
    phase: str
    detail: str | None
    is_late: bool


def current_phase(status: pd.DataFrame) -> CurrentPhase:
    """The first phase without an actual date: its id, then its name and due date."""
    if status.empty:
        return CurrentPhase("–", "no plan: start with --plan FILE", False)
    phases = status.drop_duplicates("phase")
    open_phases = phases[phases["actual"].isna()]
    if open_phases.empty:
        return CurrentPhase("done", "every phase has an actual date", False)
    row = open_phases.iloc[0]
    due = (
        ""
        if pd.isna(row["planned"])
        else f", {'late, ' if row['is_late'] else ''}due {row['planned']}"
    )
    return CurrentPhase(row["phase"], f"{row['name']}{due}", bool(row["is_late"]))


# the phase table's columns with a timeline: the state beside the name
PHASE_COLUMNS: Final = (
    "phase",
    "name",
    "state",
    "planned",
    "actual",
    "first_planned",
    "slip_days",
    "days_late",
    "criteria_met",
    "phase_status",
    "is_late",
    "date_changes",
)


def phase_table(status: pd.DataFrame, timeline: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per phase, in the plan's order: dates, date changes and status; with
    ``timeline`` (queries.plan_timeline) also its state, first planned date, slip and delay."""
    phases = status.drop_duplicates("phase")[
        ["phase", "name", "planned", "actual", "is_late", "date_changes", "phase_status"]
    ]
    if timeline is not None:
        extra = ["state", "first_planned", "slip_days", "days_late", "criteria_met"]
        phases = phases.merge(timeline[["phase", *extra]], on="phase", how="left")
        phases = phases[list(PHASE_COLUMNS)]
    return phases.reset_index(drop=True)


def state_counts(timeline: pd.DataFrame) -> dict[str, int]:
    """How many phases are in each state, every state listed."""
    counts = timeline["state"].value_counts()
    return {s: int(counts.get(s, 0)) for s in ("met", "ahead", "late", "upcoming")}


def criteria_table(status: pd.DataFrame, phase: str) -> pd.DataFrame:
    """The exit criteria of one phase with their measured value and status."""
    rows = status[(status["phase"] == phase) & status["criterion"].notna()]
    return rows[["criterion", "value", "status", "reason"]].reset_index(drop=True)
