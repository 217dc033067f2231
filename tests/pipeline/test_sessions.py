"""Sessions from real log lines; every expected value is read by hand from the lines.

Sources: pixelpark/postfix-logsums (helga, log-formats.md b1-b3), the Debian 12 lab
(vm, 127.0.0.2; tests/data/logs/generated/lab-*), and Dovecot lines quoted in log-formats.md c1-c2.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.config import SiteConfig, config_from
from pipeline.schema import SESSIONS
from tests.pipeline.sessioning import assert_row, sessionise

HELGA_SUBMISSION = [
    "2023-03-14T00:31:06.294639+01:00 helga postfix/submission/smtpd[303987]: connect from unknown[2a02:8109:b240:41c8:9264:99a9:1b0d:15c8]",
    "2023-03-14T00:31:06.621091+01:00 helga postfix/submission/smtpd[303987]: 4PbCZy4PWKz3tBr: client=unknown[2a02:8109:b240:41c8:9264:99a9:1b0d:15c8], sasl_method=PLAIN, sasl_username=vmail@uhu-banane.net",
    "2023-03-14T00:31:06.651444+01:00 helga postfix/submission/smtpd[303987]: disconnect from unknown[2a02:8109:b240:41c8:9264:99a9:1b0d:15c8] ehlo=2 starttls=1 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=8",
]


def test_every_row_has_exactly_the_sessions_columns() -> None:
    rows, _ = sessionise(HELGA_SUBMISSION)
    assert list(rows[0]) == SESSIONS.names


def test_postfix_submission_starttls_with_auth_is_ok_over_starttls() -> None:
    rows, edges = sessionise(HELGA_SUBMISSION)
    assert len(rows) == 1
    assert not edges.postfix_tails and not edges.postfix_heads
    assert_row(
        rows[0],
        {
            "event_at": datetime(2023, 3, 13, 23, 31, 6, 294639, tzinfo=UTC),
            "source": "postfix",
            "server_host": "helga",
            "service": "submission",
            "listener": "postfix/submission",
            "server_port": 587,
            "client_ip": "2a02:8109:b240:41c8:9264:99a9:1b0d:15c8",
            "user_name": "vmail@uhu-banane.net",
            "auth_method": "PLAIN",
            "auth_result": "ok",
            "auth_failures": 0,
            "tls_mode": "starttls",
            # smtpd_tls_loglevel 0 on this listener: TLS happened, its version is not known
            "tls_version": None,
            "security": "tls_unknown",
            "is_trusted_hop": False,
            "source_line": 1,
        },
    )


LAB_SMTP_25 = [
    "Nov 29 04:13:44 vm postfix/smtpd[10673]: connect from unknown[127.0.0.2]",
    "Nov 29 04:13:44 vm postfix/smtpd[10673]: Anonymous TLS connection established from unknown[127.0.0.2]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256",
    "Nov 29 04:13:44 vm postfix/smtpd[10673]: lost connection after RSET from unknown[127.0.0.2]",
    "Nov 29 04:13:44 vm postfix/smtpd[10673]: disconnect from unknown[127.0.0.2] ehlo=2 starttls=1 mail=1 rcpt=0/1 rset=1 commands=5/6",
    "Nov 29 04:13:44 vm postfix/smtpd[10673]: connect from unknown[127.0.0.2]",
    "Nov 29 04:13:44 vm postfix/smtpd[10673]: lost connection after RSET from unknown[127.0.0.2]",
    "Nov 29 04:13:44 vm postfix/smtpd[10673]: disconnect from unknown[127.0.0.2] ehlo=1 mail=1 rcpt=0/1 rset=1 commands=3/4",
]


def test_port_25_without_auth_is_smtp_with_or_without_starttls() -> None:
    rows, _ = sessionise(LAB_SMTP_25)
    assert len(rows) == 2
    common = {"service": "smtp", "listener": "postfix", "server_port": 25, "auth_result": "none"}
    assert_row(
        rows[0],
        {
            **common,
            "tls_mode": "starttls",
            "tls_version": "TLSv1.3",
            "tls_version_source": "logged",
            "tls_cipher": "TLS_AES_256_GCM_SHA384",
            "security": "modern_tls",
            "source_line": 1,
        },
    )
    assert_row(rows[1], {**common, "tls_mode": "none", "security": "cleartext", "source_line": 5})


def test_cleartext_auth_on_587_refused_before_starttls() -> None:
    # smtpd_tls_auth_only: AUTH before STARTTLS gets a 503, SASL never sees it (no warning)
    rows, _ = sessionise(
        [
            "Nov 29 04:14:15 vm postfix/submission/smtpd[10736]: connect from unknown[127.0.0.2]",
            "Nov 29 04:14:15 vm postfix/submission/smtpd[10736]: disconnect from unknown[127.0.0.2] ehlo=1 auth=0/1 quit=1 commands=2/3",
        ]
    )
    assert_row(
        rows[0],
        {
            "service": "submission",
            "server_port": 587,
            "auth_result": "refused_cleartext",
            "auth_failures": 1,
            "tls_mode": "none",
            "security": "cleartext",
        },
    )


def test_implicit_465_with_legacy_tls_and_a_wrong_password() -> None:
    rows, _ = sessionise(
        [
            "Nov 29 04:14:23 vm postfix/submissions/smtpd[10744]: connect from unknown[127.0.0.2]",
            "Nov 29 04:14:23 vm postfix/submissions/smtpd[10744]: Anonymous TLS connection established from unknown[127.0.0.2]: TLSv1 with cipher ECDHE-RSA-AES256-SHA (256/256 bits)",
            "Nov 29 04:14:27 vm postfix/submissions/smtpd[10744]: warning: unknown[127.0.0.2]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=alice@example.org",
            "Nov 29 04:14:27 vm postfix/submissions/smtpd[10744]: lost connection after AUTH from unknown[127.0.0.2]",
            "Nov 29 04:14:27 vm postfix/submissions/smtpd[10744]: disconnect from unknown[127.0.0.2] ehlo=1 auth=0/1 commands=1/2",
        ]
    )
    assert_row(
        rows[0],
        {
            "service": "submission",
            "listener": "postfix/submissions",
            "server_port": 465,
            "user_name": "alice@example.org",
            "auth_method": "LOGIN",
            "auth_result": "failed",
            "auth_failures": 1,
            "tls_mode": "implicit",
            "tls_version": "TLSv1.0",
            "tls_cipher": "ECDHE-RSA-AES256-SHA",
            "security": "legacy_tls",
        },
    )


def test_plaintext_sent_to_465_never_had_tls() -> None:
    rows, _ = sessionise(
        [
            "Nov 29 04:14:27 vm postfix/submissions/smtpd[10744]: connect from unknown[127.0.0.2]",
            "Nov 29 04:14:27 vm postfix/submissions/smtpd[10744]: SSL_accept error from unknown[127.0.0.2]: -1",
            "Nov 29 04:14:27 vm postfix/submissions/smtpd[10744]: warning: TLS library problem: error:0A00010B:SSL routines::wrong version number:../ssl/record/ssl3_record.c:350:",
            "Nov 29 04:14:27 vm postfix/submissions/smtpd[10744]: lost connection after CONNECT from unknown[127.0.0.2]",
            "Nov 29 04:14:27 vm postfix/submissions/smtpd[10744]: disconnect from unknown[127.0.0.2] commands=0/0",
        ]
    )
    assert_row(rows[0], {"tls_mode": "implicit", "security": "cleartext", "auth_result": "none"})


def test_internal_network_marks_a_postfix_trusted_hop() -> None:
    config = config_from({"site": {"internal_networks": ["127.0.0.0/8"]}})
    rows, _ = sessionise(LAB_SMTP_25[:4], SiteConfig(**{**_fields(config), "stitch_window_s": 0}))
    assert_row(rows[0], {"is_trusted_hop": True, "security": "cleartext"})


def _fields(config: SiteConfig) -> dict[str, object]:
    return {name: getattr(config, name) for name in SiteConfig.__slots__}


def test_dovecot_tls_on_implicit_port_with_logged_version() -> None:
    rows, _ = sessionise(
        [
            "Jun 13 20:20:22 platypus dovecot: pop3-login: Login: user=<carol>, method=LOGIN, rip=192.0.2.8, rport=50123, lip=192.0.2.1, lport=995, mpid=1235, TLS, TLSv1.1 with cipher ECDHE-RSA-AES256-SHA (256/256 bits), session=<abd>",
        ]
    )
    assert_row(
        rows[0],
        {
            "source": "dovecot",
            "service": "pop3",
            "server_port": 995,
            "server_ip": "192.0.2.1",
            "client_ip": "192.0.2.8",
            "user_name": "carol",
            "auth_method": "LOGIN",
            "auth_result": "ok",
            "tls_mode": "implicit",
            "tls_version": "TLSv1.1",
            "security": "legacy_tls",
            "session_key": "abd",
        },
    )


def test_dovecot_tls_without_lport_has_an_unknown_mode() -> None:
    rows, _ = sessionise(
        [
            "Sep 03 16:23:44 cv5187376.novalocal dovecot[341609]: imap-login: Login: user=<info@ssboss.shop>, method=PLAIN, rip=37.98.158.173, lip=192.168.0.231, mpid=343643, TLS, session=<P1pag+U9MAklYp6t>",
        ]
    )
    assert_row(
        rows[0],
        {
            "user_name": "info@ssboss.shop",
            "auth_result": "ok",
            "tls_mode": "unknown",
            "tls_version": None,
            "security": "tls_unknown",
            "is_trusted_hop": False,
            "session_key": "P1pag+U9MAklYp6t",
        },
    )


def test_dovecot_secured_is_cleartext_on_a_trusted_hop() -> None:
    rows, _ = sessionise(
        [
            "Nov 29 04:14:42 vm dovecot: imap-login: Disconnected: Connection closed (auth failed, 1 attempts in 3 secs): user=<alice@example.org>, method=PLAIN, rip=127.0.0.1, lip=127.0.0.1, secured, session=<0ZgsiGJhx7B/AAAB>",
        ]
    )
    assert_row(
        rows[0],
        {
            "auth_result": "failed",
            "auth_failures": 1,
            "tls_mode": "none",
            "security": "cleartext",
            "is_trusted_hop": True,
        },
    )


def test_dovecot_cleartext_and_refused_plaintext() -> None:
    rows, _ = sessionise(
        [
            "Nov 29 04:14:39 vm dovecot: imap-login: Disconnected: Connection closed (auth failed, 1 attempts in 4 secs): user=<alice@example.org>, method=PLAIN, rip=127.0.0.2, lip=127.0.0.1, session=<cYfwh2Jh7eB/AAAC>",
            "Dec 12 11:19:11 dunnart dovecot: pop3-login: Aborted login (tried to use disallowed plaintext auth): rip=190.210.136.21, lip=113.212.99.193, session=<LgDINsQCkttVIMPg>",
        ]
    )
    assert_row(rows[0], {"auth_result": "failed", "security": "cleartext", "tls_mode": "none"})
    assert_row(
        rows[1],
        {
            "service": "pop3",
            "user_name": None,
            "auth_result": "refused_cleartext",
            "security": "cleartext",
            "client_ip": "190.210.136.21",
        },
    )


def test_dovecot_auth_lines_join_their_login_by_session_id() -> None:
    # the auth process line carries the session id in its prefix (2.3+): made from the lab's
    # failed IMAP login and the auth line shape of log-formats.md c3
    rows, edges = sessionise(
        [
            "Nov 29 04:14:37 vm dovecot: auth: passwd-file(alice@example.org,127.0.0.2,<cYfwh2Jh7eB/AAAC>): Password mismatch",
            "Nov 29 04:14:39 vm dovecot: imap-login: Disconnected: Connection closed (auth failed, 1 attempts in 4 secs): user=<alice@example.org>, method=PLAIN, rip=127.0.0.2, lip=127.0.0.1, session=<cYfwh2Jh7eB/AAAC>",
        ]
    )
    assert len(rows) == 1 and not edges.dovecot_tails
    assert_row(rows[0], {"auth_failures": 1, "source_line": 1, "session_key": "cYfwh2Jh7eB/AAAC"})


def test_a_session_without_disconnect_is_a_tail_fragment_not_a_row() -> None:
    rows, edges = sessionise(HELGA_SUBMISSION[:2])
    assert rows == []
    assert list(edges.postfix_tails) == [("helga", "postfix/submission/smtpd", 303987)]


def test_lines_before_a_connect_are_a_head_fragment() -> None:
    rows, edges = sessionise(HELGA_SUBMISSION[1:])
    assert rows == []
    head = edges.postfix_heads[("helga", "postfix/submission/smtpd", 303987)]
    assert head.ended and len(head.events) == 2
