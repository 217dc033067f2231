"""Issue 16, defect 3: a cleartext AUTH is a refused attempt only with evidence of a refusal.

The Postfix lines are fail2ban's (tests/data/logs/postfix/fail2ban__postfix.log, gh-3505): an
AUTH on port 25 that ends in a lost connection, ``auth=0/1``, no STARTTLS, no SASL failure.
"""

from __future__ import annotations

from pathlib import Path

from parsers.logline import LogLineParser
from parsers.records import LogEvent
from pipeline.config import SiteConfig, load_config
from pipeline.sessions.sessioniser import Sessioniser

DATA = Path(__file__).parents[1] / "data" / "logs"
FAIL2BAN = DATA / "postfix" / "fail2ban__postfix.log"


def rows_of(lines: list[str], config: SiteConfig | None = None) -> list[dict]:
    parser = LogLineParser(year=2005)
    sessioniser = Sessioniser(config or SiteConfig())
    for n, line in enumerate(lines, 1):
        record = parser.parse(line, n)
        if isinstance(record, LogEvent):
            sessioniser.feed(record, "test.log")
    sessioniser.flush_stale(everything=True)
    return sessioniser.take_rows()


def lost_after_auth() -> list[str]:
    lines = FAIL2BAN.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if "postfix/smtpd[50903]" in line]


def test_the_real_lines_are_there() -> None:
    lines = lost_after_auth()
    assert [line.split(": ", 1)[1][:32] for line in lines] == [
        "lost connection after AUTH from ",
        "disconnect from unknown[192.0.2.",
    ]
    assert "auth=0/1" in lines[1]


def test_a_lost_connection_after_auth_is_no_refusal_without_evidence() -> None:
    (row,) = rows_of(lost_after_auth())
    assert row["security"] == "cleartext"
    assert row["auth_result"] == "unknown"  # whether a password crossed is not known
    assert row["auth_failures"] == 0  # no wrong password was logged


def test_a_listener_known_to_refuse_auth_before_tls_makes_it_a_refusal(tmp_path: Path) -> None:
    toml = tmp_path / "mailtls.toml"
    toml.write_text("[postfix.listeners.smtpd]\ntls_auth_only = true\n", encoding="utf-8")
    config = load_config(toml)
    listener = config.postfix_listeners["smtpd"]
    assert (listener.service, listener.port, listener.tls_mode) == ("smtp", 25, "starttls")
    (row,) = rows_of(lost_after_auth(), config)
    assert row["auth_result"] == "refused_cleartext"


def test_the_refused_listener_setting_applies_to_its_own_listener_only(tmp_path: Path) -> None:
    toml = tmp_path / "mailtls.toml"
    toml.write_text("[postfix.listeners.submission]\ntls_auth_only = true\n", encoding="utf-8")
    (row,) = rows_of(lost_after_auth(), load_config(toml))
    assert row["auth_result"] == "unknown"


def test_the_report_says_a_password_may_have_crossed(tmp_path: Path) -> None:
    from pipeline.ingest.run import ingest
    from pipeline.query import queries
    from pipeline.query.db import connect

    log = tmp_path / "mail.log"
    log.write_text("\n".join(lost_after_auth()) + "\n", encoding="utf-8")
    lake = tmp_path / "lake"
    ingest([str(log)], lake, SiteConfig(timezone="UTC", year=2005))
    with connect(lake) as con:
        head = queries.overview(con).iloc[0]
    assert head["cleartext_unknown_result_count"] == 1
    assert head["login_count"] == 0  # no level, no login: only said
