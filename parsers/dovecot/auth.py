"""Dovecot auth-process lines: why a login failed, by passdb driver (``auth_verbose = yes``).

2.2/2.3 log ``auth: driver(user,ip[,<session>]): reason`` (through an auth worker:
``auth-worker(pid): [conn unix:auth-worker (pid=…,uid=…): auth-worker<n>: ]driver(user,ip): …``);
2.4 logs ``auth(user,ip,sasl:mech)<session>: driver: reason``. The reasons differ per driver,
so each reason family is its own dialect with its own cheap literal: a single literal shared by
all of them (``auth``) would also catch the process's warnings and debug lines and turn them
into rejects. With ``auth_verbose_passwords`` the reason ends in the password: it is redacted.
"""

from __future__ import annotations

import re

from parsers.dialect import Dialect, Example, Fields
from parsers.dovecot.fields import redacted
from parsers.fragments import repeat

_PROCESS = r"(?:dovecot: )?auth(?:-worker)?(?:\((?:\d{1,10}|default)\))?: (?:Info: )?"
_WORKER_CONN = r"(?:conn [^\s()]{1,64} \([^()\n]{0,64}\): auth-worker<\d{1,10}>: )?"
_CONTEXT_23 = (
    r"(?P<driver>[a-z][\w-]{0,31})\((?P<user>[^,()\n]{0,320})"
    r"(?:,(?P<ip>[0-9A-Fa-f:.]{0,45})(?:,(?:<(?P<session>[^<>\n]{1,64})>)?)?)?\): "
)
_CONTEXT_24 = (
    r"auth(?:-worker)?\((?P<user24>[^,()\n]{0,320}),(?P<ip24>[0-9A-Fa-f:.]{0,45}),"
    r"sasl:(?P<mech>[\w-]{1,32})\)<(?P<session24>[^<>\n]{1,64})>: (?:Info: )?"
    r"(?P<driver24>[a-z][\w-]{0,31})(?:\([^()\n]{0,64}\))?: "
)


# up to 1024 characters, in pieces RE2 accepts (parsers.fragments.repeat)
_REASON_TEXT = repeat(r"[^\n]", 1024)


def _pattern(reason: str) -> re.Pattern[str]:
    return re.compile(
        rf"^(?:{_PROCESS}{_WORKER_CONN}{_CONTEXT_23}|{_CONTEXT_24})"
        rf"(?P<reason>{reason}{_REASON_TEXT})"
    )


def auth_fields(groups: Fields) -> Fields:
    """driver, user_name, client_ip, session_id, auth_method (2.4 only), reason."""
    fields: Fields = {
        "driver": groups.get("driver") or groups.get("driver24"),
        "user_name": groups.get("user") or groups.get("user24") or None,
        "client_ip": groups.get("ip") or groups.get("ip24") or None,
        "session_id": groups.get("session") or groups.get("session24"),
        "auth_method": (groups.get("mech") or "").upper() or None,
        "reason": groups.get("reason"),
    }
    return redacted(fields)


PAM_FAILED = Dialect(
    key="dovecot.auth.pam_failed",
    family="dovecot",
    contains="pam_authenticate() failed",
    pattern=_pattern(r"pam_authenticate\(\) failed: "),
    derive=auth_fields,
    description="PAM refused the credentials; the PAM text says why",
    examples=(
        Example(
            "Sep 8 07:16:29 canyon dovecot: auth-worker(24058): pam(toto,1.1.1.1,<youpi>): pam_authenticate() failed: Authentication failure (password mismatch?)",
            {
                "driver": "pam",
                "user_name": "toto",
                "client_ip": "1.1.1.1",
                "session_id": "youpi",
                "reason": "pam_authenticate() failed: Authentication failure (password mismatch?)",
            },
            "corpus dovecot/crowdsec-hub__dovecot-logs.log",
        ),
        Example(
            "Apr 29 15:54:19 mail dovecot: auth-worker(14864): conn unix:auth-worker (pid=14830,uid=109): auth-worker<6>: pam(caliph@customdomaine.com,5.34.207.151): pam_authenticate() failed: Authentication failure (Password mismatch?)",
            {
                "driver": "pam",
                "user_name": "caliph@customdomaine.com",
                "client_ip": "5.34.207.151",
                "session_id": None,
            },
            "corpus dovecot/crowdsec-hub__dovecot-logs.log",
        ),
        Example(
            "Jan 29 14:38:51 example.com dovecot[24941]: auth-worker(30165): pam(user@example.com,192.0.2.6,<PNHQq8pZhqIKAQGd>): pam_authenticate() failed: Permission denied",
            {
                "user_name": "user@example.com",
                "client_ip": "192.0.2.6",
                "session_id": "PNHQq8pZhqIKAQGd",
                "reason": "pam_authenticate() failed: Permission denied",
            },
            "corpus dovecot/fail2ban__dovecot.log",
        ),
        Example(
            "Jul 02 13:49:32 hostname dovecot[442]: dovecot: auth(default): pam(account@MYSERVERNAME.com,200.76.17.206): pam_authenticate() failed: User not known to the underlying authentication module: 2 Time(s)",
            {"user_name": "account@MYSERVERNAME.com", "client_ip": "200.76.17.206"},
            "corpus dovecot/fail2ban__dovecot.log (Dovecot 1.x auth(default))",
        ),
        Example(
            "Nov 29 04:16:00 vm dovecot: auth-worker(11456): conn unix:auth-worker (pid=11455,uid=103): auth-worker<1>: pam(alice@example.org): pam_authenticate() failed: Authentication failure (Password mismatch?)",
            {"driver": "pam", "user_name": "alice@example.org", "client_ip": None},
            "corpus generated/lab-postfix3.7.11-dovecot2.3.19.1__mail-traditional.log",
        ),
    ),
    not_examples=(
        "Nov 29 04:16:00 vm dovecot: auth: Warning: Killed with signal 15 (by pid=10155 uid=0 code=kill)",
        "Sep 8 07:46:30 canyon dovecot: auth-worker(24544): pam(toto,1.1.1.1): unknown user",
    ),
)

UNKNOWN_USER = Dialect(
    key="dovecot.auth.unknown_user",
    family="dovecot",
    contains="unknown user",
    pattern=_pattern(r"unknown user"),
    derive=auth_fields,
    description="the passdb has no such user",
    examples=(
        Example(
            "Jan 29 05:13:50 mail dovecot: auth: passwd-file(username,1.2.3.4): unknown user",
            {
                "driver": "passwd-file",
                "user_name": "username",
                "client_ip": "1.2.3.4",
                "reason": "unknown user",
            },
            "corpus dovecot/fail2ban__dovecot.log",
        ),
        Example(
            "Sep 8 07:46:30 canyon dovecot: auth-worker(24544): pam(toto,1.1.1.1): unknown user",
            {"driver": "pam", "user_name": "toto", "client_ip": "1.1.1.1", "session_id": None},
            "corpus dovecot/crowdsec-hub__dovecot-logs.log",
        ),
        Example(
            "Apr 18 08:31:30 mail dovecot: auth-worker(63712): Info: conn unix:auth-worker (pid=58074,uid=109): auth-worker<4>: sql(contact,220.169.110.101): unknown user",
            {"driver": "sql", "user_name": "contact", "client_ip": "220.169.110.101"},
            "corpus dovecot/crowdsec-hub__dovecot-logs.log",
        ),
        Example(
            "2024-12-31T06:56:17.784598+01:00 mail dovecot: auth-worker(10377): conn unix:auth-worker (pid=919,uid=112): auth-worker<1>: sql(testing@example.com,192.168.1.1): unknown user (given password: Password123$)",
            {
                "driver": "sql",
                "user_name": "testing@example.com",
                "client_ip": "192.168.1.1",
                "reason": "unknown user (given password: <redacted>)",
            },
            "corpus dovecot/crowdsec-hub__dovecot-logs.log",
        ),
        Example(
            "2025-01-01T17:05:06.533969+01:00 mail2 dovecot: auth: passwd-file(karen@co.uk,192.168.1.1): unknown user (SHA1 of given password: 21bd12)",
            {
                "user_name": "karen@co.uk",
                "reason": "unknown user (SHA1 of given password: <redacted>)",
            },
            "corpus dovecot/crowdsec-hub__dovecot-logs.log",
        ),
        Example(
            "Jun 11 13:57:17 main dovecot: auth: ldap(user@server.org,192.168.178.25,<LZmGp6mZaMrAqLIZ>): unknown user (SHA1 of given password: f638ff)",
            {"driver": "ldap", "session_id": "LZmGp6mZaMrAqLIZ", "client_ip": "192.168.178.25"},
            "corpus dovecot/fail2ban__dovecot.log",
        ),
        Example(
            "Jan 11 03:45:09 hostname dovecot: auth-worker(default): sql(username,1.2.3.4): unknown user",
            {"driver": "sql", "user_name": "username"},
            "corpus dovecot/wazuh-ruleset__dovecot-ini-lines.log",
        ),
        Example(
            "Nov 29 04:16:00 vm dovecot: auth: passwd-file(alice@example.org): unknown user",
            {"driver": "passwd-file", "user_name": "alice@example.org", "client_ip": None},
            "corpus generated/lab-postfix3.7.11-dovecot2.3.19.1__mail-traditional.log",
        ),
        Example(
            "Aug 30 00:10:58 mx dovecot: auth(info@example.com,192.0.2.110,sasl:plain)<CvN+E95Uf4e7eEnj>: passwd-file: unknown user",
            {
                "driver": "passwd-file",
                "user_name": "info@example.com",
                "auth_method": "PLAIN",
                "session_id": "CvN+E95Uf4e7eEnj",
            },
            "format-derived (log-formats.md c3, Dovecot 2.4 prefix)",
        ),
    ),
    not_examples=(
        "Jun 11 13:57:17 main dovecot: auth: sql(admin@example.ru,192.168.144.226,<6rXunFtu493AqJDi>): Password mismatch",
        "Jan 07 14:46:28 mail dovecot: auth: Error: userdb lookup failed: unknown user in table",
    ),
)

PASSWORD_MISMATCH = Dialect(
    key="dovecot.auth.failed",
    family="dovecot",
    contains="Password mismatch",
    pattern=_pattern(r"Password mismatch"),
    derive=auth_fields,
    description="the user exists and the password was wrong",
    examples=(
        Example(
            "Jun 11 13:57:17 main dovecot: auth: sql(admin@example.ru,192.168.144.226,<6rXunFtu493AqJDi>): Password mismatch",
            {
                "driver": "sql",
                "user_name": "admin@example.ru",
                "client_ip": "192.168.144.226",
                "session_id": "6rXunFtu493AqJDi",
                "reason": "Password mismatch",
            },
            "corpus dovecot/fail2ban__dovecot.log",
        ),
        Example(
            "Jun 11 13:57:17 main dovecot: auth: ldap(user@server.org,192.168.178.25,<LZmGp6mZaMrAqLIZ>): Password mismatch (for LDAP bind) (SHA1 of given password: f638ff)",
            {
                "driver": "ldap",
                "reason": "Password mismatch (for LDAP bind) (SHA1 of given password: <redacted>)",
            },
            "corpus dovecot/fail2ban__dovecot.log",
        ),
        Example(
            "Jan 11 03:42:09 hostname dovecot: auth-worker(default): sql(user@example.com,1.2.3.4): Password mismatch",
            {"driver": "sql", "user_name": "user@example.com", "client_ip": "1.2.3.4"},
            "corpus dovecot/wazuh-ruleset__dovecot-ini-lines.log",
        ),
        Example(
            "Aug 30 00:10:57 mx dovecot: auth(info@example.com,192.0.2.110,sasl:login)<CvN+E95Uf4e7eEnj>: Info: sql: Password mismatch (given password: XxxxXXxx123)",
            {
                "driver": "sql",
                "user_name": "info@example.com",
                "client_ip": "192.0.2.110",
                "auth_method": "LOGIN",
                "session_id": "CvN+E95Uf4e7eEnj",
                "reason": "Password mismatch (given password: <redacted>)",
            },
            "corpus dovecot/fail2ban__dovecot.log (2.4 log_path line, given a syslog envelope)",
        ),
        Example(
            "Jun 12 23:06:05 mx dovecot: auth-worker(57065): Info: conn unix:auth-worker (uid=143): auth-worker<225622>: sql(user@domain.com,192.0.2.7,<Yx7+W8+Io>): Password mismatch",
            {"user_name": "user@domain.com", "session_id": "Yx7+W8+Io"},
            "corpus dovecot/fail2ban__dovecot.log (log_path line, given a syslog envelope)",
        ),
    ),
    not_examples=(
        "Jan 29 18:55:55 mail dovecot: auth-worker(12182): pam(user,192.0.2.4): pam_authenticate() failed: Authentication failure (Password mismatch?)",
    ),
)

DIALECTS: tuple[Dialect, ...] = (PAM_FAILED, UNKNOWN_USER, PASSWORD_MISMATCH)
