"""Migration plan: the timeline of phases P0 to P8 (planned against actual, slips) with each
phase met, ahead, late or upcoming on the lake's last day, each exit criterion with its measured
value, and every change of date with its reason."""

import pandas as pd
import streamlit as st

from app import charts, data, frame
from app.plan_view import coloured, criteria_table, phase_table, state_counts, status_label

ctx = frame.context()
st.title("Migration plan")
if ctx.plan_path is None:
    st.info(
        "No plan loaded. Copy `pipeline/plan/plan.example.toml` to `plan.toml`, set its dates, and "
        "start the dashboard with `mailtls dashboard --plan plan.toml` (or set `$MAILTLS_PLAN`)."
    )
    st.stop()

plan = data.plan(ctx.plan_path, ctx.plan_mtime)
status = data.plan_status(ctx.lake, ctx.plan_path, ctx.plan_mtime)
timeline = data.plan_timeline(ctx.lake, ctx.plan_path, ctx.plan_mtime)
as_of = (ctx.overview["until"] - pd.Timedelta(days=1)).date()
st.caption(
    f"Plan `{ctx.plan_path}` read on {as_of} (the lake's last day) · baseline "
    f"{plan.baseline or 'not set'} · login criteria are not measurable below "
    f"{plan.coverage_threshold:.0%} TLS coverage or on missing days."
)
HELP = {
    "met": "Exit criteria met, and the phase's date has come or it is done.",
    "ahead": "Exit criteria already met before the phase's planned date.",
    "late": "Planned date passed, not done and its criteria not met.",
    "upcoming": "Planned date still to come, criteria not met yet.",
}
for column, (state, count) in zip(st.columns(4), state_counts(timeline).items(), strict=True):
    column.metric(f"Phases {state}", count, border=True, help=HELP[state])
if not timeline.empty:
    st.altair_chart(
        charts.plan_timeline(timeline, as_of),
        width="stretch",
        height=charts.timeline_height(timeline),
    )
    st.caption(
        "Planned date (circle), done (diamond), moved from the first planned date (dashed), "
        "the lake's last day (line)."
    )
st.dataframe(
    coloured(phase_table(status, timeline), "phase_status", "state"),
    hide_index=True,
    width="stretch",
    column_config={
        "phase": st.column_config.TextColumn("Phase"),
        "name": st.column_config.TextColumn("Name"),
        "planned": st.column_config.DateColumn("Planned"),
        "actual": st.column_config.DateColumn("Actual"),
        "is_late": st.column_config.CheckboxColumn("Late"),
        "date_changes": st.column_config.NumberColumn("Date changes"),
        "phase_status": st.column_config.TextColumn("Exit criteria"),
        "state": st.column_config.TextColumn("State"),
        "first_planned": st.column_config.DateColumn("First planned"),
        "slip_days": st.column_config.NumberColumn("Slip (days)"),
        "days_late": st.column_config.NumberColumn("Days late"),
        "criteria_met": st.column_config.TextColumn("Criteria met"),
    },
)

states = dict(zip(timeline["phase"], timeline["state"], strict=True))
for phase in plan.phases:
    result = status[status["phase"] == phase.id].iloc[0]
    state = states.get(phase.id, result["phase_status"])
    label = f"{status_label(state)} · exit criteria {status_label(result['phase_status'])}"
    with st.expander(f"{phase.id} {phase.name} — {label}"):
        criteria = criteria_table(status, phase.id)
        if criteria.empty:
            st.write("No exit criteria in the plan.")
        else:
            st.dataframe(
                coloured(criteria, "status"),
                hide_index=True,
                width="stretch",
                column_config={
                    "criterion": st.column_config.TextColumn("Exit criterion", width="large"),
                    "value": st.column_config.NumberColumn("Measured", format="%.4g"),
                    "status": "Status",
                    "reason": "Why",
                },
            )
        if phase.history:
            st.markdown("**Date changes**")
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "changed on": h.changed_on,
                            "from": h.moved_from,
                            "to": h.moved_to,
                            "reason": h.reason,
                            "by": h.by,
                        }
                        for h in phase.history
                    ]
                ),
                hide_index=True,
                width="stretch",
            )

if plan.grace:
    st.subheader("Grace list")
    grace = pd.DataFrame(
        [
            {"user_name": g.user_name, "owner": g.owner, "reason": g.reason, "expires": g.expires}
            for g in plan.grace
        ]
    )
    st.dataframe(ctx.names(grace), hide_index=True, width="stretch")
