"""Issue 16, defect 12: the Received half of a login.

The message is real: a Postfix submission hop into mx1.test.lindsaar.net.au, queue id
5C0186DD4CD, ``(using TLSv1 with cipher AES128-SHA)``, ``(Authenticated sender: mikel)``
(tests/data/received/ruby-mail__…japanese_attachment_long_name.eml, see SOURCES.md). The log is
the same login as that server writes it with ``smtpd_tls_loglevel = 0``: ``starttls=1`` and the
SASL user, no TLS line (the lines' form: the lab's Postfix 3.7 and pixelpark's log).
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from pipeline.config import SiteConfig
from pipeline.ingest.run import ingest
from pipeline.query import queries
from pipeline.query.db import connect

RECEIVED = Path(__file__).parents[1] / "data" / "received"
MESSAGE = (
    RECEIVED / "ruby-mail__spec__fixtures__emails__multi_charset__japanese_attachment_long_name.eml"
)
CLIENT = "60-241-138-146.static.tpgi.com.au[60.241.138.146]"
LOG = f"""\
Oct 30 19:11:07 mx1 postfix/submission/smtpd[4242]: connect from {CLIENT}
Oct 30 19:11:08 mx1 postfix/submission/smtpd[4242]: 5C0186DD4CD: client={CLIENT}, sasl_method=PLAIN, sasl_username=mikel
Oct 30 19:11:08 mx1 postfix/submission/smtpd[4242]: disconnect from {CLIENT} ehlo=2 starttls=1 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=8
"""
CONFIG = SiteConfig(own_hosts=("mx1.test.lindsaar.net.au",), year=2009, timezone="Australia/Sydney")


def lake_of(tmp_path: Path, *, with_mail: bool = True) -> Path:
    log = tmp_path / "mail.log"
    log.write_text(LOG, encoding="utf-8")
    paths = [str(log)]
    if with_mail:
        maildir = tmp_path / "Maildir" / "cur"
        maildir.mkdir(parents=True)
        shutil.copy(MESSAGE, maildir / "1256890268.M1P1.mx1:2,S")
        paths.append(str(tmp_path / "Maildir"))
    lake = tmp_path / "lake"
    ingest(paths, lake, CONFIG)
    return lake


def test_without_the_message_the_login_has_no_version(tmp_path: Path) -> None:
    with connect(lake_of(tmp_path, with_mail=False)) as con:
        rows = con.sql("SELECT tls_version, security, level FROM session_levels").fetchall()
    assert rows == [(None, "tls_unknown", "unknown")]


def test_the_session_takes_the_version_its_received_field_proves(tmp_path: Path) -> None:
    with connect(lake_of(tmp_path)) as con:
        rows = con.sql(
            "SELECT user_key, tls_mode, tls_version, tls_version_source, tls_cipher, security,"
            " level FROM session_levels"
        ).fetchall()
        evidence = con.sql("SELECT evidence_source FROM login_evidence").fetchall()
        since = datetime(2009, 10, 1, tzinfo=UTC)
        until = datetime(2009, 11, 1, tzinfo=UTC)
        trend = queries.daily_trend(con, since=since, until=until)
        posture = queries.user_posture(con, since=since, until=until)
    assert rows == [("mikel", "starttls", "TLSv1.0", "received", "AES128-SHA", "legacy_tls", "L1")]
    assert evidence == [("log",)]  # the hop is explained by the session: one login, not two
    assert list(posture["level"]) == ["L1"]
    (day,) = trend.to_dict("records")
    assert (day["legacy_tls_logins"], day["unknown_logins"]) == (1, 0)


def test_mail_ingested_after_the_log_still_reaches_the_exposure_summaries(tmp_path: Path) -> None:
    log = tmp_path / "mail.log"
    log.write_text(LOG, encoding="utf-8")
    lake = tmp_path / "lake"
    ingest([str(log)], lake, CONFIG)  # writes the month's summary: no legacy TLS known yet
    maildir = tmp_path / "Maildir" / "cur"
    maildir.mkdir(parents=True)
    shutil.copy(MESSAGE, maildir / "1256890268.M1P1.mx1:2,S")
    ingest([str(tmp_path / "Maildir")], lake, CONFIG)
    with connect(lake) as con:
        posture = queries.user_posture(
            con, since=datetime(2009, 10, 1, tzinfo=UTC), until=datetime(2009, 11, 1, tzinfo=UTC)
        )
    (last,) = posture["last_legacy_tls_at"]
    assert last is not None and str(last).startswith("2009-10-30")
