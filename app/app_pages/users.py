"""Users: every user's level over the window, who must change their password, and the
filtered list as CSV for the admin who writes to them."""

import streamlit as st

from app import data, frame
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

posture = ctx.names(data.user_posture(ctx.lake, ctx.window_days, ctx.baseline))
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
