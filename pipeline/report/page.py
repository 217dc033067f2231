"""The report as one self-contained HTML page: inline CSS, inline SVG charts, no script and no
external fetch, so it opens the same from a file, in a mail client and on paper (print rules
for A4). The PDF is this page printed by a browser (:mod:`pipeline.report.pdf`)."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Final

import pandas as pd

from pipeline.report import charts
from pipeline.report.escapes import printable
from pipeline.report.render import cell, html_table
from pipeline.report.summary import Summary

TITLE: Final = "Who still sends mail passwords unsafely"
Embed = Callable[[str], str]  # a chart's Vega-Lite specification → its HTML
PNG_SCALE: Final = 2  # mail images at twice their CSS size: sharp on high-density screens
STYLE: Final = """
body { font-family: Helvetica, Arial, sans-serif; color: #1c2833; margin: 0; background: #fff; }
.page { max-width: 760px; margin: 0 auto; padding: 24px 20px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 8px; border-bottom: 1px solid #d5d8dc; padding-bottom: 4px; }
p.window { color: #566573; margin: 0 0 16px; font-size: 13px; }
p.headline { font-size: 18px; line-height: 1.4; background: #f4f6f7; border-left: 5px solid #c0392b;
  padding: 12px 14px; margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 4px 0 8px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e5e8e8; vertical-align: top;
  white-space: nowrap; }
td.wrap, th { white-space: normal; }
th { background: #f4f6f7; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.better { color: #1e8449; font-weight: 600; }
.worse { color: #c0392b; font-weight: 600; }
.L0, .late { color: #c0392b; font-weight: 600; }
.L1 { color: #ca6f1e; font-weight: 600; }
.met { color: #1e8449; font-weight: 600; }
.ahead { color: #2e86c1; font-weight: 600; }
.chart { margin: 8px 0; }
.chart svg { max-width: 100%; height: auto; }
.note { color: #566573; font-size: 12px; }
ul.caveats li { margin-bottom: 4px; font-size: 13px; }
footer { margin-top: 32px; color: #7f8c8d; font-size: 11px; }
@page { size: A4; margin: 14mm; }
@media print {
  .page { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  table, .chart, p.headline { break-inside: avoid; }
}
"""


def render_html(
    summary: Summary,
    *,
    since: str,
    until: str,
    previous: str,
    generated_at: str,
    levels: pd.DataFrame,
    appendix: Sequence[tuple[str, pd.DataFrame]] = (),
    embed: Embed | None = None,
) -> str:
    """The page. ``since``/``until``/``previous`` describe the windows in words; ``levels`` is
    the users-per-level table; ``appendix`` (title, table) pairs close the page; ``embed``
    turns a chart's specification into HTML (default: inline SVG)."""
    embed = embed or inline_svg
    parts = [
        f"<h1>{html.escape(TITLE)}</h1>",
        f'<p class="window">{html.escape(since)} to {html.escape(until)} UTC, compared with '
        f"{html.escape(previous)} · plan read on {summary.as_of}</p>",
        f'<p class="headline">{html.escape(printable(summary.headline))}</p>',
        "<h2>Key figures</h2>",
        _kpi_table(summary.kpis),
        "<h2>Users per level</h2>",
        html_table(levels),
        "<h2>Week by week</h2>",
        _chart(charts.exposed_users, summary.weekly, embed),
        _chart(charts.logins, summary.weekly, embed),
        _weekly_table(summary.weekly),
        "<h2>Migration plan</h2>",
        _chart(lambda t: charts.plan_timeline(t, summary.as_of), summary.timeline, embed)
        if not summary.timeline.empty
        else '<p class="note">No plan given (--plan plan.toml).</p>',
        _timeline_table(summary.timeline) if not summary.timeline.empty else "",
        "<h2>Users left at L0 and L1</h2>",
        _users_table(summary.users_left),
        "<h2>Servers and services still accepting cleartext or TLS 1.0/1.1</h2>",
        _endpoints_table(summary.endpoints),
        "<h2>What this report cannot tell</h2>",
        '<ul class="caveats">'
        + "".join(f"<li>{html.escape(printable(c))}</li>" for c in summary.caveats)
        + "</ul>",
        *(f"<h2>Appendix: {html.escape(t)}</h2>\n{html_table(f)}" for t, f in appendix),
        f"<footer>mailtls {html.escape(_version())} · generated {html.escape(generated_at)} UTC"
        " · levels: L0 password in cleartext, L1 legacy TLS 1.0/1.1, L2 modern TLS via"
        " STARTTLS, L3 modern implicit TLS (RFC 8314)</footer>",
    ]
    body = "\n".join(p for p in parts if p)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(TITLE)}: {html.escape(since)} to {html.escape(until)}</title>\n"
        f"<style>{STYLE}</style></head>\n"
        f'<body><div class="page">\n{body}\n</div></body></html>\n'
    )


def inline_svg(spec: str) -> str:
    return f'<div class="chart">{charts.svg(spec)}</div>'


class MailImages:
    """An ``embed`` for mail: each chart as a PNG the message carries (``images``, by content
    id) and an ``<img src="cid:…">`` in the page, for clients that drop inline SVG."""

    def __init__(self) -> None:
        self.images: dict[str, bytes] = {}

    def __call__(self, spec: str) -> str:
        cid = f"chart{len(self.images) + 1}@mailtls"
        image = self.images[cid] = charts.png(spec, scale=PNG_SCALE)
        width = int.from_bytes(image[16:20], "big") // PNG_SCALE  # the IHDR's width
        return (
            f'<div class="chart"><img src="cid:{cid}" alt="chart {len(self.images)}" '
            f'width="{width}" style="max-width:100%;height:auto"></div>'
        )


def _chart(build: Callable[[pd.DataFrame], str], frame: pd.DataFrame, embed: Embed) -> str:
    try:
        return embed(build(frame))
    except charts.ChartsUnavailable:
        return f'<p class="note">Charts need {html.escape(charts.INSTALL_HINT)}.</p>'


def _td(text: object, css: str = "") -> str:
    """One cell, its text escaped; ``css`` its class."""
    attribute = f' class="{css}"' if css else ""
    return f"<td{attribute}>{html.escape(printable(str(text)))}</td>"


def _table(head: str, rows: list[str]) -> str:
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _kpi_table(kpis: pd.DataFrame) -> str:
    rows = []
    for r in kpis.to_dict("records"):
        is_share = str(r["key"]) in ("modern_share", "coverage")
        better = r["is_better"]
        mark = "" if better is None else ("better" if better else "worse")
        cells = [
            _td(r["measure"], "wrap"),
            _td(_figure(r["now"], is_share), "num"),
            _td(_figure(r["before"], is_share), "num"),
            _td(_change(r["change"], is_share), f"num {mark}".strip()),
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    head = (
        "<th>measure</th><th class=num>this window</th><th class=num>previous window</th>"
        "<th class=num>change</th>"
    )
    return _table(head, rows)


def _weekly_table(weekly: pd.DataFrame) -> str:
    columns = {
        "days_with_data": "days with data",
        "l0_user_count": "users L0",
        "l1_user_count": "users L1",
        "cleartext_logins": "cleartext logins",
        "legacy_tls_logins": "legacy TLS logins",
        "modern_tls_logins": "modern TLS logins",
    }
    head = "<th>week starting</th>" + "".join(
        f"<th class=num>{html.escape(label)}</th>" for label in columns.values()
    )
    rows = [
        "<tr>" + _td(cell(r["week"])) + "".join(_td(int(r[c]), "num") for c in columns) + "</tr>"
        for r in weekly.to_dict("records")
    ]
    return _table(head, rows)


def _timeline_table(timeline: pd.DataFrame) -> str:
    rows = []
    for r in timeline.to_dict("records"):
        notes = []
        if r["state"] == "late":
            notes.append(f"{r['days_late']} days late")
        if r["slip_days"]:
            notes.append(f"moved {r['slip_days']:+d} days from {r['first_planned']}")
        planned, actual = r["planned"], r["actual"]
        if actual is not None and not pd.isna(actual) and planned is not None:
            delta = (actual - planned).days
            when = "early" if delta < 0 else "late"
            notes.append("done on time" if delta == 0 else f"done {abs(delta)} days {when}")
        state = str(r["state"])
        cells = [
            _td(r["phase"]),
            _td(r["name"], "wrap"),
            _td(cell(planned)),
            _td(cell(actual)),
            _td(state, state.split(",")[0]),
            _td(f"{r['criteria_met']} {r['status']}"),
            _td("; ".join(notes), "wrap"),
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    head = (
        "<th>phase</th><th>name</th><th>planned</th><th>done</th><th>state</th>"
        "<th>exit criteria</th><th>slip</th>"
    )
    return _table(head, rows)


def _users_table(users: pd.DataFrame) -> str:
    if users.empty:
        return '<p class="note">None: every user seen logging in uses modern TLS.</p>'
    rows = []
    for r in users.to_dict("records"):
        level = str(r["level"])
        last = r["last_cleartext_at"] if level == "L0" else r["last_legacy_tls_at"]
        cells = [
            _td(r["user_name"]),
            _td(level, level),
            _td(cell(last)),
            _td(cell(r["password_reset_required"])),
            _td(cell(r["last_seen_at"])),
            _td(cell(r["client_ip_count"]), "num"),
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    head = (
        "<th>user</th><th>level</th><th>last exposure</th><th>must reset password</th>"
        "<th>last seen</th><th class=num>client addresses</th>"
    )
    return _table(head, rows)


def _endpoints_table(endpoints: pd.DataFrame) -> str:
    if endpoints.empty:
        return '<p class="note">None seen in this window.</p>'
    rows = []
    for r in endpoints.to_dict("records"):
        port = "" if pd.isna(r["server_port"]) else str(int(r["server_port"]))
        what = []
        if r["cleartext_login_count"]:
            what.append(f"{r['cleartext_login_count']} cleartext logins")
        if r["legacy_tls_session_count"]:
            what.append(f"{r['legacy_tls_session_count']} sessions over {r['legacy_tls_versions']}")
        cells = [
            _td(r["server_host"] or "(not logged)"),
            _td(r["service"]),
            _td(port or r["listener"]),
            _td("; ".join(what), "wrap"),
            _td(cell(r["last_seen_at"])),
            _td("yes" if r["counts_against_plan"] else "no (mail between servers)", "wrap"),
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    head = (
        "<th>server</th><th>service</th><th>port</th><th>accepted</th><th>last seen</th>"
        "<th>counts against the plan</th>"
    )
    return _table(head, rows)


def _figure(value: Any, is_share: bool) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{value:.1%}" if is_share else f"{int(value):,}"


def _change(value: Any, is_share: bool) -> str:
    if value is None or pd.isna(value):
        return "–"
    if value == 0:
        return "±0"
    arrow = "▲" if value > 0 else "▼"
    shown = f"{abs(value) * 100:.1f} pts" if is_share else f"{abs(int(value)):,}"
    return f"{arrow} {shown}"


def _version() -> str:
    try:
        return version("mailtls")
    except PackageNotFoundError:
        return "(source)"
