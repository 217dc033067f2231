"""Issue 16, defect 11: a login in a session still open at the end of the input is counted,
marked open, and the ingest that reads the rest completes it without counting it twice.

The lines are pixelpark's real Postfix 3 submission session (tests/data/logs/postfix/
pixelpark-postfix-logsums__mail.log.xz, see SOURCES.md), cut before its disconnect line.
"""

from __future__ import annotations

import lzma
from pathlib import Path

from pipeline.config import SiteConfig
from pipeline.ingest.run import ingest
from pipeline.lake.compact import compact
from pipeline.query import queries
from pipeline.query.db import connect

PIXELPARK = Path(__file__).parents[1] / "data" / "logs" / "postfix"
PIXELPARK_LOG = PIXELPARK / "pixelpark-postfix-logsums__mail.log.xz"


def a_login_session() -> list[str]:
    """The first submission session of the log that logged in, connect to disconnect."""
    with lzma.open(PIXELPARK_LOG, "rt", encoding="utf-8", errors="replace") as handle:
        lines = handle.read().splitlines()
    login = next(
        i for i, ln in enumerate(lines) if "submission/smtpd" in ln and "sasl_username=" in ln
    )
    tag = lines[login].split(": ", 1)[0].split(" ", 2)[2]  # "postfix/submission/smtpd[pid]"
    mine = [ln for ln in lines if f" {tag}: " in ln]
    start = max(
        i
        for i, ln in enumerate(mine)
        if "connect from" in ln and "disconnect" not in ln and lines.index(ln) <= login
    )
    end = next(i for i, ln in enumerate(mine) if i > start and "disconnect from" in ln)
    return mine[start : end + 1]


def logins(lake: Path) -> list[tuple]:
    with connect(lake) as con:
        return con.sql(
            "SELECT user_key, is_open, auth_result FROM session_levels WHERE user_key IS NOT NULL"
        ).fetchall()


def test_an_open_login_is_counted_then_completed_once(tmp_path: Path) -> None:
    session = a_login_session()
    assert "disconnect from" in session[-1] and any("sasl_username=" in ln for ln in session)
    log = tmp_path / "mail.log"
    log.write_text("\n".join(session[:-1]) + "\n", encoding="utf-8")
    lake = tmp_path / "lake"
    config = SiteConfig(timezone="UTC")
    ingest([str(log)], lake, config)
    (first,) = logins(lake)
    assert first[1:] == (True, "ok")  # counted, marked open
    with connect(lake) as con:
        head = queries.overview(con).iloc[0]
    assert (head["login_count"], head["open_login_count"]) == (1, 1)

    ingest([str(log)], lake, config)  # nothing new: still one row
    assert [row[1] for row in logins(lake)] == [True]

    with log.open("a", encoding="utf-8") as handle:
        handle.write(session[-1] + "\n")
    ingest([str(log)], lake, config)
    assert logins(lake) == [(first[0], False, "ok")]  # completed, once


def test_compaction_leaves_open_rows_to_be_replaced(tmp_path: Path) -> None:
    session = a_login_session()
    log = tmp_path / "mail.log"
    log.write_text("\n".join(session[:-1]) + "\n", encoding="utf-8")
    lake = tmp_path / "lake"
    config = SiteConfig(timezone="UTC")
    ingest([str(log)], lake, config)
    compact(lake)
    with log.open("a", encoding="utf-8") as handle:
        handle.write(session[-1] + "\n")
    ingest([str(log)], lake, config)
    assert [row[1] for row in logins(lake)] == [False]


OPENSMTPD_LOG = PIXELPARK.parent / "opensmtpd" / "lab-opensmtpd6.8.0p2__smtpd.log"


def test_an_open_opensmtpd_login_is_counted_then_completed_once(tmp_path: Path) -> None:
    """The lab's OpenSMTPD 6.8 session of sybil, cut before its disconnect line."""
    lines = OPENSMTPD_LOG.read_text(encoding="utf-8").splitlines()
    mine = [ln for ln in lines if " 6435b30b632168a1 " in ln]
    assert "authentication" in " ".join(mine) and "disconnected" in mine[-1]
    log = tmp_path / "smtpd.log"
    log.write_text("\n".join(mine[:-1]) + "\n", encoding="utf-8")
    lake = tmp_path / "lake"
    config = SiteConfig(timezone="UTC", year=2026)
    ingest([str(log)], lake, config)
    assert [row[1:] for row in logins(lake)] == [(True, "ok")]
    with log.open("a", encoding="utf-8") as handle:
        handle.write(mine[-1] + "\n")
    ingest([str(log)], lake, config)
    assert [row[1:] for row in logins(lake)] == [(False, "ok")]
