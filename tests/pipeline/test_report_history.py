"""The lab's eight-week migration history (sample_data/history/) through `mailtls ingest`, then:
its weekly levels against the lab's ground truth, and the HTML report's numbers, read back out of
the page, against pipeline.query.queries run on their own windows."""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.plan.phases import load_plan
from pipeline.query import queries
from pipeline.query.db import connect
from pipeline.report.document import build_report, render

ROOT = Path(__file__).resolve().parents[2]
HISTORY = ROOT / "sample_data" / "history"
PLAN = ROOT / "sample_data" / "plan.toml"
FIRST_MONDAY = date(2026, 10, 5)
WEEKS = 8


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("history") / "lake"
    result = CliRunner().invoke(
        cli,
        [
            "ingest",
            str(HISTORY / "logs"),
            str(HISTORY / "maildir"),
            "--lake",
            str(path),
            "--config",
            str(ROOT / "sample_data" / "mailtls.toml"),
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    return path


class Tables(HTMLParser):
    """Every <table> of a page as rows of cell texts, keyed by the <h2> above it."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.heading = ""
        self._in: str | None = None
        self._text = ""
        self._row: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h2", "td", "th", "p"):
            self._in, self._text = tag, ""
        elif tag == "tr":
            self._row = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self.heading = self._text.strip()
        elif tag in ("td", "th"):
            self._row.append(self._text.strip())
        elif tag == "tr":
            self.tables.setdefault(self.heading, []).append(self._row)
        self._in = None if tag == self._in else self._in

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text += data


def _page(lake: Path, **options: object) -> tuple[str, Tables]:
    with connect(lake) as con:
        page = render(build_report(con, plan=load_plan(PLAN), **options), "html")  # type: ignore[arg-type]
    parsed = Tables()
    parsed.feed(page)
    return page, parsed


def _body(rows: list[list[str]]) -> list[dict[str, str]]:
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_the_weekly_levels_of_the_history_match_the_lab_ground_truth(lake: Path) -> None:
    with open(HISTORY / "ground_truth" / "users_weekly.csv", newline="") as handle:
        truth = list(csv.DictReader(handle))
    differences = []
    with connect(lake) as con:
        for week in range(1, WEEKS + 1):
            start = FIRST_MONDAY + timedelta(days=7 * (week - 1))
            posture = queries.user_posture(
                con, since=start, until=start + timedelta(days=6), baseline=FIRST_MONDAY
            )
            got = {
                r["user_name"]: (r["level"], "yes" if r["password_reset_required"] else "no")
                for r in posture.to_dict("records")
            }
            for row in (r for r in truth if int(r["week"]) == week):
                want = (row["level"], row["password_reset_required"]) if row["level"] else None
                if got.get(row["user"]) != want:
                    differences.append(
                        f"week {week} {row['user']}: {want} != {got.get(row['user'])}"
                    )
    assert not differences, "\n".join(differences)


def test_the_history_shows_a_migration(lake: Path) -> None:
    """Exposed users fall over the weeks; the hold-out stays; the guessed-at user keeps L3."""
    with open(HISTORY / "ground_truth" / "users_weekly.csv", newline="") as handle:
        truth = list(csv.DictReader(handle))
    level = {(int(r["week"]), r["user"]): r["level"] for r in truth}
    exposed = [
        sum(1 for (w, _), lv in level.items() if w == week and lv in ("L0", "L1"))
        for week in range(1, WEEKS + 1)
    ]
    assert exposed[0] > exposed[-1] > 0
    assert {level[(w, "dave@lab.example")] for w in range(1, WEEKS + 1)} == {"L1"}
    assert {level[(w, "heidi@lab.example")] for w in range(1, WEEKS + 1)} == {"L3"}
    carol = [level[(w, "carol@lab.example")] for w in range(1, WEEKS + 1)]
    assert carol[0] == "L0" and "L2" in carol and carol[-1] == "L3"


def test_html_report_numbers_match_the_queries(lake: Path) -> None:
    page, parsed = _page(lake, names=True)
    with connect(lake) as con:
        window = queries.window(con)
        posture = queries.user_posture(con, baseline=load_plan(PLAN).baseline)
        trend = queries.daily_trend(con)
        previous = queries.user_posture(
            con,
            since=window.since - (window.until - window.since),
            until=window.since,
            baseline=load_plan(PLAN).baseline,
        )
        weeks = {
            start: queries.user_posture(con, since=start, until=start + timedelta(days=6))
            for start in (FIRST_MONDAY + timedelta(days=7 * w) for w in range(WEEKS))
        }
        weekly_trend = {
            start: queries.daily_trend(con, since=start, until=start + timedelta(days=6))
            for start in weeks
        }

    kpis = {r["measure"]: r for r in _body(parsed.tables["Key figures"])}
    l0 = int((posture["level"] == "L0").sum())
    l1 = int((posture["level"] == "L1").sum())
    assert kpis["users at L0: password sent in cleartext"]["this window"] == str(l0)
    assert kpis["users at L1: legacy TLS 1.0/1.1 only"]["this window"] == str(l1)
    assert kpis["users at L0: password sent in cleartext"]["previous window"] == str(
        int((previous["level"] == "L0").sum())
    )
    assert kpis["users who must reset their password"]["this window"] == str(
        int(posture["password_reset_required"].sum())
    )
    assert kpis["cleartext logins and refused cleartext attempts"]["this window"] == str(
        int(trend["cleartext_logins"].sum())
    )
    assert kpis["logins over legacy TLS"]["this window"] == str(
        int(trend["legacy_tls_logins"].sum())
    )
    headline = re.search(r'<p class="headline">(\d+) users still send', page)
    assert headline and int(headline[1]) == l0 + l1

    weekly = {r["week starting"]: r for r in _body(parsed.tables["Week by week"])}
    assert len(weekly) == WEEKS
    for start, week_posture in weeks.items():
        row = weekly[start.isoformat()]
        assert row["users L0"] == str(int((week_posture["level"] == "L0").sum())), start
        assert row["users L1"] == str(int((week_posture["level"] == "L1").sum())), start
        counts = weekly_trend[start]
        assert row["cleartext logins"] == str(int(counts["cleartext_logins"].sum())), start
        assert row["modern TLS logins"] == str(int(counts["modern_tls_logins"].sum())), start

    left = _body(parsed.tables["Users left at L0 and L1"])
    want = posture[posture["level"].isin(["L0", "L1"])]
    assert [(r["user"], r["level"]) for r in left] == list(
        zip(want["user_name"], want["level"], strict=True)
    )
    for row, record in zip(left, want.to_dict("records"), strict=True):
        last = (
            record["last_cleartext_at"] if record["level"] == "L0" else record["last_legacy_tls_at"]
        )
        assert row["last exposure"] == pd.Timestamp(last).strftime("%Y-%m-%d %H:%M")


def test_html_report_is_self_contained_with_charts_and_the_plan_states(lake: Path) -> None:
    pytest.importorskip("vl_convert")
    page, parsed = _page(lake)
    assert page.count("<svg") >= 3  # two weekly charts and the plan timeline
    assert not re.search(r"<script|<link|<img|@import|url\(", page, re.IGNORECASE)
    external = set(re.findall(r"https?://[^\s\"'<>)]+", page)) - {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    }
    assert not external
    states = {r["phase"]: r["state"] for r in _body(parsed.tables["Migration plan"])}
    assert states["P0"] == "met" and states["P3"] == "late" and states["P5"] == "ahead"
    assert states["P6"] == "upcoming"
    assert "phase P3 is 9 days late" in page


def test_user_names_are_hidden_unless_asked(lake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAILTLS_PSEUDONYM_KEY", raising=False)
    page, parsed = _page(lake)
    users = [r["user"] for r in _body(parsed.tables["Users left at L0 and L1"])]
    assert users == [f"user {n}" for n in range(1, len(users) + 1)]
    assert "@lab.example" not in page
    monkeypatch.setenv("MAILTLS_PSEUDONYM_KEY", "k")
    _, keyed = _page(lake)
    assert all(
        r["user"].startswith("user-") for r in _body(keyed.tables["Users left at L0 and L1"])
    )


def test_fail_if_stale_names_the_newest_data(lake: Path) -> None:
    result = CliRunner().invoke(
        cli, ["report", "--lake", str(lake), "--fail-if-stale", "1", "-o", "/dev/null"]
    )
    assert result.exit_code == 1
    assert "newest session is from 2026-11-29 12:" in str(result.exception)
    fresh = CliRunner().invoke(
        cli, ["report", "--lake", str(lake), "--fail-if-stale", "100000", "--format", "json"]
    )
    assert fresh.exit_code == 0, fresh.output


def test_since_last_week_alone_is_the_whole_of_last_week(lake: Path) -> None:
    import json
    from datetime import UTC, datetime

    from pipeline.report.periods import period_bounds

    first, last = period_bounds("last-week", datetime.now(UTC).date())
    result = CliRunner().invoke(
        cli, ["report", "--lake", str(lake), "--since", "last-week", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["since"] == f"{first}T00:00:00+00:00"
    assert document["until"] == f"{last + timedelta(days=1)}T00:00:00+00:00"
