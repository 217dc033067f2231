"""The report in every format, on the hand-written lake and on an empty one."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from pipeline.plan.phases import load_plan
from pipeline.query import queries
from pipeline.query.db import connect
from pipeline.report.document import FORMATS, Report, build_report, render

EXAMPLE_PLAN = Path(__file__).parents[3] / "pipeline" / "plan" / "plan.example.toml"
MARCH = {"since": date(2025, 3, 1), "until": date(2025, 3, 31)}


@pytest.fixture(scope="module")
def march_report(lake: Path) -> Report:
    with connect(lake) as con:
        return build_report(con, plan=load_plan(EXAMPLE_PLAN), **MARCH)


@pytest.fixture(scope="module")
def empty_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    with connect(tmp_path_factory.mktemp("empty")) as con:
        return build_report(con, plan=load_plan(EXAMPLE_PLAN))


@pytest.mark.parametrize("fmt", FORMATS)
def test_report_renders(march_report: Report, fmt: str) -> None:
    text = render(march_report, fmt)
    for heading in ("Users per level", "Migration plan", "Daily trend", "Rejects"):
        assert heading in text
    assert "2025-03-01" in text
    assert "Cleartext cut" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_lake_gives_an_empty_report(empty_report: Report, fmt: str) -> None:
    text = render(empty_report, fmt)
    assert "Users per level" in text
    assert "not measurable" in text  # no phase is met on no data


def test_styled_text_uses_rich_tables(march_report: Report) -> None:
    assert "\x1b[" in render(march_report, "text", styled=True)


def test_json_report_numbers(lake: Path) -> None:
    with connect(lake) as con:
        document = json.loads(render(build_report(con, **MARCH), "json"))
    levels = {row["level"]: row["user_count"] for row in document["Users per level"]}
    assert levels == {"L0": 3, "L1": 1, "L2": 2, "L3": 3, "unknown": 3}
    headline = {row["measure"]: row["value"] for row in document["Headline"]}
    assert headline["users who must reset their password"] == 4  # dave, judy, nina, leo
    assert headline["rejected log lines"] == 3
    assert headline["port-25 MTA sessions (never count against the plan)"] == 1
    # 2025-03-19: hank's L3 login; ivan's webmail hop is not a cleartext login
    day = next(r for r in document["Daily trend"] if r["day"] == "2025-03-19")
    assert (day["cleartext_logins"], day["modern_tls_logins"]) == (0, 1)


def test_csv_report_is_one_tidy_table(lake: Path) -> None:
    with connect(lake) as con:
        text = render(build_report(con, **MARCH), "csv")
    table = list(csv.DictReader(io.StringIO(text)))
    assert set(table[0]) == {"section", "row", "column", "value"}
    rejects = [r for r in table if r["section"] == "Rejects" and r["column"] == "reject_count"]
    assert [r["value"] for r in rejects] == ["2", "1"]  # "no user" twice, "bad ip" once


def test_rejects_summary(lake: Path) -> None:
    with connect(lake) as con:
        frame = queries.rejects_summary(con, **MARCH)
    assert frame[["kind", "reason", "reject_count", "file_count"]].values.tolist() == [
        ["dovecot", "no user", 2, 1],
        ["postfix", "bad ip", 1, 1],
    ]


def test_daily_security_grain(lake: Path) -> None:
    with connect(lake) as con:
        frame = queries.daily_security(con, since=date(2025, 3, 11), until=date(2025, 3, 11))
    # carol's guesser: three failures in one cleartext session on 143
    assert frame[
        ["service", "security", "tls_mode", "session_count", "login_count", "failed_count"]
    ].values.tolist() == [["imap", "cleartext", "none", 1, 0, 3]]


def test_client_breakdown(lake: Path) -> None:
    with connect(lake) as con:
        frame = queries.client_breakdown(con, **MARCH)
    guesser = frame[frame["client_ip"] == "203.0.113.66"]
    assert guesser[
        ["service", "security", "login_count", "failed_count", "user_count"]
    ].values.tolist() == [["imap", "cleartext", 0, 3, 1]]
