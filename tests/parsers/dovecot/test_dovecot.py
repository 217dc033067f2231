"""Dovecot dialects beyond their own examples: dispatch order, failure classes, the element
reader's edge cases, and that nothing raises or backtracks on hostile text."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.dialect import Dialect
from parsers.dovecot import dialects as dovecot
from parsers.dovecot.auth import auth_fields
from parsers.dovecot.fields import classify_failure, failure_fields, key_value, login_fields
from parsers.envelope import EnvelopeParser
from parsers.logline import LogLineParser
from parsers.records import LogEvent

DIALECTS = dovecot.DIALECTS
ENVELOPE = "Jan  1 00:00:00 mx dovecot: "


def test_prefilters_are_distinct() -> None:
    literals = [d.contains for d in DIALECTS]
    assert len(set(literals)) == len(literals)


@pytest.mark.parametrize("dialect", DIALECTS, ids=[d.key for d in DIALECTS])
def test_no_example_message_matches_another_dialect(dialect: Dialect) -> None:
    # The registry test searches whole lines; these patterns are anchored on the message.
    for example in dialect.examples:
        envelope = EnvelopeParser(year=2024).parse(example.line)
        assert envelope is not None
        message = envelope.message
        clashes = [
            d.key
            for d in DIALECTS
            if d is not dialect and d.contains in message and d.pattern.search(message)
        ]
        assert not clashes, f"{example.line!r} also matches {clashes}"


@pytest.mark.parametrize(
    ("reason", "code", "flag", "expected"),
    [
        ("auth failed, 7 attempts in 111 secs", "", "none", ("auth_failed", "7")),
        ("1 authentication attempts", "", "secured", ("auth_failed", "1")),
        ("auth failed, 3 attempts in 16 secs", "auth_failed", "TLS", ("auth_failed", "3")),
        ("tried to use disallowed plaintext auth", "", "none", ("plaintext_disallowed", None)),
        ("tried to use disabled plaintext auth", "", "none", ("plaintext_disallowed", None)),
        ("cleartext", "cleartext_auth_disabled", "none", ("plaintext_disallowed", None)),
        ("no auth attempts in 58 secs", "", "none", ("no_auth", "0")),
        ("no auth attempts", "", "TLS handshaking", ("tls_failed", "0")),
        (
            "disconnected during TLS handshake",
            "tls_handshake_not_finished",
            "",
            ("tls_failed", "0"),
        ),
        ("client didn't finish SASL auth, waited 2 secs", "", "TLS", ("other", None)),
        ("user disabled", "", "TLS", ("other", None)),
    ],
)
def test_failure_classes(
    reason: str, code: str, flag: str, expected: tuple[str, str | None]
) -> None:
    assert classify_failure(reason, code, flag) == expected


def parse(message: str) -> LogEvent:
    record = LogLineParser(year=2024).parse(ENVELOPE + message)
    assert isinstance(record, LogEvent), record
    return record


def test_tls_error_holding_the_element_separator() -> None:
    event = parse(
        "imap-login: Disconnected (no auth attempts in 3 secs): user=<>, rip=192.0.2.9, "
        "lip=192.0.2.1, TLS handshaking: SSL_accept() failed: bad record, alert 40, "
        "session=<Zz9>"
    )
    assert event.fields["tls_error"] == "SSL_accept() failed: bad record, alert 40"
    assert event.fields["session_id"] == "Zz9"


def test_proxied_tls_in_a_24_tls_element() -> None:
    event = parse(
        "imap-login: Login: user=<u>, method=PLAIN, rip=192.0.2.9, lip=192.0.2.1, mpid=9, "
        "secured, tls=<(proxied)>, session=<Zz8>"
    )
    assert event.fields["tls_flag"] == "proxied"


def test_user_name_with_a_password_typed_into_it_is_redacted() -> None:
    event = parse(
        "imap-login: Disconnected (auth failed, 1 attempts): user=<password=hunter2>, "
        "method=PLAIN, rip=192.0.2.9, lip=192.0.2.1"
    )
    assert "hunter2" not in (event.fields["user_name"] or "")


def test_huge_user_name_is_rejected_quickly() -> None:
    parser = LogLineParser(year=2024)
    for message in (
        "imap-login: Login: user=<" + "a" * 100_000,
        "imap-login: Disconnected (auth failed, 1 attempts): user=<" + "a" * 100_000,
        "auth: sql(" + "a" * 100_000 + "): unknown user",
    ):
        started = time.perf_counter()
        record = parser.parse(ENVELOPE + message)
        assert time.perf_counter() - started < 1.0
        assert not isinstance(record, LogEvent)


HOSTILE = [
    " (a" * 21_000,
    ": rip=" * 10_000,
    ": user=<" * 8_000,
    " (x) (y): " * 6_000,
    "TLS: " * 13_000,
    ": user=<a>, " * 5_000,
    "sql(a,1.1.1.1,<" * 4_000,
]
PREFIXES = [
    "imap-login: ",
    "imap-login: Info: Login: ",
    "auth-worker(1): conn unix:x (pid=1): auth-worker<1>: ",
    "auth(a,192.0.2.1,sasl:plain)<s>: ",
]


@pytest.mark.parametrize("dialect", DIALECTS, ids=[d.key for d in DIALECTS])
def test_hostile_message_after_a_real_prefix_finishes(dialect: Dialect) -> None:
    # A generous bound that only catastrophic backtracking breaks; not a speed test.
    for prefix in PREFIXES:
        for junk in HOSTILE:
            message = prefix + junk + dialect.contains + junk
            started = time.perf_counter()
            dialect.match(message)
            assert time.perf_counter() - started < 1.0, f"{dialect.key} on {message[:40]!r}"


GROUP_NAMES = ("service", "user", "rest", "reason", "code", "disconnect_text", "driver",
               "driver24", "user24", "ip", "ip24", "session", "session24", "mech")  # fmt: skip
GROUPS = st.fixed_dictionaries(
    {}, optional={name: st.one_of(st.none(), st.text(max_size=200)) for name in GROUP_NAMES}
)


# generation, not the code under test, is what a loaded shared runner makes slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(GROUPS)
def test_derive_never_raises(groups: dict[str, str | None]) -> None:
    for derive in (login_fields, failure_fields, auth_fields):
        fields = derive(groups)
        assert all(v is None or isinstance(v, str) for v in fields.values())


ELEMENT_TEXT = st.lists(
    st.sampled_from(
        ["user=<", "user=<a>", ">", ", ", "rip=", "192.0.2.1", "TLS", "TLS: ", "secured",
         "(", ")", " (auth failed, 2 attempts)", " (auth_failed)", ": ", "method=", "x",
         "tls=<", " with cipher ", " (256/256 bits)", "TLSv1.2", "session=<", "given password: "]
    ),
    max_size=40,
).map("".join)  # fmt: skip
PREFIX_TEXT = st.sampled_from(["", "imap-login: ", "pop3-login: Info: Login: ", "auth: sql("])


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PREFIX_TEXT, st.one_of(ELEMENT_TEXT, st.text(max_size=400)))
def test_line_parser_never_raises(prefix: str, text: str) -> None:
    parser = LogLineParser(year=2024)
    for line in (ENVELOPE + prefix + text, prefix + text, text):
        parser.parse(line, 1)
    for dialect in DIALECTS:
        dialect.match(prefix + text)


@given(st.text(alphabet=st.sampled_from("ab_Z=<> \n,"), max_size=40))
def test_element_key_value_reads_as_a_lowercase_name_then_the_rest(token: str) -> None:
    expected = re.fullmatch(r"([a-z_]{1,32})=(.*)", token, re.DOTALL)
    assert key_value(token) == (expected.groups() if expected else None)


def test_element_key_value_of_real_elements() -> None:
    assert key_value("rip=192.0.2.1") == ("rip", "192.0.2.1")
    assert key_value("session=<a=b>") == ("session", "<a=b>")
    assert key_value("TLS") is None
    assert key_value("Rip=1") is None
    assert key_value("=1") is None
    assert key_value("a" * 33 + "=1") is None
