"""The only query API over the lake, for the app, notebooks and reports.

Every function takes an open connection (``pipeline.query.db.connect``) and explicit keyword
parameters, and returns a pandas DataFrame. The SQL lives in ``pipeline/query/sql`` (views and
macros in ``staging/`` and ``marts/``, parameterised queries in ``queries/``); what views cannot
take (windows, the plan's baseline, the grace list) is passed here as prepared parameters.

Windows are half-open ``[since, until)`` in UTC. A ``date`` for ``until`` includes that whole day.
Without ``until`` the window ends after the last day with data in the lake (so a report over old
logs still shows them); without ``since`` it starts ``window_days`` days earlier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Final

import duckdb
import pandas as pd

from pipeline.lake.derived import exposure, lake_of, login_users, session_parts
from pipeline.plan.phases import EMPTY_PLAN, Plan, evaluate
from pipeline.query import progress
from pipeline.query.db import run

Connection = duckdb.DuckDBPyConnection
Moment = date | datetime
LEVELS: Final = ("L0", "L1", "L2", "L3", "unknown")
DEFAULT_WINDOW_DAYS: Final = 30
TREND_COLUMNS: Final = (
    "day",
    "cleartext_logins",
    "legacy_tls_logins",
    "modern_tls_logins",
    "unknown_logins",
    "smtp_sessions",
)

# the columns a person reads first in a user list (CLI table, dashboard), in this order
USER_COLUMNS: Final = (
    "user_name",
    "level",
    "password_reset_required",
    "last_cleartext_at",
    "last_legacy_tls_at",
    "coverage",
    "sessions_count",
    "failed_count",
)


@dataclass(frozen=True, slots=True)
class Window:
    since: datetime
    until: datetime

    @property
    def days(self) -> float:
        return (self.until - self.since) / timedelta(days=1)


def window(
    con: Connection,
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> Window:
    """The window a query covers, resolved against the data in the lake: by default the
    ``window_days`` ending with the day of the newest session that is not in the future (a
    future-dated line must not move the window past all the data)."""
    if until is None:
        last = newest_past_event(con)
        until = last.astimezone(UTC).date() if last else datetime.now(UTC).date()
    end = _utc(until + timedelta(days=1)) if _is_date(until) else _utc(until)
    start = _utc(since) if since is not None else end - timedelta(days=window_days)
    return Window(start, end)


def newest_past_event(con: Connection) -> datetime | None:
    """The newest session at or before now; the newest of all when every one is later. Reads
    the newest partition not after today first (a session's partition is its UTC day)."""
    now = datetime.now(UTC)
    days = sorted(session_parts(lake_of(con)))
    past = [day for day in days if day <= now.date()]
    if past:
        (last,) = _row(
            con,
            "SELECT max(event_at) FROM stg_sessions WHERE partition_date = $day AND event_at <= $now",
            day=past[-1],
            now=now,
        )
        if last is not None:
            return last  # type: ignore[no-any-return]
    (last,) = _row(con, "SELECT max(event_at) FROM stg_sessions WHERE event_at <= $now", now=now)
    return last if last is not None else event_span(con)[1]


def event_span(con: Connection) -> tuple[datetime | None, datetime | None]:
    """The first and last session in the lake. A session's partition is its event_at's UTC day,
    so the first and last partitions (named by the lake's folders) hold them: only those are
    read, unless they hold no timed session at all (then every file is)."""
    days = sorted(session_parts(lake_of(con)))
    first = last = None
    if days:
        first, last = _row(
            con,
            """
            SELECT min(event_at) FILTER (WHERE partition_date = $first),
                   max(event_at) FILTER (WHERE partition_date = $last)
            FROM stg_sessions WHERE list_contains($edges, partition_date)
            """,
            first=days[0],
            last=days[-1],
            edges=[days[0], days[-1]],
        )
    if first is None or last is None:
        first, last = _row(con, "SELECT min(event_at), max(event_at) FROM stg_sessions")
    return first, last


def judge_attempts(con: Connection) -> None:
    """Judge the refused cleartext attempts once per connection and lake commit:
    ``cleartext_attempts`` reads every session of the addresses that made one (a scan of the
    whole lake), and user_posture, the plan metrics and the report reach it several times
    through ``login_evidence``. A temporary table of that name, this connection's own, shadows
    the view (as ``exposure_summaries`` is shadowed by pipeline.lake.derived); its comment names
    the commit it was judged at, so a connection that outlives a commit judges again."""
    commit = str(_row(con, "SELECT lake_commit()")[0])  # run(): the parts afresh after a commit
    judged = con.execute(
        "SELECT comment FROM duckdb_tables() WHERE temporary AND table_name = 'cleartext_attempts'"
    ).fetchall()
    if judged and judged[0][0] == commit:
        return
    run(
        con,
        "CREATE OR REPLACE TEMP TABLE cleartext_attempts AS SELECT * FROM main.cleartext_attempts",
        {},
        lambda result: None,
    )
    con.execute(
        f"COMMENT ON TABLE temp.cleartext_attempts IS '{commit.replace(chr(39), chr(39) * 2)}'"
    )


def user_posture(
    con: Connection,
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    baseline: Moment | None = None,
    levels: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per user: level, reset flag, counts, coverage (see marts/40_user_posture.sql).
    Worst level first, then by name."""
    w = window(con, since=since, until=until, window_days=window_days)
    judge_attempts(con)
    with exposure(con, w.until) as live_days:
        return _df(
            con,
            """
            SELECT * FROM user_posture($since, $until, $baseline, live_days := $live_days)
            WHERE $levels IS NULL OR list_contains($levels, level)
            ORDER BY array_position($order, level), user_name
            """,
            since=w.since,
            until=w.until,
            baseline=_baseline(baseline),
            live_days=live_days,
            levels=None if levels is None else list(levels),
            order=list(LEVELS),
        )


ATTEMPT_COLUMNS: Final = (
    "user_name",
    "client_ip",
    "attempt_count",
    "first_attempt_at",
    "last_attempt_at",
    "reason",
)


def cleartext_attempts(
    con: Connection,
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    counted: bool | None = False,
) -> pd.DataFrame:
    """Refused cleartext attempts per user and client address with attempts in the window, and
    why they do or do not count as the user's own client (marts/25_cleartext_attempts.sql).
    ``counted``: False (default) the *unverified* ones, which set no level; True the counted
    ones; None both. The counts span all the data: a guesser is judged on everything it did."""
    w = window(con, since=since, until=until, window_days=window_days)
    judge_attempts(con)
    return _df(
        con,
        """
        SELECT * FROM cleartext_attempts
        WHERE last_attempt_at >= $since AND first_attempt_at < $until
            AND ($counted IS NULL OR is_counted = $counted)
        ORDER BY user_key, client_ip NULLS LAST
        """,
        since=w.since,
        until=w.until,
        counted=counted,
    )


def level_counts(
    con: Connection,
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    baseline: Moment | None = None,
    posture: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Users per level (every level, zeros included) and how many of them need a reset.
    ``posture``: the :func:`user_posture` of the same window, when the caller has it already."""
    if posture is None:
        posture = user_posture(
            con, since=since, until=until, window_days=window_days, baseline=baseline
        )
    return _over_frames(
        con,
        {"posture": posture},
        """
        SELECT l.level, count(p.user_name) AS user_count,
               count(p.user_name) FILTER (WHERE p.password_reset_required) AS reset_required_count
        FROM unnest($order) WITH ORDINALITY AS l(level, ordinal)
        LEFT JOIN posture AS p USING (level)
        GROUP BY l.level, l.ordinal ORDER BY l.ordinal
        """,
        order=list(LEVELS),
    )


def daily_security(
    con: Connection,
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> pd.DataFrame:
    """Sessions per day by service, security and tls_mode (all services, port 25 included)."""
    w = window(con, since=since, until=until, window_days=window_days)
    return _df(
        con,
        """
        SELECT * FROM daily_security
        WHERE day >= CAST($since AS DATE) AND day < CAST($until AS DATE)
        ORDER BY day, service, security, tls_mode
        """,
        since=w.since,
        until=w.until,
    )


def daily_trend(
    con: Connection,
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    days: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per day: mail-client logins (and refused cleartext attempts) by security class, and
    port-25 MTA sessions apart, which never count against the plan. ``days``: the
    :func:`session_days` of the same window, when the caller has it already."""
    w = window(con, since=since, until=until, window_days=window_days)
    if days is None:
        days = session_days(con, since=w.since, until=w.until)
    trend = days.loc[days["day"] < pd.Timestamp(w.until.date()), list(TREND_COLUMNS)]
    return trend.sort_values("day").reset_index(drop=True)


WEEKLY_COLUMNS: Final = (
    "week",
    "days_with_data",
    "l0_user_count",
    "l1_user_count",
    "l2_user_count",
    "l3_user_count",
    "unknown_user_count",
    "user_count",
    "cleartext_logins",
    "legacy_tls_logins",
    "modern_tls_logins",
    "unknown_logins",
    "smtp_sessions",
)


def weekly_trend(
    con: Connection,
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    days: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per week (Monday, UTC) of the window, every week listed: users by their worst level that
    week (marts/80_weekly_levels.sql) and the :func:`daily_trend` counts summed, with how many
    of the week's days in the window have data. ``days``: as for :func:`daily_trend`."""
    w = window(con, since=since, until=until, window_days=window_days)
    trend = daily_trend(con, since=w.since, until=w.until, days=days)
    levels = _df(con, "SELECT * FROM weekly_levels($since, $until)", since=w.since, until=w.until)
    first = w.since.date() - timedelta(days=w.since.weekday())
    last = (w.until - timedelta(microseconds=1)).date()
    weeks = pd.DataFrame({"week": pd.date_range(first, last, freq="7D")})
    counts = trend.drop(columns="day").groupby(_monday(trend["day"])).sum()
    counts["days_with_data"] = trend.groupby(_monday(trend["day"])).size()
    levels["week"] = pd.to_datetime(levels["week"])
    out = weeks.merge(counts, left_on="week", right_index=True, how="left").merge(
        levels, on="week", how="left"
    )
    out = out.reindex(columns=list(WEEKLY_COLUMNS)).fillna(0)
    out[list(WEEKLY_COLUMNS[1:])] = out[list(WEEKLY_COLUMNS[1:])].astype("int64")
    return out.reset_index(drop=True)


def open_endpoints(
    con: Connection,
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> pd.DataFrame:
    """Servers, services and ports that accepted a cleartext password or legacy TLS in the
    window (marts/85_open_endpoints.sql); mail-client services first, then by server."""
    w = window(con, since=since, until=until, window_days=window_days)
    return _df(
        con,
        """
        SELECT * FROM open_endpoints($since, $until)
        ORDER BY counts_against_plan DESC, server_host, service, server_port NULLS LAST, listener
        """,
        since=w.since,
        until=w.until,
    )


def user_sessions(
    con: Connection,
    user: str,
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> pd.DataFrame:
    """One user's sessions in the window (failed ones too), oldest first, with each session's
    level and whether it is evidence for the user's own level (marts/10_session_levels.sql).
    ``user`` is compared as the marts do: trimmed and lower-cased."""
    w = window(con, since=since, until=until, window_days=window_days)
    return _df(
        con,
        """
        SELECT event_at, service, server_port, listener, client_ip, auth_method, auth_result,
               auth_failures, tls_mode, tls_version, tls_cipher, security, is_trusted_hop,
               level, is_level_evidence, source_file, source_line
        FROM session_levels
        WHERE user_key = lower(trim($user)) AND event_at >= $since AND event_at < $until
            AND partition_date BETWEEN CAST($since AS DATE) AND CAST($until AS DATE)
        ORDER BY event_at, source_file, source_line
        """,
        user=user,
        since=w.since,
        until=w.until,
    )


def user_mail_hops(
    con: Connection,
    user: str,
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> pd.DataFrame:
    """The Received hops of the stored messages whose From: names ``user`` and that our own
    servers received in the window, one row per hop (hop_index 0 is the newest, the top one)."""
    w = window(con, since=since, until=until, window_days=window_days)
    return _df(
        con,
        """
        WITH sent AS (
            SELECT DISTINCT message_key, message_id FROM stg_messages
            WHERE position(lower(trim($user)) IN lower(coalesce(header_from, ''))) > 0
        )
        SELECT s.message_id, h.hop_index, h.received_at, h.from_helo, h.from_ip, h.by_host,
               h.with_protocol, h.is_authenticated, h.tls_version, h.tls_cipher, h.security,
               h.is_own_server
        FROM sent AS s JOIN stg_received_hops AS h USING (message_key)
        WHERE s.message_key IN (
            SELECT message_key FROM stg_received_hops
            WHERE is_own_server AND received_at >= $since AND received_at < $until
        )
        ORDER BY h.received_at, s.message_id, h.hop_index DESC
        """,
        user=user,
        since=w.since,
        until=w.until,
    )


def _monday(days: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(days)
    return (stamps - pd.to_timedelta(stamps.dt.day_of_week, unit="D")).rename("week")


def session_days(
    con: Connection,
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> pd.DataFrame:
    """Per partition day of the window's sessions, what :func:`overview` and
    :func:`daily_trend` count (marts/55_session_days.sql): a report scans them once."""
    w = window(con, since=since, until=until, window_days=window_days)
    return _df(con, "SELECT * FROM session_days($since, $until)", since=w.since, until=w.until)


def stitch_days(
    since: datetime, frames: Sequence[tuple[Window, pd.DataFrame]]
) -> pd.DataFrame | None:
    """The :func:`daily_trend` rows from ``since`` to the last frame's end, taken from the
    :func:`session_days` frames of windows the caller has already scanned (oldest first, each
    starting where the one before ends), or None when they do not reach back to ``since``. A
    day's trend counts depend on its partition alone, and a frame of [a, b) holds every day of
    [a's day, b's day]: a day is taken from the newest frame that holds it. Its ``in_window``
    counts are not the stitched window's, so the result is for the trend only."""
    if not frames or frames[0][0].since.date() > since.date():
        return None
    if any(a.until != b.since for (a, _), (b, _) in pairwise(frames)):
        return None
    start = pd.Timestamp(since.date())
    parts = []
    for (_, days), (after, _) in zip(frames, [*frames[1:], (None, None)], strict=True):
        keep = days["day"] >= start
        if after is not None:
            keep &= days["day"] < pd.Timestamp(after.since.date())
        parts.append(days.loc[keep])
    kept = [p for p in parts if not p.empty]
    if len(kept) <= 1:
        return kept[0] if kept else parts[-1]
    return pd.concat(kept, ignore_index=True)


def client_breakdown(
    con: Connection,
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> pd.DataFrame:
    """Sessions per client IP, service, security and TLS version, most sessions first."""
    w = window(con, since=since, until=until, window_days=window_days)
    return _df(
        con,
        "SELECT * FROM client_breakdown($since, $until) ORDER BY session_count DESC, client_ip, "
        "service, security, tls_version",  # a total order: equal counts are common
        since=w.since,
        until=w.until,
    )


def rejects_summary(
    con: Connection,
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> pd.DataFrame:
    """Rejected lines per kind and reason in the window, with one example each."""
    w = window(con, since=since, until=until, window_days=window_days)
    return _df(
        con,
        """
        SELECT kind, reason, count(*) AS reject_count,
               count(DISTINCT source_file) AS file_count, min(raw) AS example
        FROM stg_rejects
        WHERE partition_date >= CAST($since AS DATE) AND partition_date < CAST($until AS DATE)
        GROUP BY kind, reason ORDER BY reject_count DESC, kind, reason
        """,
        since=w.since,
        until=w.until,
    )


def coverage_advice(
    con: Connection,
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> pd.DataFrame:
    """The settings that would log what most of a source's logins in the window lack (TLS
    version or mode), with the share missing (0..1): :func:`pipeline.query.coverage.advice`."""
    from pipeline.query.coverage import advice

    w = window(con, since=since, until=until, window_days=window_days)
    return advice(
        _df(con, "SELECT * FROM coverage_gaps($since, $until)", since=w.since, until=w.until)
    )


def overview(
    con: Connection,
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    baseline: Moment | None = None,
    posture: pd.DataFrame | None = None,
    days: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The headline numbers, one row. ``posture``: as for :func:`level_counts`; ``days``: as
    for :func:`daily_trend`."""
    w = window(con, since=since, until=until, window_days=window_days)
    if posture is None:
        posture = user_posture(con, since=w.since, until=w.until, baseline=baseline)
    if days is None:
        days = session_days(con, since=w.since, until=w.until)
    first, last = event_span(con)
    with login_users(con, w.since, w.until) as live_days:
        return _overview(con, w, posture, days, first, last, live_days)


def _overview(
    con: Connection,
    w: Window,
    posture: pd.DataFrame,
    days: pd.DataFrame,
    first: datetime | None,
    last: datetime | None,
    live_days: list[date] | None,
) -> pd.DataFrame:
    return _over_frames(
        con,
        {"posture": posture, "days": days},
        query_sql("overview"),
        since=w.since,
        until=w.until,
        first=first,
        last=last,
        live_days=live_days,
    )


def plan_status(
    con: Connection, plan: Plan = EMPTY_PLAN, *, as_of: Moment | None = None
) -> pd.DataFrame:
    """One row per criterion of each phase of ``plan`` on ``as_of`` (default: the lake's last day):
    the phase's dates and status, the criterion, its measured value and status."""
    end = window(con, until=as_of).until
    on = (end - timedelta(days=1)).date()
    judge_attempts(con)

    def measure(days: int) -> dict[str, float | None]:
        frame = _df(
            con,
            "SELECT * FROM plan_metrics($since, $until, CAST($grace AS VARCHAR[]))",
            since=end - timedelta(days=days),
            until=end,
            grace=plan.grace_users(on),
        )
        return {str(k): None if pd.isna(v) else float(v) for k, v in frame.iloc[0].items()}

    rows = [
        {
            "phase": p.phase,
            "name": p.name,
            "planned": p.planned,
            "actual": p.actual,
            "date_changes": p.date_changes,
            "is_late": p.is_late,
            "phase_status": p.status,
            "criterion": c.criterion if c else None,
            "value": c.value if c else None,
            "status": c.status if c else p.status,
            "reason": c.reason if c else "no criteria",
        }
        for p in evaluate(plan, measure, on)
        for c in (p.criteria or (None,))
    ]
    columns = [
        "phase",
        "name",
        "planned",
        "actual",
        "date_changes",
        "is_late",
        "phase_status",
        "criterion",
        "value",
        "status",
        "reason",
    ]
    return pd.DataFrame(rows, columns=columns)


# The migration over time, for the dashboard and the report: small functions over the queries
# above, the arithmetic in pipeline.query.progress.


def history_window(con: Connection, *, weeks: int | None = None) -> Window:
    """From the first day in the lake (or ``weeks`` weeks before its end, if later) to the end of
    its last day: the whole migration so far."""
    end = window(con)
    first = event_span(con)[0]
    since = end.since if first is None else _utc(first.astimezone(UTC).date())
    if weeks is not None:
        since = max(since, end.until - timedelta(weeks=weeks))
    return Window(min(since, end.until - timedelta(days=1)), end.until)


def key_changes(
    con: Connection,
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    baseline: Moment | None = None,
) -> pd.DataFrame:
    """The key figures (progress.KPIS) of the window against the window of the same length just
    before it: one row each with now, before, change and whether the change is for the better."""
    w = window(con, since=since, until=until, window_days=window_days)
    previous = Window(w.since - (w.until - w.since), w.since)
    figures = []
    for span in (w, previous):
        days = session_days(con, since=span.since, until=span.until)
        figures.append(
            progress.key_figures(
                user_posture(con, since=span.since, until=span.until, baseline=baseline),
                days,
                daily_trend(con, since=span.since, until=span.until, days=days),
            )
        )
    return progress.compare(*figures)


def plan_timeline(
    con: Connection, plan: Plan = EMPTY_PLAN, *, as_of: Moment | None = None
) -> pd.DataFrame:
    """One row per phase of ``plan`` (progress.TIMELINE_COLUMNS) on ``as_of`` (default: the
    lake's last day): planned, first planned and actual dates, slip, and its state: met, ahead,
    late, done, not met, or upcoming."""
    end = window(con, until=as_of).until
    on = (end - timedelta(days=1)).date()
    return progress.plan_timeline(plan_status(con, plan, as_of=on), plan, on)


def user_devices(
    con: Connection,
    user: str,
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    sessions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One user's client IPs (progress.user_devices). ``sessions``: the :func:`user_sessions`
    of the same window, when the caller has it already."""
    if sessions is None:
        sessions = user_sessions(con, user, since=since, until=until, window_days=window_days)
    return progress.user_devices(sessions)


def user_services(
    con: Connection,
    user: str,
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    sessions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One user's sessions per service, port, TLS mode and version (progress.user_services).
    ``sessions``: as for :func:`user_devices`."""
    if sessions is None:
        sessions = user_sessions(con, user, since=since, until=until, window_days=window_days)
    return progress.user_services(sessions)


def user_weekly(
    con: Connection,
    user: str,
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    sessions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One user's own logins per week and level (progress.user_weekly). ``sessions``: as for
    :func:`user_devices`."""
    if sessions is None:
        sessions = user_sessions(con, user, since=since, until=until, window_days=window_days)
    return progress.user_weekly(sessions)


def _df(con: Connection, sql: str, **params: Any) -> pd.DataFrame:
    return run(con, sql, params, lambda result: result.df())


def _row(con: Connection, sql: str, **params: Any) -> tuple[Any, ...]:
    # fetched to the end: the connection is free
    rows = run(con, sql, params, lambda result: result.fetchall())
    return tuple(rows[0])  # an aggregate always returns its one row


def _over_frames(
    con: Connection, frames: dict[str, pd.DataFrame], sql: str, **params: Any
) -> pd.DataFrame:
    """``sql`` run with each of ``frames`` as the relation of its name (``posture``, a
    user_posture frame; ``days``, a session_days one): the dear parts of a report, computed
    once and shared by its sections."""
    for name, frame in frames.items():
        con.register(name, frame)
    try:
        return _df(con, sql, **params)
    finally:
        for name in frames:
            con.unregister(name)


def _baseline(baseline: Moment | None) -> datetime | None:
    return None if baseline is None else _utc(baseline)


def _is_date(moment: Moment) -> bool:
    return not isinstance(moment, datetime)


def _utc(moment: Moment) -> datetime:
    """A date is its midnight in UTC; a naive datetime is taken as UTC."""
    if not isinstance(moment, datetime):
        return datetime.combine(moment, time(), tzinfo=UTC)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


QUERIES_DIR: Final = Path(__file__).with_name("sql") / "queries"


@cache
def query_sql(name: str) -> str:
    """The text of ``sql/queries/<name>.sql``: a query run here with parameters (views cannot
    take them), kept in a file like the views."""
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")
