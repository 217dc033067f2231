"""The dashboard's Altair charts, from the frames of ``pipeline.query.queries`` (no Streamlit):
the same colours as the report, so a level or a state reads the same everywhere."""

from __future__ import annotations

from datetime import date
from typing import Final

import altair as alt
import pandas as pd

LEVEL_COLOURS: Final = {
    "L0": "#c0392b",
    "L1": "#e67e22",
    "L2": "#2e86c1",
    "L3": "#1e8449",
    "unknown": "#95a5a6",
}
SECURITY: Final = {  # weekly_trend column → (label, colour)
    "cleartext_logins": ("cleartext", "#c0392b"),
    "legacy_tls_logins": ("legacy TLS", "#e67e22"),
    "modern_tls_logins": ("modern TLS", "#1e8449"),
    "unknown_logins": ("unknown", "#95a5a6"),
}
STATE_COLOURS: Final = {
    "met": "#1e8449",
    "ahead": "#2e86c1",
    "late": "#c0392b",
    "upcoming": "#7f8c8d",
    "done, not met": "#e67e22",
}
# weeks as categories: every week gets its label, the first one too
WEEK_AXIS: Final = alt.X(
    "yearmonthdate(week):O", title="week starting", axis=alt.Axis(labelAngle=0)
)


def _legend(field: str, colours: dict[str, str], title: str | None = None) -> alt.Color:
    return alt.Color(
        field,
        title=title,
        scale=alt.Scale(domain=list(colours), range=list(colours.values())),
        legend=alt.Legend(orient="top"),
    )


def exposed_users(weekly: pd.DataFrame) -> alt.LayerChart:
    """Users at L0 and L1 per week (weekly_trend), as lines with points."""
    data = weekly.melt(
        id_vars="week",
        value_vars=["l0_user_count", "l1_user_count"],
        var_name="level",
        value_name="users",
    )
    data["level"] = data["level"].map({"l0_user_count": "L0", "l1_user_count": "L1"})
    colours = {k: LEVEL_COLOURS[k] for k in ("L0", "L1")}
    base = alt.Chart(data, title="Users at L0 (cleartext) and L1 (legacy TLS)").encode(
        x=WEEK_AXIS,
        y=alt.Y("users:Q", title="users", axis=alt.Axis(tickMinStep=1)),
        color=_legend("level:N", colours),
        tooltip=[alt.Tooltip("week:T", title="week of"), "level:N", "users:Q"],
    )
    return base.mark_line() + base.mark_point(filled=True, size=60)


def logins(weekly: pd.DataFrame) -> alt.Chart:
    """Mail-client logins per week (weekly_trend) by how the password travelled, stacked."""
    data = weekly.melt(
        id_vars="week", value_vars=list(SECURITY), var_name="series", value_name="logins"
    )
    data["security"] = data["series"].map(lambda s: SECURITY[s][0])
    data["order"] = data["series"].map(list(SECURITY).index)
    return (
        alt.Chart(data, title="Logins per week, by how the password travelled")
        .mark_bar()
        .encode(
            x=WEEK_AXIS,
            y=alt.Y("logins:Q", title="logins"),
            color=_legend("security:N", {v[0]: v[1] for v in SECURITY.values()}),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("week:T", title="week of"), "security:N", "logins:Q"],
        )
    )


def daily_logins(trend: pd.DataFrame) -> alt.Chart:
    """Logins per day (daily_trend) by how the password travelled, stacked."""
    long = trend.melt(id_vars="day", value_vars=list(SECURITY), var_name="series")
    long["security"] = long["series"].map(lambda s: SECURITY[s][0])
    return (
        alt.Chart(long.rename(columns={"value": "logins"}))
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(day):T", title=None, axis=alt.Axis(format="%b %d")),
            y=alt.Y("logins:Q", title="logins"),
            color=_legend("security:N", {v[0]: v[1] for v in SECURITY.values()}),
            tooltip=["day:T", "security:N", "logins:Q"],
        )
    )


def plan_timeline(timeline: pd.DataFrame, as_of: date) -> alt.LayerChart:
    """Each phase (queries.plan_timeline) on a date axis: planned (hollow circle), actual
    (diamond), the slip from the first planned date (dashed), coloured by state; a rule at
    ``as_of``, the lake's last day."""
    data = timeline.dropna(subset=["planned"]).copy()
    for column in ("first_planned", "planned", "actual"):
        data[column] = pd.to_datetime(data[column])
    data["label"] = data["phase"] + " " + data["name"]
    y = alt.Y("label:N", title=None, sort=list(data["label"]), axis=alt.Axis(labelLimit=260))
    colour = _legend("state:N", STATE_COLOURS, "state")
    tooltip = [
        "phase:N",
        "name:N",
        "state:N",
        alt.Tooltip("planned:T", title="planned"),
        alt.Tooltip("actual:T", title="done"),
        alt.Tooltip("slip_days:Q", title="slip (days)"),
        alt.Tooltip("days_late:Q", title="days late"),
        alt.Tooltip("criteria_met:N", title="criteria met"),
    ]
    slip = (
        alt.Chart(data)
        .mark_rule(strokeWidth=2, strokeDash=[4, 3], color="#7f8c8d")
        .encode(x=alt.X("first_planned:T", title=None), x2="planned:T", y=y)
    )
    planned = (
        alt.Chart(data)
        .mark_point(size=140, filled=False, strokeWidth=2.5)
        .encode(x="planned:T", y=y, color=colour, tooltip=tooltip)
    )
    actual = (
        alt.Chart(data.dropna(subset=["actual"]))
        .mark_point(size=140, filled=True, shape="diamond")
        .encode(x="actual:T", y=y, color=colour, tooltip=tooltip)
    )
    today = (
        alt.Chart(pd.DataFrame({"day": [pd.Timestamp(as_of)]}))
        .mark_rule(color="#34495e", strokeWidth=2)
        .encode(x="day:T")
    )
    return slip + planned + actual + today


def timeline_height(timeline: pd.DataFrame) -> int:
    """Pixels for :func:`plan_timeline`: a readable row per phase, and the legend and axis."""
    return 40 * max(len(timeline), 1) + 90


def user_weekly(weekly: pd.DataFrame) -> alt.Chart:
    """One user's own logins per week (queries.user_weekly), coloured by level."""
    return (
        alt.Chart(weekly, title="Their own logins per week, by level")
        .mark_bar()
        .encode(
            x=WEEK_AXIS,
            y=alt.Y("logins:Q", title="logins"),
            color=_legend("level:N", LEVEL_COLOURS),
            tooltip=[alt.Tooltip("week:T", title="week of"), "level:N", "logins:Q"],
        )
    )
