"""The weekly report: headline numbers, users per level, the unverified cleartext attempts, the
plan's phases, the daily trend and the rejects, as sections of tables rendered to text, Markdown, HTML, JSON or CSV."""

from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import dataclass
from typing import Final

import pandas as pd

from pipeline.plan.phases import EMPTY_PLAN, Plan
from pipeline.query import queries
from pipeline.query.queries import Connection, Moment, Window
from pipeline.report.escapes import printable, spreadsheet_safe
from pipeline.report.render import cell, html_table, markdown_table, records, text_table

FORMATS: Final = ("text", "md", "html", "json", "csv")
TITLE: Final = "mailtls report: who still sends mail passwords in cleartext or over legacy TLS"
HEADLINE: Final = {
    "user_count": "users seen logging in",
    "exposed_user_count": "users at L0 or L1",
    "reset_required_count": "users who must reset their password",
    "login_count": "logins (and refused cleartext attempts)",
    "unknown_user_refused_count": "refused cleartext attempts by unknown users",
    "coverage": "share of logins with TLS version and mode known",
    "failed_login_count": "failed login attempts",
    "smtp_session_count": "port-25 MTA sessions (never count against the plan)",
    "reject_count": "rejected log lines",
    "ingested_file_count": "files ingested",
    "first_event_at": "first session in the lake",
    "last_event_at": "last session in the lake",
}


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    frame: pd.DataFrame


@dataclass(frozen=True, slots=True)
class Report:
    window: Window
    sections: tuple[Section, ...]

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
) -> Report:
    window = queries.window(con, since=since, until=until, window_days=window_days)
    since, until = window.since, window.until
    posture = queries.user_posture(con, since=since, until=until, baseline=plan.baseline)
    days = queries.session_days(con, since=since, until=until)
    headline = queries.overview(
        con, since=since, until=until, baseline=plan.baseline, posture=posture, days=days
    ).iloc[0]
    return Report(
        window=window,
        sections=(
            Section(
                "Headline",
                pd.DataFrame(
                    {"measure": list(HEADLINE.values()), "value": [headline[k] for k in HEADLINE]}
                ),
            ),
            Section(
                "Users per level",
                queries.level_counts(
                    con, since=since, until=until, baseline=plan.baseline, posture=posture
                ),
            ),
            Section(
                "Unverified cleartext attempts (set no level: maybe a stranger guessing names)",
                queries.cleartext_attempts(con, since=since, until=until)[
                    list(queries.ATTEMPT_COLUMNS)
                ],
            ),
            Section("Migration plan", _phases(queries.plan_status(con, plan, as_of=window.until))),
            Section("Daily trend", queries.daily_trend(con, since=since, until=until, days=days)),
            Section(
                "Rejects",
                queries.rejects_summary(con, since=since, until=until).drop(columns="example"),
            ),
        ),
    )


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
        parts = [TITLE, report.subtitle]
        parts += [text_table(s.frame, title=s.title, styled=styled) for s in report.sections]
        return "\n\n".join(parts) + "\n"
    if fmt == "md":
        parts = [f"# {TITLE}", report.subtitle]
        parts += [f"## {printable(s.title)}\n\n{markdown_table(s.frame)}" for s in report.sections]
        return "\n\n".join(parts) + "\n"
    if fmt == "html":
        body = "\n".join(
            f"<h2>{html.escape(printable(s.title))}</h2>\n{html_table(s.frame)}"
            for s in report.sections
        )
        return (
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(TITLE)}</title></head><body>\n<h1>{html.escape(TITLE)}</h1>\n"
            f"<p>{html.escape(report.subtitle)}</p>\n{body}\n</body></html>\n"
        )
    if fmt == "json":
        document = {
            "since": report.window.since.isoformat(),
            "until": report.window.until.isoformat(),
            **{s.title: records(s.frame) for s in report.sections},
        }
        return json.dumps(document, indent=2) + "\n"
    if fmt == "csv":
        return _long_csv(report)
    raise ValueError(f"unknown report format {fmt!r}; one of {', '.join(FORMATS)}")


def _long_csv(report: Report) -> str:
    """Every section's cells as ``section,row,column,value`` rows: one tidy table."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")  # cells made safe by spreadsheet_safe
    writer.writerow(["section", "row", "column", "value"])
    writer.writerow(["Window", 0, "since", report.window.since.isoformat()])
    writer.writerow(["Window", 0, "until", report.window.until.isoformat()])
    for section in report.sections:
        for number, row in enumerate(records(section.frame)):
            for column, value in row.items():
                cells = [section.title, number, column, "" if value is None else value]
                writer.writerow([spreadsheet_safe(c) for c in cells])
    return buffer.getvalue()
