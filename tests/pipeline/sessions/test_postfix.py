"""The Postfix sessioniser on its own: lines of the lab's Postfix 3.7.11 log
(tests/data/logs/generated/lab-postfix3.7.11-dovecot2.3.19.1__mail-traditional.log)."""

from __future__ import annotations

from pipeline.config import SiteConfig
from pipeline.lake.schema import SESSIONS
from pipeline.sessions.postfix import PostfixSessions
from tests.pipeline.sessions.feed import SOURCE, events, rows_of

STARTTLS_ON_25 = """
Nov 29 04:13:44 vm postfix/smtpd[10673]: connect from unknown[127.0.0.2]
Nov 29 04:13:44 vm postfix/smtpd[10673]: Anonymous TLS connection established from unknown[127.0.0.2]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256
Nov 29 04:13:44 vm postfix/smtpd[10673]: NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 454 4.7.1 <alice@example.org>: Relay access denied; from=<bob@example.net> to=<alice@example.org> proto=ESMTP helo=<client.example.net>
Nov 29 04:13:44 vm postfix/smtpd[10673]: lost connection after RSET from unknown[127.0.0.2]
Nov 29 04:13:44 vm postfix/smtpd[10673]: disconnect from unknown[127.0.0.2] ehlo=2 starttls=1 mail=1 rcpt=0/1 rset=1 commands=5/6
"""

CLEARTEXT_ON_25 = """
Nov 29 04:13:44 vm postfix/smtpd[10673]: connect from unknown[127.0.0.2]
Nov 29 04:13:44 vm postfix/smtpd[10673]: lost connection after RSET from unknown[127.0.0.2]
Nov 29 04:13:44 vm postfix/smtpd[10673]: disconnect from unknown[127.0.0.2] ehlo=1 mail=1 rcpt=0/1 rset=1 commands=3/4
"""

IMPLICIT_TLS1_AUTH_FAILED = """
Nov 29 04:14:23 vm postfix/submissions/smtpd[10744]: connect from unknown[127.0.0.2]
Nov 29 04:14:23 vm postfix/submissions/smtpd[10744]: Anonymous TLS connection established from unknown[127.0.0.2]: TLSv1 with cipher ECDHE-RSA-AES256-SHA (256/256 bits)
Nov 29 04:14:27 vm postfix/submissions/smtpd[10744]: warning: unknown[127.0.0.2]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=alice@example.org
Nov 29 04:14:27 vm postfix/submissions/smtpd[10744]: lost connection after AUTH from unknown[127.0.0.2]
Nov 29 04:14:27 vm postfix/submissions/smtpd[10744]: disconnect from unknown[127.0.0.2] ehlo=1 auth=0/1 commands=1/2
"""


def test_a_starttls_session_on_port_25_is_one_row() -> None:
    [row] = rows_of(PostfixSessions, STARTTLS_ON_25)
    assert tuple(row) == tuple(SESSIONS.names)  # the row contract, in schema order
    assert (row["source"], row["service"], row["server_port"]) == ("postfix", "smtp", 25)
    assert (row["tls_mode"], row["tls_version"], row["security"]) == (
        "starttls",
        "TLSv1.3",
        "modern_tls",
    )
    assert (row["auth_result"], row["client_ip"], row["source_line"]) == ("none", "127.0.0.2", 1)


def test_a_session_without_tls_is_cleartext() -> None:
    [row] = rows_of(PostfixSessions, CLEARTEXT_ON_25)
    assert (row["tls_mode"], row["security"]) == ("none", "cleartext")


def test_a_failed_login_on_465_over_tls_1_0() -> None:
    [row] = rows_of(PostfixSessions, IMPLICIT_TLS1_AUTH_FAILED)
    assert (row["service"], row["server_port"], row["tls_mode"]) == ("submission", 465, "implicit")
    assert (row["tls_version"], row["security"]) == ("TLSv1.0", "legacy_tls")
    assert (row["user_name"], row["auth_result"], row["auth_failures"]) == (
        "alice@example.org",
        "failed",
        1,
    )


def test_a_session_cut_by_the_end_of_a_file_resumes_from_its_state() -> None:
    lines = IMPLICIT_TLS1_AUTH_FAILED.strip().splitlines()
    rows: list[dict[str, object]] = []
    first = PostfixSessions(SiteConfig(), rows)
    for event in events("\n".join(lines[:2])):
        first.feed(event, SOURCE)
    [state] = first.open_sessions()
    second = PostfixSessions(SiteConfig(), rows)
    second.resume(state)
    for event in events("\n".join(lines[2:])):
        second.feed(event, SOURCE)
    second.flush_stale(None, everything=True)
    assert rows == rows_of(PostfixSessions, IMPLICIT_TLS1_AUTH_FAILED)
