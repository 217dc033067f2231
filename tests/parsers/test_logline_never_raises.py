"""No text makes the line parser raise: any string, behind any envelope it may be read in."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.logline import LogLineParser

PREFIXES = st.sampled_from(
    [
        "",
        "Mar 14 00:31:06 mx postfix/smtpd[1]: ",
        "Mar 14 00:31:06 mx postfix/smtpd[1]: warning: unknown[192.0.2.1]: SASL ",
        "2023-03-14T00:31:06.294639+01:00 mx postfix/submission/smtpd[303987]: disconnect from a[192.0.2.1]",
        "Tue 2023-03-14 00:31:06 CET mx postfix/tlsproxy[2]: Anonymous TLS connection established from ",
        "<22>1 2023-03-14T00:31:06Z mx postfix 9 - ",
        '{"MESSAGE": ',
        '{"log": "',
        "1678750266.5 mx postfix/smtp[3]: Trusted TLS connection established to ",
        "Jun 13 20:20:21 imap-login: Info: ",
        "x-1  | ",
        "\x01\x00\x00\x00\x00\x00\x00\x10",
    ]
)
TEXT = st.text(max_size=300)
SURROGATES = st.binary(max_size=200).map(lambda b: b.decode("utf-8", "surrogateescape"))


@settings(max_examples=200, deadline=None)
@given(PREFIXES, st.one_of(TEXT, SURROGATES))
def test_parse_never_raises(prefix: str, rest: str) -> None:
    parser = LogLineParser(year=2023)
    parser.parse(prefix + rest, 1)
    parser.parse(rest, 2)
