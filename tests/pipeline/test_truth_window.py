"""Issue 16, defect 10: rejects are dated by their line; every report says what its window
leaves out; a future-dated line cannot make the default window show 0 users.

Lines: pixelpark's real Postfix 3 log (rsyslog RFC 3339 stamps, March 2023; see SOURCES.md):
one submission login session, its TLS line cut short as a syslog size limit cuts it (a
reject), and the same session's connect and disconnect written again with a clock set to 2033.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.config import SiteConfig
from pipeline.ingest.run import ingest
from pipeline.query.db import connect
from pipeline.report.document import HEADLINE, build_report
from tests.pipeline.test_truth_open_sessions import a_login_session


def lake_with_a_future_line(tmp_path: Path) -> Path:
    session = a_login_session()
    tls = next(ln for ln in session if "TLS connection established" in ln)
    cut = tls[: tls.index("established") + 25]  # a reject
    future = [ln.replace("2023-03-", "2033-03-", 1) for ln in (session[0], session[-1])]
    log = tmp_path / "mail.log"
    log.write_text("\n".join([*session, cut, *future]) + "\n", encoding="utf-8")
    lake = tmp_path / "lake"
    ingest([str(log)], lake, SiteConfig(timezone="UTC"))
    return lake


def headline(lake: Path) -> dict[str, object]:
    with connect(lake) as con:
        report = build_report(con)
    frame = report.sections[0].frame
    by_label = dict(zip(frame["measure"], frame["value"], strict=True))
    return {key: by_label[label] for key, label in HEADLINE.items()}


def test_a_future_line_does_not_empty_the_default_window(tmp_path: Path) -> None:
    numbers = headline(lake_with_a_future_line(tmp_path))
    assert numbers["user_count"] == 1
    assert numbers["session_after_count"] == 1  # the 2033 session, said, not hidden
    assert numbers["session_before_count"] == 0
    assert numbers["user_outside_count"] == 0
    assert str(numbers["last_event_at"]).startswith("2033-03")  # where the data lies


def test_rejects_are_dated_by_their_line(tmp_path: Path) -> None:
    lake = lake_with_a_future_line(tmp_path)
    with connect(lake) as con:
        days = con.sql("SELECT CAST(partition_date AS VARCHAR) FROM stg_rejects").fetchall()
    assert [day[0][:7] for day in days] == ["2023-03"]
    numbers = headline(lake)
    assert (numbers["reject_count"], numbers["reject_outside_count"]) == (1, 0)


def test_users_seen_only_outside_the_window_are_counted(tmp_path: Path) -> None:
    """pixelpark's March login, and crowdsec's Dovecot login of 13 October (the window's end)."""
    march = tmp_path / "march.log"
    march.write_text("\n".join(a_login_session()) + "\n", encoding="utf-8")
    october = tmp_path / "october.log"
    october.write_text(
        "Oct 13 09:22:59 canyon dovecot: pop3-login: Info: Login: user=<test@yourdomain.net>,"
        " method=PLAIN, rip=172.17.0.1, lip=172.17.0.2, mpid=18, TLS,"
        " session=<PeYcgjjOGOisEQAB>\n",
        encoding="utf-8",
    )
    lake = tmp_path / "lake"
    ingest([str(march), str(october)], lake, SiteConfig(timezone="UTC", year=2023))
    assert (lake / "_derived" / "login_users").is_dir()  # the months' summaries
    numbers = headline(lake)
    assert (numbers["user_count"], numbers["user_outside_count"]) == (1, 1)
    assert numbers["session_before_count"] == 1
    shutil.rmtree(lake / "_derived")  # the same answer from the sessions themselves
    assert headline(lake)["user_outside_count"] == 1
