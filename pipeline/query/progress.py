"""How the migration progresses, from frames the queries already return (pure pandas): the key
figures of a window and their change against the previous one, the plan's timeline with each
phase's state, and one user's devices and weekly logins. The report and the dashboard both
show these, through :mod:`pipeline.query.queries`."""

from __future__ import annotations

from datetime import date
from typing import Final

import pandas as pd

from pipeline.plan.phases import Plan

# key figure → (label, lower is better); the order is the order shown
KPIS: Final = {
    "l0_users": ("users at L0: password sent in cleartext", True),
    "l1_users": ("users at L1: legacy TLS 1.0/1.1 only", True),
    "reset_users": ("users who must reset their password", True),
    "cleartext_logins": ("cleartext logins and refused cleartext attempts", True),
    "legacy_tls_logins": ("logins over legacy TLS", True),
    "modern_share": ("share of logins over modern TLS", False),
    "coverage": ("share of logins with TLS version and mode known", False),
}
LOGIN_CLASSES: Final = (
    "cleartext_logins",
    "legacy_tls_logins",
    "modern_tls_logins",
    "unknown_logins",
)
TIMELINE_COLUMNS: Final = (
    "phase",
    "name",
    "first_planned",
    "planned",
    "actual",
    "state",
    "slip_days",
    "days_late",
    "criteria_met",
    "status",
)
LEVEL_RANK: Final = {"L0": 0, "L1": 1, "L2": 2, "L3": 3}


def key_figures(
    posture: pd.DataFrame, days: pd.DataFrame, trend: pd.DataFrame
) -> dict[str, float | None]:
    """The KPIS of one window from its user_posture, session_days and daily_trend frames."""
    levels = posture["level"] if not posture.empty else pd.Series(dtype=str)
    logins = {c: int(trend[c].sum()) for c in LOGIN_CLASSES}
    total = sum(logins.values())
    login_count = int(days["login_count"].sum())
    return {
        "l0_users": int((levels == "L0").sum()),
        "l1_users": int((levels == "L1").sum()),
        "reset_users": int(posture["password_reset_required"].sum()) if not posture.empty else 0,
        "cleartext_logins": logins["cleartext_logins"],
        "legacy_tls_logins": logins["legacy_tls_logins"],
        "modern_share": logins["modern_tls_logins"] / total if total else None,
        "coverage": int(days["tls_known_count"].sum()) / login_count if login_count else None,
    }


def compare(now: dict[str, float | None], before: dict[str, float | None]) -> pd.DataFrame:
    """One row per KPI: now, before, the change and whether it is for the better."""
    rows = []
    for key, (label, lower_is_better) in KPIS.items():
        a, b = now[key], before[key]
        change = None if a is None or b is None else a - b
        is_better = None if not change else (change < 0) == lower_is_better
        rows.append(
            {
                "key": key,
                "measure": label,
                "now": a,
                "before": b,
                "change": change,
                "is_better": is_better,
            }
        )
    return pd.DataFrame(rows)


def plan_timeline(phases: pd.DataFrame, plan: Plan, as_of: date) -> pd.DataFrame:
    """One row per phase of a plan_status frame: its dates, the date it was first planned for,
    how far it slipped, and its state on ``as_of``: met, ahead (criteria met before its date),
    late (date passed, not met, not done), done, not met, or upcoming."""
    if phases.empty:
        return pd.DataFrame(columns=list(TIMELINE_COLUMNS))
    by_id = {p.id: p for p in plan.phases}
    rows = []
    for phase_id, group in phases.groupby("phase", sort=True):
        row = group.iloc[0]
        spec = by_id.get(str(phase_id))
        planned, actual = row["planned"], row["actual"]
        planned = None if pd.isna(planned) else planned
        actual = None if pd.isna(actual) else actual
        first = planned
        if spec is not None and spec.history and spec.history[0].moved_from is not None:
            first = spec.history[0].moved_from
        status = str(row["phase_status"])
        if status == "met":
            state = "ahead" if planned is not None and planned > as_of and actual is None else "met"
        elif bool(row["is_late"]):
            state = "late"
        elif actual is not None:
            state = "done, not met"
        else:
            state = "upcoming"
        rows.append(
            {
                "phase": str(phase_id),
                "name": row["name"],
                "first_planned": first,
                "planned": planned,
                "actual": actual,
                "state": state,
                "slip_days": (planned - first).days if planned and first else 0,
                "days_late": (as_of - planned).days if state == "late" and planned else 0,
                "criteria_met": f"{(group['status'] == 'met').sum()}/{len(group)}",
                "status": status,
            }
        )
    return pd.DataFrame(rows, columns=list(TIMELINE_COLUMNS))


def worst_level(levels: pd.Series) -> str:
    known = [lv for lv in levels if lv in LEVEL_RANK]
    return min(known, key=LEVEL_RANK.__getitem__) if known else "unknown"


def user_devices(sessions: pd.DataFrame) -> pd.DataFrame:
    """One row per client IP of a user_sessions frame, from the sessions that may set the user's
    level: first and last seen, sessions, services, TLS versions, worst level and the level of
    its last session (the device still to fix is L0/L1 there). Last seen first."""
    columns = [
        "client_ip",
        "first_seen_at",
        "last_seen_at",
        "sessions",
        "services",
        "tls_versions",
        "worst_level",
        "last_level",
    ]
    evidence = sessions[sessions["is_level_evidence"].fillna(False).astype(bool)]
    if evidence.empty:
        return pd.DataFrame(columns=columns)
    ordered = evidence.sort_values("event_at")
    devices = ordered.groupby("client_ip", dropna=False).agg(
        first_seen_at=("event_at", "min"),
        last_seen_at=("event_at", "max"),
        sessions=("event_at", "size"),
        services=("service", lambda s: ", ".join(sorted(set(s.dropna())))),
        tls_versions=("tls_version", lambda s: ", ".join(sorted(set(s.dropna()))) or "none"),
        worst_level=("level", worst_level),
        last_level=("level", "last"),
    )
    devices = devices.sort_values("last_seen_at", ascending=False).reset_index()
    return devices.reindex(columns=columns)


def user_weekly(sessions: pd.DataFrame) -> pd.DataFrame:
    """A user_sessions frame's level evidence per week (Monday, UTC) and level: how that user's
    own logins travelled, week by week."""
    evidence = sessions[sessions["is_level_evidence"].fillna(False).astype(bool)]
    if evidence.empty:
        return pd.DataFrame(columns=["week", "level", "logins"])
    stamps = pd.to_datetime(evidence["event_at"], utc=True).dt.tz_localize(None).dt.normalize()
    week = stamps - pd.to_timedelta(stamps.dt.day_of_week, unit="D")
    counts = evidence.assign(week=week).groupby(["week", "level"]).size().rename("logins")
    return counts.reset_index()


def user_services(sessions: pd.DataFrame) -> pd.DataFrame:
    """A user_sessions frame per service, port, TLS mode and version, security and result: how
    many sessions and when the last one was. Most sessions first."""
    keys = ["service", "server_port", "tls_mode", "tls_version", "security", "auth_result"]
    if sessions.empty:
        return pd.DataFrame(columns=[*keys, "sessions", "last_at"])
    grouped = sessions.groupby(keys, dropna=False).agg(
        sessions=("event_at", "size"), last_at=("event_at", "max")
    )
    return grouped.reset_index().sort_values(
        ["sessions", "last_at"], ascending=False, ignore_index=True
    )
