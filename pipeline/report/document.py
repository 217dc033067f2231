"""The weekly report: the headline sentence, key figures against the previous window, users per
level, the unverified cleartext attempts, the plan's phases, the weekly and daily trends, the users left at L0/L1, the servers
still accepting cleartext or legacy TLS, the rejects and the caveats, as sections of tables
rendered to text, Markdown, JSON or CSV, or as the HTML page of :mod:`pipeline.report.page`
(which the PDF prints)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import pandas as pd

from pipeline.plan.phases import EMPTY_PLAN, Plan
from pipeline.query import queries
from pipeline.query.privacy import key_from_env, pseudonymise_column
from pipeline.query.queries import Connection, Moment, Window
from pipeline.report.escapes import printable, spreadsheet_safe
from pipeline.report.page import Embed, render_html
from pipeline.report.render import Share, cell, markdown_table, records, text_table
from pipeline.report.summary import TREND_WEEKS, Summary, build_summary

FORMATS: Final = ("text", "md", "html", "json", "csv")  # the PDF prints the html one
TITLE: Final = "mailtls report: who still sends mail passwords in cleartext or over legacy TLS"
HEADLINE: Final = {
    "user_count": "users seen logging in",
    "exposed_user_count": "users at L0 or L1",
    "reset_required_count": "users who must reset their password",
    "login_count": "logins (and refused cleartext attempts)",
    "open_login_count": "of which in sessions still open (completed by the next ingest)",
    "unknown_user_refused_count": "refused cleartext attempts by unknown users",
    "cleartext_unknown_result_count": "cleartext login attempts, result not logged (a password may have crossed)",
    "coverage": "share of logins with TLS version and mode known",
    "failed_login_count": "failed login attempts",
    "smtp_session_count": "port-25 MTA sessions (never count against the plan)",
    "reject_count": "rejected log lines",
    "ingested_file_count": "files ingested",
    # what the window leaves out, and where the data lies (issue 16: a report says so)
    "session_before_count": "sessions before the window",
    "session_after_count": "sessions after the window (future-dated lines included)",
    "user_outside_count": "users seen only outside the window",
    "reject_outside_count": "rejected log lines outside the window",
    "first_event_at": "first session in the lake",
    "last_event_at": "last session in the lake",
}


# sections the HTML page keeps at its end, as plain tables, for whoever wants the detail
APPENDIX: Final = ("Headline", "What the logs do not say", "Daily trend", "Rejects")


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    frame: pd.DataFrame


@dataclass(frozen=True, slots=True)
class Report:
    window: Window
    sections: tuple[Section, ...]
    summary: Summary

    @property
    def subtitle(self) -> str:
        return f"window {cell(self.window.since)} to {cell(self.window.until)} UTC"


def build_report(
    con: Connection,
    *,
    since: Moment | None = None,
    until: Moment | None = None,
    window_days: int = queries.DEFAULT_WINDOW_DAYS,
    plan: Plan = EMPTY_PLAN,
    names: bool = False,
    trend_weeks: int = TREND_WEEKS,
) -> Report:
    """``names``: show user names (default: keyed pseudonyms); ``trend_weeks``: how many weeks
    the weekly trend reaches back from the window's end (at least the window)."""
    window = queries.window(con, since=since, until=until, window_days=window_days)
    since, until = window.since, window.until
    posture = queries.user_posture(con, since=since, until=until, baseline=plan.baseline)
    days = queries.session_days(con, since=since, until=until)
    headline = queries.overview(
        con, since=since, until=until, baseline=plan.baseline, posture=posture, days=days
    ).iloc[0]
    status = queries.plan_status(con, plan, as_of=window.until)
    summary = build_summary(
        con,
        window,
        plan,
        posture=posture,
        days=days,
        phases=status,
        overview=headline,
        names=names,
        trend_weeks=trend_weeks,
    )
    return Report(
        window=window,
        summary=summary,
        sections=(
            Section(
                "Headline",
                pd.DataFrame(
                    {
                        "measure": list(HEADLINE.values()),
                        "value": [_value(k, headline[k]) for k in HEADLINE],
                    }
                ),
            ),
            Section("Change against the previous window", _kpi_table(summary.kpis)),
            Section(
                "What the logs do not say",
                queries.coverage_advice(con, since=since, until=until),
            ),
            Section(
                "Users per level",
                queries.level_counts(
                    con, since=since, until=until, baseline=plan.baseline, posture=posture
                ),
            ),
            Section(
                "Unverified cleartext attempts (set no level: maybe a stranger guessing names)",
                _unverified(con, since, until, names),
            ),
            Section("Migration plan", _phases(status)),
            Section(
                "Plan timeline",
                summary.timeline.drop(columns="status"),
            ),
            Section("Weekly trend", summary.weekly),
            Section("Daily trend", queries.daily_trend(con, since=since, until=until, days=days)),
            Section("Users left at L0 and L1", summary.users_left),
            Section("Servers still accepting cleartext or legacy TLS", summary.endpoints),
            Section(
                "Rejects",
                queries.rejects_summary(con, since=since, until=until).drop(columns="example"),
            ),
            Section("Caveats", pd.DataFrame({"caveat": list(summary.caveats)})),
        ),
    )


# the key figures that are shares (0..1): printed as percentages (their change in points)
SHARE_KEYS: Final = frozenset({"modern_share", "coverage"})


def _kpi_table(kpis: pd.DataFrame) -> pd.DataFrame:
    """The key figures as they print: shares as percentages."""
    frame = kpis.astype({"now": object, "before": object, "change": object})
    shares = frame["key"].isin(SHARE_KEYS)
    for column in ("now", "before", "change"):
        frame.loc[shares, column] = [
            Share(v) if isinstance(v, float) and v == v else v for v in frame.loc[shares, column]
        ]
    return frame.drop(columns=["key", "is_better"])


def _value(key: str, value: object) -> object:
    """A headline value as it prints: shares as percentages."""
    if key == "coverage" and isinstance(value, float) and value == value:
        return Share(value)
    return value


def _unverified(con: Connection, since: Moment, until: Moment, names: bool) -> pd.DataFrame:
    """The refused cleartext attempts that set no level, names hidden as in the users left:
    keyed pseudonyms, else numbers of their own (``name 1``: not the ``user 1`` of that table)."""
    frame = queries.cleartext_attempts(con, since=since, until=until)
    frame = frame[list(queries.ATTEMPT_COLUMNS)].reset_index(drop=True)
    if names or frame.empty:
        return frame
    key = key_from_env()
    if key is not None:
        return pseudonymise_column(frame, "user_name", key)
    numbers = {name: n for n, name in enumerate(dict.fromkeys(frame["user_name"]), 1)}
    frame["user_name"] = [f"name {numbers[name]}" for name in frame["user_name"]]
    return frame


def _phases(status: pd.DataFrame) -> pd.DataFrame:
    """One row per phase, with how many of its criteria are met."""
    if status.empty:
        return pd.DataFrame(
            columns=["phase", "name", "planned", "actual", "status", "criteria_met"]
        )
    grouped = status.groupby("phase", sort=True)
    met = grouped["status"].agg(lambda s: f"{(s == 'met').sum()}/{len(s)}")
    first = grouped.first()
    late = first["is_late"].map({True: " (late)", False: ""})
    return pd.DataFrame(
        {
            "phase": first.index,
            "name": first["name"].to_numpy(),
            "planned": first["planned"].to_numpy(),
            "actual": first["actual"].to_numpy(),
            "status": (first["phase_status"] + late).to_numpy(),
            "criteria_met": met.to_numpy(),
        }
    )


def render(report: Report, fmt: str, *, styled: bool = False) -> str:
    """``report`` as ``fmt`` (one of FORMATS); ``styled`` text uses rich tables and colour."""
    if fmt == "text":
        parts = [TITLE, report.subtitle, printable(report.summary.headline)]
        parts += [text_table(s.frame, title=s.title, styled=styled) for s in report.sections]
        return "\n\n".join(parts) + "\n"
    if fmt == "md":
        parts = [f"# {TITLE}", report.subtitle, f"**{printable(report.summary.headline)}**"]
        parts += [f"## {printable(s.title)}\n\n{markdown_table(s.frame)}" for s in report.sections]
        return "\n\n".join(parts) + "\n"
    if fmt == "html":
        return render_page(report)
    if fmt == "json":
        document = {
            "since": report.window.since.isoformat(),
            "until": report.window.until.isoformat(),
            "summary": report.summary.headline,
            **{s.title: records(s.frame) for s in report.sections},
        }
        return json.dumps(document, indent=2) + "\n"
    if fmt == "csv":
        return _long_csv(report)
    raise ValueError(f"unknown report format {fmt!r}; one of {', '.join(FORMATS)}")


def render_page(report: Report, embed: Embed | None = None) -> str:
    """The HTML page (:mod:`pipeline.report.page`); ``embed`` places its charts (default:
    inline SVG; ``page.MailImages`` for a mail body)."""
    previous = report.summary.previous
    return render_html(
        report.summary,
        since=cell(report.window.since),
        until=cell(report.window.until),
        previous=f"{cell(previous.since)} to {cell(previous.until)}",
        generated_at=cell(datetime.now(UTC).replace(microsecond=0)),
        levels=_section(report, "Users per level"),
        appendix=[(s.title, s.frame) for s in report.sections if s.title in APPENDIX],
        embed=embed,
    )


def _section(report: Report, title: str) -> pd.DataFrame:
    return next(s.frame for s in report.sections if s.title == title)


def _long_csv(report: Report) -> str:
    """Every section's cells as ``section,row,column,value`` rows: one tidy table."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")  # cells made safe by spreadsheet_safe
    writer.writerow(["section", "row", "column", "value"])
    writer.writerow(["Window", 0, "since", report.window.since.isoformat()])
    writer.writerow(["Window", 0, "until", report.window.until.isoformat()])
    writer.writerow(["Summary", 0, "headline", spreadsheet_safe(report.summary.headline)])
    for section in report.sections:
        for number, row in enumerate(records(section.frame)):
            for column, value in row.items():
                cells = [section.title, number, column, "" if value is None else value]
                writer.writerow([spreadsheet_safe(c) for c in cells])
    return buffer.getvalue()
