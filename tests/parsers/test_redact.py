"""Passwords never survive: in the redactor, in a Reject's raw line, in ``mailtls explain``."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from parsers.logline import LogLineParser
from parsers.records import Reject
from parsers.redact import may_hold_password, redact, redact_cut
from pipeline.cli.explain import explain


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "sql(t@example.com,192.168.1.1): unknown user (given password: Password123$)",
            "sql(t@example.com,192.168.1.1): unknown user (given password: <redacted>)",
        ),
        (
            "ldap(u,192.0.2.1): Password mismatch (for LDAP bind) (SHA1 of given password: f638ff)",
            "ldap(u,192.0.2.1): Password mismatch (for LDAP bind) (SHA1 of given password: <redacted>)",
        ),
        # a password holding ")" and ", " is cut at the last ")", not the first
        (
            "x: Password mismatch (given password: a), b)c)",
            "x: Password mismatch (given password: <redacted>)",
        ),
        (
            "x: unknown user (given password: no closing",
            "x: unknown user (given password: <redacted>",
        ),
        (
            "AUTH\t1\tPLAIN\tresp=AGFsaWNlAHNlY3JldA==\tlip=1",
            "AUTH\t1\tPLAIN\tresp=<redacted>\tlip=1",
        ),
        ("passdb out: OK user=a Password=<se cret>", "passdb out: OK user=a Password=<redacted>"),
        ("pass=hunter2 x", "pass=<redacted> x"),
        (
            "imap-login: Login: user=<a>, method=PLAIN, rip=192.0.2.1",
            "imap-login: Login: user=<a>, method=PLAIN, rip=192.0.2.1",
        ),
        ("Password mismatch", "Password mismatch"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_redact_each_line_of_a_text() -> None:
    assert redact("a (given password: x)\nb (given password: y)") == (
        "a (given password: <redacted>)\nb (given password: <redacted>)"
    )


@given(st.text(max_size=200), st.text(min_size=1, max_size=50).filter(lambda p: "\n" not in p))
def test_given_password_never_survives(before: str, password: str) -> None:
    line = f"{before.replace(chr(10), ' ')} (given password: {password})"
    assert redact(line).endswith("(given password: <redacted>)")


def test_reject_raw_is_redacted() -> None:
    # looks like a Dovecot login (literal present) but the user element never closes
    line = "Jan  1 00:00:00 mx dovecot: imap-login: Login: user=<x, rip=192.0.2.1 (given password: hunter2)"
    record = LogLineParser(year=2024).parse(line, 7)
    assert isinstance(record, Reject)
    assert "hunter2" not in record.raw
    assert record.raw.endswith("(given password: <redacted>)")


def test_explain_prints_no_password() -> None:
    for line in (
        "Jan  1 00:00:00 mx dovecot: auth: sql(a,192.0.2.1): unknown user (given password: hunter2)",
        "Jan  1 00:00:00 mx dovecot: imap-login: Login: user=<x (given password: hunter2)",
        "Jan  1 00:00:00 mx other: something (given password: hunter2)",
    ):
        result = CliRunner().invoke(explain, [line])
        assert result.exit_code == 0, result.output
        assert "hunter2" not in result.output
        assert "<redacted>" in result.output


@given(st.text(alphabet=st.sampled_from("aPpSsWwDdReE=<> :()\ngiven password"), max_size=30))
def test_a_text_without_a_trigger_has_no_part_that_redaction_changes(text: str) -> None:
    if may_hold_password(text):
        return
    for start in range(len(text)):
        for end in range(start, len(text) + 1):
            assert redact(text[start:end]) == text[start:end]


def test_a_text_with_a_password_may_hold_one() -> None:
    assert may_hold_password("unknown user (given password: hunter2)")
    assert may_hold_password("user=<bob>, Password=hunter2")
    assert not may_hold_password("user=<bob>, method=PLAIN, rip=192.0.2.1")


DEBUG_LINE = (
    "Dec  7 10:00:00 mail dovecot: auth: Debug: passwd-file(alice@example.org,192.0.2.1,<x>): "
    "SHA512-CRYPT(s3cret) != 'x') != '$6$salt$hash', try SHA256-CRYPT scheme instead"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # auth_debug_passwords: the password (holding ") != '") and the stored hash both go
        (
            DEBUG_LINE,
            "Dec  7 10:00:00 mail dovecot: auth: Debug: passwd-file(alice@example.org,192.0.2.1,"
            "<x>): SHA512-CRYPT(<redacted>) != '<redacted>'",
        ),
        (
            "auth: Debug: pam(u,1.2.3.4): PLAIN(pw) != '{PLAIN}other'",
            "auth: Debug: pam(u,1.2.3.4): PLAIN(<redacted>) != '<redacted>'",
        ),
    ],
)
def test_redact_debug_password_comparisons(text: str, expected: str) -> None:
    assert may_hold_password(text)
    assert redact(text) == expected


def test_explain_prints_no_debug_password() -> None:
    result = CliRunner().invoke(explain, [DEBUG_LINE])
    assert result.exit_code == 0
    assert "s3cret" not in result.output and "$6$salt$hash" not in result.output


def test_a_cut_debug_line_is_redacted_from_its_scheme_on() -> None:
    cut = DEBUG_LINE[: DEBUG_LINE.index("s3cret") + 3]  # the closing ") != '" is past the cut
    assert redact_cut(cut).endswith("SHA512-CRYPT(<redacted>")
    assert "s3c" not in redact_cut(cut)


def test_explain_escapes_control_characters() -> None:
    line = "Dec  7 10:00:00 mail dovecot: imap-login: x \x1b]8;;https://evil.example\x1b\\y\x1b[2J"
    result = CliRunner().invoke(explain, [line])
    assert "\x1b" not in result.output and "\\x1b" in result.output
