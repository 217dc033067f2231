"""The Dovecot sessioniser on its own: lines of the lab's Dovecot 2.3.19.1 log
(tests/data/logs/generated/lab-postfix3.7.11-dovecot2.3.19.1__mail-traditional.log)."""

from __future__ import annotations

from pipeline.config import SiteConfig
from pipeline.lake.schema import SESSIONS
from pipeline.sessions.dovecot import DovecotSessions
from tests.pipeline.sessions.feed import SOURCE, events, rows_of

CLEARTEXT_IMAP = "Nov 29 04:14:39 vm dovecot: imap-login: Disconnected: Connection closed (auth failed, 1 attempts in 4 secs): user=<alice@example.org>, method=PLAIN, rip=127.0.0.2, lip=127.0.0.1, session=<cYfwh2Jh7eB/AAAC>"
LOCAL_SECURED = "Nov 29 04:14:42 vm dovecot: imap-login: Disconnected: Connection closed (auth failed, 1 attempts in 3 secs): user=<alice@example.org>, method=PLAIN, rip=127.0.0.1, lip=127.0.0.1, secured, session=<0ZgsiGJhx7B/AAAB>"
TLS_POP3 = "Nov 29 04:15:11 vm dovecot: pop3-login: Disconnected: Connection closed (auth failed, 1 attempts in 4 secs): user=<alice@example.org>, method=PLAIN, rip=127.0.0.2, lip=127.0.0.1, TLS: Connection closed, session=<7MLZiWJhMaV/AAAC>"
TWO_SUBMISSION_ATTEMPTS = "Nov 29 04:15:35 vm dovecot: submission-login: Disconnected: Connection closed (auth failed, 2 attempts in 8 secs): user=<alice@example.org>, method=LOGIN, rip=127.0.0.2, lip=127.0.0.1, session=<dVELi2JhWZd/AAAC>"


def test_one_line_is_one_session_row() -> None:
    [row] = rows_of(DovecotSessions, CLEARTEXT_IMAP)
    assert tuple(row) == tuple(SESSIONS.names)  # the row contract, in schema order
    assert (row["source"], row["service"], row["listener"]) == ("dovecot", "imap", "imap-login")
    assert (row["tls_mode"], row["security"]) == ("none", "cleartext")
    assert (row["user_name"], row["auth_method"], row["auth_result"]) == (
        "alice@example.org",
        "PLAIN",
        "failed",
    )
    assert row["session_key"] == "vm/cYfwh2Jh7eB/AAAC"


def test_a_secured_local_connection_is_a_trusted_hop() -> None:
    [row] = rows_of(DovecotSessions, LOCAL_SECURED)
    # cleartext on the loopback: a trusted hop, which the marts leave out of user levels
    assert (row["is_trusted_hop"], row["tls_mode"], row["security"]) == (True, "none", "cleartext")


def test_tls_without_a_logged_version() -> None:
    [row] = rows_of(DovecotSessions, TLS_POP3)
    assert (row["service"], row["tls_version"], row["security"]) == ("pop3", None, "tls_unknown")


def test_the_attempts_of_a_connection_are_counted() -> None:
    [row] = rows_of(DovecotSessions, TWO_SUBMISSION_ATTEMPTS)
    assert (row["service"], row["auth_failures"]) == ("submission", 2)


def test_nothing_stays_open() -> None:
    rows: list[dict[str, object]] = []
    sessions = DovecotSessions(SiteConfig(), rows)
    for event in events(CLEARTEXT_IMAP):
        sessions.feed(event, SOURCE)
    assert len(rows) == 1  # written at once: a Dovecot connection line is a whole session
    assert sessions.open_sessions() == []
