"""Postfix dialects: smtpd sessions, TLS, SASL, and the outbound smtp client's TLS lines."""

from __future__ import annotations

import re

from parsers.dialect import Dialect, Example
from parsers.fragments import HOST_IP

CONNECT = Dialect(
    key="postfix.smtpd.connect",
    family="postfix",
    daemons=("smtpd",),
    contains="connect from ",
    pattern=re.compile(rf"^connect from {HOST_IP}$"),
    examples=(
        Example(
            "Mar 14 00:31:06 helga postfix/submission/smtpd[303987]: connect from unknown[2a02:8109:b240:41c8:9264:99a9:1b0d:15c8]",
            {"client_host": "unknown", "client_ip": "2a02:8109:b240:41c8:9264:99a9:1b0d:15c8"},
            "corpus postfix/pixelpark-postfix-logsums__mail.log",
        ),
    ),
    not_examples=(
        "Mar 14 00:31:06 helga postfix/submission/smtpd[303987]: disconnect from unknown[192.0.2.1] ehlo=1 quit=1 commands=2",
    ),
)

DIALECTS: tuple[Dialect, ...] = (CONNECT,)
