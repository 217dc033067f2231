"""The management view of a report: one headline sentence, the key figures against the previous
window, the weekly trend, the plan's timeline, the users left at L0/L1, the servers still
accepting cleartext or legacy TLS, and what the data cannot say. Every number comes from
:mod:`pipeline.query.queries`; this module only picks, compares and words them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

import pandas as pd

from pipeline.plan.phases import Plan
from pipeline.query import queries
from pipeline.query.privacy import key_from_env, pseudonymise_column
from pipeline.query.progress import compare, key_figures, plan_timeline
from pipeline.query.queries import Connection, Window

TREND_WEEKS: Final = 8
USERS_LEFT_COLUMNS: Final = (
    "user_name",
    "level",
    "password_reset_required",
    "last_cleartext_at",
    "last_legacy_tls_at",
    "last_seen_at",
    "client_ip_count",
)


@dataclass(frozen=True, slots=True)
class Summary:
    headline: str
    kpis: pd.DataFrame  # key, measure, now, before, change, is_better
    weekly: pd.DataFrame  # queries.WEEKLY_COLUMNS
    timeline: pd.DataFrame  # one row per plan phase, with its state and slip
    users_left: pd.DataFrame  # USERS_LEFT_COLUMNS, names pseudonymised unless asked
    endpoints: pd.DataFrame  # queries.open_endpoints
    caveats: tuple[str, ...]
    as_of: date
    previous: Window
    is_pseudonymised: bool


def build_summary(
    con: Connection,
    window: Window,
    plan: Plan,
    *,
    posture: pd.DataFrame,
    days: pd.DataFrame,
    phases: pd.DataFrame,
    overview: pd.Series,
    names: bool = False,
    trend_weeks: int = TREND_WEEKS,
) -> Summary:
    """``posture``, ``days``, ``phases`` (queries.plan_status) and ``overview`` are the window's,
    as the report already has them."""
    previous = Window(window.since - (window.until - window.since), window.since)
    previous_posture = queries.user_posture(
        con, since=previous.since, until=previous.until, baseline=plan.baseline
    )
    previous_days = queries.session_days(con, since=previous.since, until=previous.until)
    now = key_figures(
        posture, days, queries.daily_trend(con, since=window.since, until=window.until, days=days)
    )
    before = key_figures(
        previous_posture,
        previous_days,
        queries.daily_trend(con, since=previous.since, until=previous.until, days=previous_days),
    )
    as_of = (window.until - timedelta(days=1)).date()
    first = overview["first_event_at"]
    trend_since = window.until - timedelta(weeks=trend_weeks)
    if first is not None and not pd.isna(first):
        trend_since = max(trend_since, _midnight(pd.Timestamp(first).to_pydatetime(), window))
    trend_since = min(trend_since, window.since)
    # the weekly trend's days from the two windows' scans when they reach back far enough
    scanned = queries.stitch_days(trend_since, [(previous, previous_days), (window, days)])
    weekly = queries.weekly_trend(con, since=trend_since, until=window.until, days=scanned)
    timeline = plan_timeline(phases, plan, as_of)
    users_left, is_pseudonymised = _users_left(posture, names)
    sentence = headline(now, before, timeline, window, previous)
    if posture.empty:
        last = overview["last_event_at"]
        newest = "none" if last is None or pd.isna(last) else f"from {_minute(last)} UTC"
        sentence = f"No one logged in during this window (the newest session is {newest})."
    return Summary(
        headline=sentence,
        kpis=compare(now, before),
        weekly=weekly,
        timeline=timeline,
        users_left=users_left,
        endpoints=queries.open_endpoints(con, since=window.since, until=window.until),
        caveats=caveats(overview, days, window, plan, is_pseudonymised, names),
        as_of=as_of,
        previous=previous,
        is_pseudonymised=is_pseudonymised,
    )


def headline(
    now: dict[str, float | None],
    before: dict[str, float | None],
    timeline: pd.DataFrame,
    window: Window,
    previous: Window,
) -> str:
    exposed = int((now["l0_users"] or 0) + (now["l1_users"] or 0))
    earlier = int((before["l0_users"] or 0) + (before["l1_users"] or 0))
    period = _period_name(window)
    who = "user still sends" if exposed == 1 else "users still send"
    if earlier > exposed:
        trend = f"down from {earlier} {period}"
    elif earlier < exposed:
        trend = f"up from {earlier} {period}"
    else:
        trend = f"as many as {period}"
    sentence = f"{exposed} {who} passwords unsafely (cleartext or TLS 1.0/1.1), {trend}"
    late = timeline[timeline["state"] == "late"].sort_values("days_late", ascending=False)
    if not late.empty:
        parts = [
            f"phase {r['phase']} is {_days(int(r['days_late']))} late"
            for r in late.to_dict("records")
        ]
        sentence += "; " + ", ".join(parts)
    elif not timeline.empty:
        sentence += "; no phase of the plan is late"
    return sentence + "."


def caveats(
    overview: pd.Series,
    days: pd.DataFrame,
    window: Window,
    plan: Plan,
    is_pseudonymised: bool,
    names: bool,
) -> tuple[str, ...]:
    """What the numbers cannot say, in plain words."""
    out = []
    in_window = set(pd.to_datetime(days["day"]).dt.date) if not days.empty else set()
    all_days = [
        window.since.date() + timedelta(days=i) for i in range((window.until - window.since).days)
    ]
    missing = [d for d in all_days if d not in in_window]
    if missing:
        out.append(
            f"No sessions at all on {len(missing)} of the {len(all_days)} days of this window "
            f"(first {missing[0]}, last {missing[-1]}): logs may be missing for those days, and a "
            "plan phase is never reported met on missing data."
        )
    last = overview["last_event_at"]
    if last is not None and not pd.isna(last):
        out.append(f"The newest session in the data is from {_minute(last)} UTC.")
    coverage = overview["coverage"]
    if coverage is not None and not pd.isna(coverage) and coverage < plan.coverage_threshold:
        out.append(
            f"For {1 - coverage:.0%} of logins the logs do not say the TLS version or whether "
            "TLS was implicit; those users may be worse than shown. Dovecot's recommended "
            "login_log_format_elements (README) closes this gap."
        )
    if int(overview["reject_count"]):
        out.append(
            f"{int(overview['reject_count'])} log lines of this window could not be read; "
            "`mailtls report --format text` lists them under Rejects."
        )
    if int(overview["failed_login_count"]):
        out.append(
            f"{int(overview['failed_login_count'])} failed login attempts (wrong passwords, some "
            "of them guessing) change no one's level: they are not the user's own client."
        )
    out.append(
        f"Port-25 mail between servers ({int(overview['smtp_session_count'])} sessions) is "
        "shown apart and never counts against the plan."
    )
    if is_pseudonymised:
        if key_from_env():
            how = (
                "User names are pseudonyms keyed by $MAILTLS_PSEUDONYM_KEY: the same user "
                "keeps the same pseudonym from report to report"
            )
        else:
            how = (
                "Users are numbered in this report only (user 1, user 2, …): set "
                "$MAILTLS_PSEUDONYM_KEY for pseudonyms that stay the same from report to report"
            )
        out.append(f"{how}; --names shows the names.")
    elif names:
        out.append("This report shows user names (--names): handle it as personal data.")
    return tuple(out)


def _users_left(posture: pd.DataFrame, names: bool) -> tuple[pd.DataFrame, bool]:
    left = posture.loc[posture["level"].isin(["L0", "L1"]), list(USERS_LEFT_COLUMNS)]
    left = left.reset_index(drop=True)
    if names or left.empty:
        return left, False
    key = key_from_env()
    if key is not None:
        return pseudonymise_column(left, "user_name", key), True
    # without a key, numbers in the table's order: nothing to reverse, nothing kept between runs
    left["user_name"] = [f"user {n}" for n in range(1, len(left) + 1)]
    return left, True


def _period_name(window: Window) -> str:
    days = round(window.days)
    if days == 7:
        return "the week before"
    if 28 <= days <= 31 and window.since.day == 1:
        return "the month before"
    return f"in the {days} days before"


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _minute(value: object) -> str:
    return pd.Timestamp(value).tz_convert("UTC").strftime("%Y-%m-%d %H:%M")  # type: ignore[arg-type]


def _midnight(moment: datetime, window: Window) -> datetime:
    return moment.astimezone(window.until.tzinfo).replace(hour=0, minute=0, second=0, microsecond=0)
