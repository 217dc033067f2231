"""Migration plan: phases P0 to P8 with planned and actual dates, each exit criterion met, not met
or not measurable from the lake, and every change of date with its reason."""

import pandas as pd
import streamlit as st

from app import data, frame
from app.plan_view import coloured, criteria_table, phase_table, status_label

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
st.caption(
    f"Plan `{ctx.plan_path}` · baseline {plan.baseline or 'not set'} · login criteria are "
    f"not measurable below {plan.coverage_threshold:.0%} TLS coverage or on missing days."
)
st.dataframe(
    coloured(phase_table(status), "phase_status"),
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
    },
)

for phase in plan.phases:
    result = status[status["phase"] == phase.id].iloc[0]
    with st.expander(f"{phase.id} {phase.name} — {status_label(result['phase_status'])}"):
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
