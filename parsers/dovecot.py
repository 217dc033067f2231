"""Dovecot dialects: login-process lines (2.2, 2.3, 2.4) and auth-process lines."""

from __future__ import annotations

import re

from parsers.dialect import Dialect, Example

LOGIN = Dialect(
    key="dovecot.login.ok",
    family="dovecot",
    contains="-login: Login: ",
    pattern=re.compile(
        r"^(?P<service>imap|pop3|submission|managesieve)-login: Login: user=<(?P<user>[^>]{0,320})>"
        r"(?:, method=(?P<method>[\w-]{1,32}))?, rip=(?P<rip>[0-9A-Fa-f:.]{2,45}), lip=(?P<lip>[0-9A-Fa-f:.]{2,45})"
    ),
    examples=(
        Example(
            "Jun 13 20:20:21 platypus dovecot: imap-login: Login: user=<alice@example.org>, method=PLAIN, rip=192.0.2.7, lip=192.0.2.1, mpid=1234, TLS, session=<abc>",
            {"service": "imap", "user": "alice@example.org", "method": "PLAIN"},
            "format-derived (log-formats.md c1)",
        ),
    ),
)

DIALECTS: tuple[Dialect, ...] = (LOGIN,)
