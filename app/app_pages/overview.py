"""Overview: the migration over the whole history (users at L0/L1 and logins by security, per
week), users per level and the key figures with their change since the previous window, the
plan's current phase, and the window's logins per day."""

import pandas as pd
import streamlit as st

from app import charts, data, frame
from app.plan_view import current_phase

ctx = frame.context()
st.title("RFC 8314 migration: overview")
head = ctx.overview
st.caption(
    f"Levels and key figures: the {ctx.window_days} days ending "
    f"{head['until'] - pd.Timedelta(days=1):%Y-%m-%d} ({int(head['login_count'])} logins by "
    f"{int(head['user_count'])} users); deltas compare with the {ctx.window_days} days before."
)

now = data.level_counts(ctx.lake, ctx.window_days, ctx.baseline).set_index("level")
before = data.level_counts(ctx.lake, ctx.window_days, ctx.baseline, windows_back=1).set_index(
    "level"
)
LABELS = {
    "L0": ("L0 cleartext", "inverse"),
    "L1": ("L1 legacy TLS", "inverse"),
    "L2": ("L2 STARTTLS", "off"),
    "L3": ("L3 implicit TLS", "normal"),
    "unknown": ("Level unknown", "off"),
}
for column, (level, (label, colour)) in zip(st.columns(len(LABELS)), LABELS.items(), strict=True):
    count = int(now.loc[level, "user_count"])
    column.metric(
        label,
        count,
        delta=count - int(before.loc[level, "user_count"]),
        delta_color=colour,
        border=True,
        help="Users whose worst session in the window is at this level; the delta "
        "compares with the window before.",
    )

kpis = data.key_changes(ctx.lake, ctx.window_days, ctx.baseline).set_index("key")
# key figure → label, format, and whether a rise is good (delta colour)
SHOWN = {
    "reset_users": ("Users requiring a password reset", "{:.0f}", "inverse"),
    "cleartext_logins": ("Cleartext logins", "{:.0f}", "inverse"),
    "legacy_tls_logins": ("Legacy TLS logins", "{:.0f}", "inverse"),
    "modern_share": ("Modern TLS share", "{:.1%}", "normal"),
    "coverage": ("TLS coverage", "{:.1%}", "normal"),
}
for column, (key, (label, shape, colour)) in zip(
    st.columns(len(SHOWN)), SHOWN.items(), strict=True
):
    row = kpis.loc[key]
    value, change = row["now"], row["change"]
    column.metric(
        label,
        "–" if pd.isna(value) else shape.format(value),
        delta=None if pd.isna(change) else shape.format(change).replace("%", " pts"),
        delta_color=colour if change else "off",
        border=True,
        help=f"{str(row['measure']).capitalize()}; the delta compares with the window before. "
        "A phase is never done on missing data.",
    )

now_phase = current_phase(data.plan_status(ctx.lake, ctx.plan_path, ctx.plan_mtime))
st.metric(
    "Current plan phase",
    now_phase.phase,
    delta=now_phase.detail,
    delta_arrow="off",
    delta_color="inverse" if now_phase.is_late else "off",
    border=True,
)

st.subheader("The migration, week by week")
SPANS = {"Whole history": None, "Last 12 weeks": 12, "Last 4 weeks": 4}
span = st.segmented_control("Trend over", list(SPANS), default="Whole history", key="trend_span")
weekly = data.weekly_history(ctx.lake, SPANS[span or "Whole history"])
st.caption(
    f"{len(weekly)} weeks from {weekly['week'].min():%Y-%m-%d}. A user counts in a week at the "
    "worst level of their own logins that week; the last week may be partial."
)
left, right = st.columns(2)
left.altair_chart(charts.exposed_users(weekly), width="stretch")
right.altair_chart(charts.logins(weekly), width="stretch")

with st.expander(f"Logins per day in the last {ctx.window_days} days"):
    st.altair_chart(
        charts.daily_logins(data.daily_trend(ctx.lake, ctx.window_days)), width="stretch"
    )
st.caption(
    f"Mail-client logins (IMAP, POP3, submission, ManageSieve), refused cleartext attempts "
    f"included. Port-25 MTA-to-MTA sessions are apart and never count against the plan: "
    f"{int(head['smtp_session_count'])} in the window."
)
