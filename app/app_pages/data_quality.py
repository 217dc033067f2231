"""Data quality: what was ingested, what could not be parsed (by kind, with an example), the
refused cleartext attempts that set no level, and how much of the evidence carries the TLS
version and mode the levels need."""

import pandas as pd
import streamlit as st

from app import data, frame

ctx = frame.context()
st.title("Data quality")
head = ctx.overview
days = data.daily_trend(ctx.lake, ctx.window_days)

files, rejects, coverage, days_seen = st.columns(4)
files.metric("Files ingested", int(head["ingested_file_count"]), border=True)
rejects.metric("Rejected lines in the window", int(head["reject_count"]), border=True)
coverage.metric(
    "TLS coverage",
    "–" if pd.isna(head["coverage"]) else f"{head['coverage']:.1%}",
    border=True,
    help="Share of logins whose TLS version and mode are known.",
)
days_seen.metric(f"Days with data (of {ctx.window_days})", len(days), border=True)
if not pd.isna(head["first_event_at"]):
    st.caption(
        f"Sessions in the lake from {head['first_event_at']:%Y-%m-%d %H:%M} to "
        f"{head['last_event_at']:%Y-%m-%d %H:%M} UTC."
    )

if int(head["session_after_count"]) or int(head["session_before_count"]):
    st.caption(
        f"Outside the window: {int(head['session_before_count'])} sessions before it, "
        f"{int(head['session_after_count'])} after it (future-dated lines included), "
        f"{int(head['user_outside_count'])} users seen only outside it."
    )

st.subheader("What the logs do not say")
advice = data.coverage_advice(ctx.lake, ctx.window_days)
if advice.empty:
    st.success("Most logins in the window carry their TLS version and mode.")
for gap in advice.itertuples(index=False):
    st.warning(
        f"{gap.share:.0%} of the {gap.login_count} {gap.source} logins in the window have no "
        f"TLS {gap.missing}. {gap.setting}."
    )

st.subheader("Rejected lines by kind")
summary = data.rejects_summary(ctx.lake, ctx.window_days)
if summary.empty:
    st.success("Nothing rejected in the window.")
else:
    st.dataframe(
        summary,
        hide_index=True,
        width="stretch",
        column_config={
            "kind": "Kind",
            "reason": "Reason",
            "reject_count": "Lines",
            "file_count": "Files",
            "example": st.column_config.TextColumn("Example", width="large"),
        },
    )

st.subheader("Users whose level rests on incomplete evidence")
posture = ctx.names(data.user_posture(ctx.lake, ctx.window_days, ctx.baseline))
thin = posture[posture["coverage"].isna() | (posture["coverage"] < 1.0)]
st.caption(
    "Logins without a known TLS version or mode (TLS used but the version was not logged, a "
    "trusted hop such as webmail). Dovecot: add `%k` and `lport=%a` to "
    "login_log_format_elements (2.4: `tls=<%{ssl_security}>`, `lport=%{local_port}`); Postfix: "
    "`smtpd_tls_loglevel = 1`, or `smtpd_tls_received_header = yes` and ingest the mail."
)
st.dataframe(
    thin[["user_name", "level", "coverage", "login_count", "unknown_count", "trusted_hop_count"]],
    hide_index=True,
    width="stretch",
    column_config={
        "user_name": "User",
        "level": "Level",
        "login_count": "Logins",
        "unknown_count": "Logins at unknown level",
        "trusted_hop_count": "Trusted-hop sessions",
        "coverage": st.column_config.ProgressColumn(
            "Coverage", min_value=0.0, max_value=1.0, format="percent", color="blue"
        ),
    },
)

st.subheader("Unverified cleartext attempts")
attempts = data.unverified_attempts(ctx.lake, ctx.window_days)
st.caption(
    "Refused cleartext logins that set no level and no reset: the server answers a wrong "
    "password as it answers a right one, so only an address that behaves like the user's own "
    "client counts (one the user also logs in from, or the same name repeated over hours). "
    "Set the rule in mailtls.toml [evidence]."
)
if attempts.empty:
    st.success("None in the window.")
else:
    st.dataframe(
        ctx.names(attempts),
        hide_index=True,
        width="stretch",
        column_config={
            "user_name": "User",
            "client_ip": "Address",
            "attempt_count": "Attempts",
            "first_attempt_at": "First",
            "last_attempt_at": "Last",
            "reason": st.column_config.TextColumn("Why it sets no level", width="large"),
        },
    )
