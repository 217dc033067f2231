"""Postfix specifics beyond the dialect examples: syslog names, and a whole session's events."""

from __future__ import annotations

from datetime import UTC

import pytest

from parsers.logline import LogLineParser, family_and_daemon
from parsers.records import LogEvent


@pytest.mark.parametrize(
    ("program", "expected"),
    [
        ("postfix/smtpd", ("postfix", "smtpd")),
        ("postfix/submission/smtpd", ("postfix", "smtpd")),
        ("postfix/submissions/smtpd", ("postfix", "smtpd")),
        ("postfix/smtps/smtpd", ("postfix", "smtpd")),
        ("postfix-mx/smtpd", ("postfix", "smtpd")),
        ("postfix/10025/smtpd", ("postfix", "smtpd")),
        ("postfix-smo/submission/smtpd", ("postfix", "smtpd")),
        ("mx1/smtpd", ("postfix", "smtpd")),  # a fully custom syslog_name
        ("postfix", ("postfix", "")),  # rsyslog's RFC 5424 APP-NAME, cut at the first "/"
        ("dovecot", ("dovecot", "")),
    ],
)
def test_family_and_daemon(program: str, expected: tuple[str, str]) -> None:
    assert family_and_daemon(program) == expected


def test_custom_syslog_names_reach_the_smtpd_dialects() -> None:
    parser = LogLineParser(year=2023, tz=UTC)
    for name in ("postfix-mx/smtpd", "postfix/10025/smtpd", "mx1/submission/smtpd"):
        got = parser.parse(f"Mar 14 00:31:06 mx {name}[7]: connect from a[192.0.2.1]", 1)
        assert isinstance(got, LogEvent) and got.kind == "postfix.smtpd.connect", name


def test_lab_submission_session_with_failed_starttls() -> None:
    # lab traditional log, pid 10736 (second session): STARTTLS dropped, counters say 0/1
    lines = [
        "Nov 29 04:14:16 vm postfix/submission/smtpd[10736]: connect from unknown[127.0.0.2]",
        "Nov 29 04:14:16 vm postfix/submission/smtpd[10736]: SSL_accept error from unknown[127.0.0.2]: lost connection",
        "Nov 29 04:14:16 vm postfix/submission/smtpd[10736]: lost connection after STARTTLS from unknown[127.0.0.2]",
        "Nov 29 04:14:16 vm postfix/submission/smtpd[10736]: disconnect from unknown[127.0.0.2] ehlo=1 starttls=0/1 commands=1/2",
    ]
    parser = LogLineParser(year=2026, tz=UTC)
    events = [parser.parse(line, n) for n, line in enumerate(lines, 1)]
    assert all(isinstance(e, LogEvent) for e in events)
    kinds = [e.kind for e in events if isinstance(e, LogEvent)]
    assert kinds == [
        "postfix.smtpd.connect",
        "postfix.smtpd.tls_error",
        "postfix.smtpd.lost_connection",
        "postfix.smtpd.disconnect",
    ]
    last = events[-1]
    assert isinstance(last, LogEvent)
    assert (last.program, last.pid, last.host) == ("postfix/submission/smtpd", 10736, "vm")
    assert last.fields["starttls_ok"] == "0" and last.fields["starttls_attempts"] == "1"


def test_a_mangled_known_line_is_a_reject_with_its_kind() -> None:
    line = "Mar 14 00:31:06 mx postfix/smtpd[1]: disconnect from a[192.0.2.1] ehlo=one commands=2"
    got = LogLineParser(year=2023, tz=UTC).parse(line, 5)
    assert got is not None and not isinstance(got, LogEvent)
    assert (got.line_no, got.kind, got.raw) == (5, "postfix.smtpd.disconnect", line)
