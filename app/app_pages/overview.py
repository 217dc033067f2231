"""Overview: users per level with their change since the previous window, the users who must
change their password, TLS coverage, the plan's current phase, and the daily trend."""

import altair as alt
import pandas as pd
import streamlit as st

from app import data, frame
from app.plan_view import current_phase

ctx = frame.context()
st.title("RFC 8314 migration: overview")
head = ctx.overview
st.caption(
    f"{ctx.window_days} days ending {head['until'] - pd.Timedelta(days=1):%Y-%m-%d} · "
    f"{int(head['login_count'])} logins by {int(head['user_count'])} users"
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

reset, coverage, phase = st.columns([1, 1, 1.5])
reset.metric(
    "Users requiring a password reset",
    int(head["reset_required_count"]),
    border=True,
    help="A cleartext login or a refused cleartext attempt since the plan's baseline "
    "(RFC 8314 §4.1).",
)
shown = "–" if pd.isna(head["coverage"]) else f"{head['coverage']:.1%}"
coverage.metric(
    "TLS coverage",
    shown,
    border=True,
    help="Share of logins whose TLS version and mode are known. A phase is never done on "
    "missing data.",
)
now_phase = current_phase(data.plan_status(ctx.lake, ctx.plan_path, ctx.plan_mtime))
phase.metric(
    "Current plan phase",
    now_phase.phase,
    delta=now_phase.detail,
    delta_arrow="off",
    delta_color="inverse" if now_phase.is_late else "off",
    border=True,
)

st.subheader("Logins per day by connection security")
trend = data.daily_trend(ctx.lake, ctx.window_days)
SERIES = {
    "cleartext_logins": ("cleartext", "#d62728"),
    "legacy_tls_logins": ("legacy TLS", "#ff7f0e"),
    "modern_tls_logins": ("modern TLS", "#2ca02c"),
    "unknown_logins": ("unknown", "#9e9e9e"),
}
long = trend.melt(id_vars="day", value_vars=list(SERIES), var_name="series", value_name="logins")
long["security"] = long["series"].map(lambda s: SERIES[s][0])
chart = (
    alt.Chart(long)
    .mark_bar()
    .encode(
        x=alt.X("yearmonthdate(day):T", title=None, axis=alt.Axis(format="%b %d", tickCount="day")),
        y=alt.Y("logins:Q", title="logins"),
        color=alt.Color(
            "security:N",
            scale=alt.Scale(
                domain=[v[0] for v in SERIES.values()], range=[v[1] for v in SERIES.values()]
            ),
            legend=alt.Legend(orient="top", title=None),
        ),
        tooltip=["day:T", "security:N", "logins:Q"],
    )
)
st.altair_chart(chart, width="stretch")
st.caption(
    f"Mail-client logins (IMAP, POP3, submission, ManageSieve), refused cleartext attempts "
    f"included. Port-25 MTA-to-MTA sessions are apart and never count against the plan: "
    f"{int(head['smtp_session_count'])} in the window."
)
