"""Users: every user's level over the window, who must change their password, the filtered
list as CSV for the admin who writes to them, and one user under the microscope: their logins
week by week, devices by client IP, services and TLS versions, and sessions."""

import streamlit as st

from app import charts, data, frame
from app.posture_filter import SERVICE_COUNTS, filter_posture
from pipeline.query import csv_text
from pipeline.query.queries import LEVELS, USER_COLUMNS

ctx = frame.context()
st.title("Users")

levels = st.sidebar.multiselect("Level", LEVELS, default=list(LEVELS))
services = st.sidebar.multiselect(
    "Seen on service", list(SERVICE_COUNTS), default=list(SERVICE_COUNTS)
)
is_reset_only = st.sidebar.checkbox("Only users requiring a password reset")
name_contains = st.sidebar.text_input("User name contains")

real = data.user_posture(ctx.lake, ctx.window_days, ctx.baseline)
posture = ctx.names(real)
# shown name → the name the queries know (the same when names are not pseudonymised)
REAL_NAME = dict(zip(posture["user_name"], real["user_name"], strict=True))
shown = filter_posture(
    posture,
    levels=levels,
    services=services,
    is_reset_only=is_reset_only,
    name_contains=name_contains,
)
# the same headline columns as `mailtls users`, then two the screen has room for
COLUMNS = [*USER_COLUMNS, "client_ip_count", "last_seen_at"]
st.caption(
    f"{len(shown)} of {len(posture)} users seen in the last {ctx.window_days} days. A user's "
    "level is the worst of their own logins; failed logins (possible attacks) do not set it."
)
st.dataframe(
    shown[COLUMNS],
    hide_index=True,
    width="stretch",
    column_config={
        "user_name": st.column_config.TextColumn("User", pinned=True),
        "level": st.column_config.TextColumn(
            "Level", help="L0 cleartext · L1 legacy TLS · L2 STARTTLS · L3 implicit TLS"
        ),
        "password_reset_required": st.column_config.CheckboxColumn("Reset required"),
        "last_cleartext_at": st.column_config.DatetimeColumn(
            "Last cleartext", format="YYYY-MM-DD HH:mm", width=130
        ),
        "last_legacy_tls_at": st.column_config.DatetimeColumn(
            "Last legacy TLS", format="YYYY-MM-DD HH:mm", width=130
        ),
        "coverage": st.column_config.ProgressColumn(
            "Coverage",
            min_value=0.0,
            max_value=1.0,
            format="percent",
            color="blue",
            help="Share of this user's logins whose TLS version and mode were known.",
        ),
        "sessions_count": st.column_config.NumberColumn("Sessions"),
        "failed_count": st.column_config.NumberColumn("Failed attempts"),
        "client_ip_count": st.column_config.NumberColumn("Client IPs"),
        "last_seen_at": st.column_config.DatetimeColumn(
            "Last seen", format="YYYY-MM-DD HH:mm", width=130
        ),
    },
)
st.download_button(
    "Download this list (CSV)",
    csv_text(shown).encode("utf-8"),  # formulas and controls neutralised
    file_name=f"mailtls-users-{ctx.window_days}d.csv",
    mime="text/csv",
    icon=":material/download:",
    help="The rows and names as shown (pseudonymised when the sidebar says so), every column.",
)

st.header("One user under the microscope")
DRILL_DAYS = 365
if shown.empty:
    st.info("No user matches the filters.")
    st.stop()
chosen = st.selectbox(
    "User",
    list(shown["user_name"]),
    key="drill_user",
    help="Any user of the list above, worst level first.",
)
user = REAL_NAME[chosen]
sessions = data.user_sessions(ctx.lake, user, DRILL_DAYS)
devices = data.user_devices(ctx.lake, user, DRILL_DAYS)
row = shown.set_index("user_name").loc[chosen]
st.caption(
    f"Everything the lake holds on this user in the last {DRILL_DAYS} days: "
    f"{len(sessions)} sessions, failed ones included. Only their own successful logins and "
    "refused cleartext attempts set a level (a wrong password may be someone guessing)."
)
level, ips, last_seen = st.columns(3)
level.metric(f"Level ({ctx.window_days} days)", row["level"], border=True)
ips.metric("Client IPs", len(devices), border=True)
last_seen.metric(
    "Last seen",
    "–" if sessions.empty else f"{sessions['event_at'].max():%Y-%m-%d %H:%M}",
    border=True,
)
weekly = data.user_weekly(ctx.lake, user, DRILL_DAYS)
if not weekly.empty:
    st.altair_chart(charts.user_weekly(weekly), width="stretch")
st.markdown("**Devices by client IP** — the one still L0/L1 on its last session is the one to fix")
st.dataframe(
    devices,
    hide_index=True,
    width="stretch",
    column_config={
        "client_ip": "Client IP",
        "first_seen_at": st.column_config.DatetimeColumn("First seen", format="YYYY-MM-DD HH:mm"),
        "last_seen_at": st.column_config.DatetimeColumn("Last seen", format="YYYY-MM-DD HH:mm"),
        "sessions": "Logins",
        "services": "Services",
        "tls_versions": "TLS versions",
        "worst_level": "Worst level",
        "last_level": "Level of last login",
    },
)
st.markdown("**Services, TLS modes and versions**")
st.dataframe(
    data.user_services(ctx.lake, user, DRILL_DAYS),
    hide_index=True,
    width="stretch",
    column_config={
        "last_at": st.column_config.DatetimeColumn("Last", format="YYYY-MM-DD HH:mm"),
    },
)
with st.expander(f"Sessions, newest first ({len(sessions)})"):
    st.dataframe(
        sessions.sort_values("event_at", ascending=False).drop(
            columns=["user_key"], errors="ignore"
        ),
        hide_index=True,
        width="stretch",
    )
