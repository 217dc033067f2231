"""OpenSMTPD dialects: the smtp (inbound) session lines of 6.x/7.x and of 5.x (``smtp-in:``).

Every session line starts with the session's 16-hex id (5.x names it after ``session``), so a
session is joined on that id alone. 6.4 and later write ``<id> smtp connected address=…``,
``smtp tls ciphers=VERSION:CIPHER:BITS``, ``smtp authentication user=… result=…``,
``smtp failed-command command="…" result="…"`` and ``smtp disconnected reason=…``
(``usr.sbin/smtpd/smtp_session.c``); 6.0-6.3 wrote the same facts as ``smtp event=connected``,
``event=starttls … ciphers="version=…, cipher=…, bits=…"``, ``event=authentication``,
``event=failed-command`` and ``event=closed``, each with ``address=… host=…``. No line names the
listener or the local port. The outbound side (``mta …``) and deliveries (``mda …``) are no
client's session and are not read.

A failed command is logged as the client sent it, credentials included: the dialect decodes the
user name of an ``AUTH PLAIN``/``AUTH LOGIN`` initial response and keeps the command only
redacted (:mod:`parsers.opensmtpd.credentials`).
"""

from __future__ import annotations

import re

from parsers.dialect import Dialect, Example, Fields, Watch
from parsers.fragments import repeat
from parsers.opensmtpd.credentials import auth_command, redacted_command
from parsers.vocab import normalise_tls_version

# free text up to N characters, in pieces RE2 accepts (parsers.fragments.repeat)
_ANY_1024 = repeat(r"[^\n]", 1024)
_ANY_4096 = repeat(r"[^\n]", 4096)
_ANY_4096_LAZY = repeat(r"[^\n]", 4096, lazy=True)

_ID = r"(?P<session_id>[0-9a-f]{16})"
# 6.0-6.3 name the peer on every line: "event=NAME address=… host=… "
_PEER_60 = r"address=\S{1,300} host=\S{1,300} "
_LAB = "lab: OpenSMTPD 6.8.0p2 (Debian 12 source, lab/opensmtpd.sh)"
_SRC_68 = "format-derived (OpenSMTPD 6.8 smtp_session.c)"
_SRC_60 = "format-derived (OpenSMTPD 6.0-6.3 smtp_session.c, log-formats.md)"
_SRC_5 = "format-derived (OpenSMTPD 5.x smtp_session.c)"
_CORPUS_5 = "corpus other/wazuh-ruleset__opensmtpd-ini-lines.log (5.x)"


def _peer(fields: Fields) -> Fields:
    """``address=local`` (5.x ``[local]``) is a local enqueue (sendmail, bounces), no client."""
    address = fields.get("client_ip")
    local = address == "local"
    fields["local"] = "yes" if local else None
    if local:
        fields["client_ip"] = None
    host = fields.get("client_host")
    if host in ("<unknown>", "unknown"):
        fields["client_host"] = None
    return fields


def _tls(fields: Fields) -> Fields:
    raw = fields.get("tls_version_raw")
    fields["tls_version"] = normalise_tls_version(raw)
    return fields


_AUTH_RESULTS = {"ok": "ok", "permfail": "permfail", "tempfail": "tempfail"}


def _auth(fields: Fields) -> Fields:
    fields["user_name"] = fields.get("user_name") or None
    return fields


def _failed_command(fields: Fields) -> Fields:
    """The command's credentials become a user name and a flag; only a redacted command stays."""
    command = fields.pop("command_raw", None) or ""
    reply = fields.get("reply") or ""
    fields["reply_code"] = reply[:3] if reply[:3].isdigit() else None
    found = auth_command(command)
    fields["command"] = redacted_command(command)
    fields["auth_method"] = found.mechanism if found else None
    fields["user_name"] = found.user_name if found else None
    if found is None or not found.carries_credentials:
        fields["credentials"] = None
    else:
        fields["credentials"] = "password" if found.carries_password else "user"
    fields["auth_stage"] = None
    if found is not None and found.mechanism is not None and not found.carries_credentials:
        # OpenSMTPD's own "(...)", "(username)", "(password)": inside its AUTH exchange
        stage = re.search(r"\((\.\.\.|username|password)\)", command)
        fields["auth_stage"] = stage.group(1) if stage else None
    return fields


CONNECTED = Dialect(
    key="opensmtpd.smtp.connected",
    family="opensmtpd",
    contains="connected address=",
    pattern=re.compile(
        rf"^{_ID} smtp (?:event=)?connected address=(?P<client_ip>\S{{1,300}}) host=(?P<client_host>\S{{1,300}})$"
    ),
    derive=_peer,
    description="a client connected (address=local: a local enqueue, no client)",
    examples=(
        Example(
            "Dec  7 01:05:20 mail smtpd[31181]: ac1196625e8d5d9b smtp connected address=127.0.0.32 host=<unknown>",
            {
                "session_id": "ac1196625e8d5d9b",
                "client_ip": "127.0.0.32",
                "client_host": None,
                "local": None,
            },
            _LAB,
        ),
        Example(
            "Apr  9 10:00:00 mx smtpd[812]: 1f7e23624a5a1c6c smtp connected address=123.123.123.123 host=example.com",
            {"client_ip": "123.123.123.123", "client_host": "example.com"},
            "OpenSMTPD issue #1171 (6.8.0p2 on Ubuntu 22.04), given a syslog prefix",
        ),
        Example(
            "Dec  7 01:04:02 mail smtpd[23928]: 89e526bcebe1095c smtp connected address=local host=vm",
            {"client_ip": None, "local": "yes", "client_host": "vm"},
            _LAB + ", a bounce",
        ),
        Example(
            "Mar 24 10:00:00 mx smtpd[4242]: 2b8a1e6c41d1f3e2 smtp event=connected address=192.168.1.100 host=any.host.com",
            {"session_id": "2b8a1e6c41d1f3e2", "client_ip": "192.168.1.100"},
            _SRC_60,
        ),
    ),
    not_examples=(
        "Dec  7 01:05:21 mail smtpd[31181]: ac11966a0e1d5b1c mta connecting address=smtp://192.0.2.1:25 host=mx.example.net",
        "Dec  7 01:05:21 mail smtpd[31181]: ac11966a0e1d5b1c mta connected",
    ),
)

TLS = Dialect(
    key="opensmtpd.smtp.tls",
    family="opensmtpd",
    contains=" smtp tls ciphers=",
    pattern=re.compile(
        rf"^{_ID} smtp tls ciphers=(?P<tls_version_raw>[A-Za-z0-9.]{{1,16}}):(?P<tls_cipher>[A-Za-z0-9_.-]{{1,100}}):(?P<tls_bits>\d{{1,5}})$"
    ),
    derive=_tls,
    description="TLS established (implicit on smtps listeners, after STARTTLS on tls ones)",
    examples=(
        Example(
            "May 06 20:21:21 mail.fllm.net smtpd[3920]: f274cf34b7d0786b smtp tls ciphers=TLSv1.3:TLS_AES_256_GCM_SHA384:256",
            {
                "session_id": "f274cf34b7d0786b",
                "tls_version": "TLSv1.3",
                "tls_cipher": "TLS_AES_256_GCM_SHA384",
                "tls_bits": "256",
            },
            "public excerpt quoted in log-formats.md (OpenSMTPD)",
        ),
        Example(
            "Dec  7 01:05:20 mail smtpd[31181]: ac1196625e8d5d9b smtp tls ciphers=TLSv1:ECDHE-RSA-AES128-SHA:128",
            {"tls_version": "TLSv1.0", "tls_version_raw": "TLSv1", "tls_bits": "128"},
            _LAB + ", TLS 1.0 with @SECLEVEL=0",
        ),
        Example(
            "Dec  7 01:05:20 mail smtpd[31181]: ac119665d3c695e3 smtp tls ciphers=TLSv1.1:ECDHE-RSA-AES256-SHA:256",
            {"tls_version": "TLSv1.1", "tls_cipher": "ECDHE-RSA-AES256-SHA"},
            _LAB,
        ),
    ),
    not_examples=(
        "Dec  7 01:05:21 mail smtpd[31181]: ac11966a0e1d5b1c mta tls ciphers=TLSv1.3:TLS_AES_256_GCM_SHA384:256",
    ),
)

STARTTLS_60 = Dialect(
    key="opensmtpd.smtp.tls_60",
    family="opensmtpd",
    contains=" smtp event=starttls ",
    pattern=re.compile(
        rf"^{_ID} smtp event=starttls {_PEER_60}ciphers=\"version=(?P<tls_version_raw>[A-Za-z0-9.]{{1,16}}), cipher=(?P<tls_cipher>[A-Za-z0-9_.-]{{1,100}}), bits=(?P<tls_bits>\d{{1,5}})\"$"
    ),
    derive=_tls,
    description="TLS established (6.0-6.3 wording)",
    examples=(
        Example(
            'Mar 24 10:00:01 mx smtpd[4242]: 2b8a1e6c41d1f3e2 smtp event=starttls address=192.168.1.100 host=any.host.com ciphers="version=TLSv1.2, cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256"',
            {
                "session_id": "2b8a1e6c41d1f3e2",
                "tls_version": "TLSv1.2",
                "tls_cipher": "ECDHE-RSA-AES256-GCM-SHA384",
                "tls_bits": "256",
            },
            _SRC_60,
        ),
    ),
)

AUTHENTICATION = Dialect(
    key="opensmtpd.smtp.authentication",
    family="opensmtpd",
    contains="authentication user=",
    pattern=re.compile(
        rf"^{_ID} smtp (?:event=)?authentication user=(?P<user_name>\S{{0,300}}) (?:{_PEER_60})?result=(?P<result>ok|permfail|tempfail)$"
    ),
    derive=_auth,
    description="an AUTH exchange's outcome: ok, permfail (wrong credentials), tempfail",
    examples=(
        Example(
            "Dec  7 01:05:20 mail smtpd[31181]: ac1196625e8d5d9b smtp authentication user=sybil@lab.example result=ok",
            {"session_id": "ac1196625e8d5d9b", "user_name": "sybil@lab.example", "result": "ok"},
            _LAB,
        ),
        Example(
            "Dec  7 01:05:26 mail smtpd[31181]: ac119669cd17a8a5 smtp authentication user=heidi@lab.example result=permfail",
            {"user_name": "heidi@lab.example", "result": "permfail"},
            _LAB,
        ),
        Example(
            "Mar 24 10:00:02 mx smtpd[4242]: 2b8a1e6c41d1f3e2 smtp event=authentication user=test address=192.168.1.100 host=any.host.com result=permfail",
            {"user_name": "test", "result": "permfail"},
            "OpenSMTPD issue #843 (6.0.x), given a syslog prefix and session id",
        ),
        Example(
            "Dec  7 02:00:00 mail smtpd[31181]: ac1196625e8d5d9c smtp authentication user=alice@example.org result=tempfail",
            {"result": "tempfail"},
            _SRC_68,
        ),
    ),
)

FAILED_COMMAND = Dialect(
    key="opensmtpd.smtp.failed_command",
    family="opensmtpd",
    contains="failed-command ",
    pattern=re.compile(
        rf"^{_ID} smtp (?:event=)?failed-command (?:{_PEER_60})?command=\"(?P<command_raw>{_ANY_4096_LAZY})\" result=\"(?P<reply>{_ANY_1024})\"$"
    ),
    derive=_failed_command,
    description="a refused command as sent (credentials redacted, the user name decoded)",
    examples=(
        Example(
            'Dec  7 01:05:29 mail smtpd[31181]: ac1196750a3c5fc9 smtp failed-command command="AUTH PLAIN AHVtYUBsYWIuZXhhbXBsZQBmYWtlLXVtYS1sYWItcHc=" result="503 5.5.1 Invalid command: Command not supported"',
            {
                "session_id": "ac1196750a3c5fc9",
                "command": "AUTH PLAIN <redacted>",
                "auth_method": "PLAIN",
                "user_name": "uma@lab.example",
                "credentials": "password",
                "reply_code": "503",
                "reply": "503 5.5.1 Invalid command: Command not supported",
            },
            _LAB + ": AUTH PLAIN in the clear on a listener without AUTH",
        ),
        Example(
            'Dec  7 01:05:27 mail smtpd[31181]: ac119669cd17a8a5 smtp failed-command command="AUTH PLAIN (...)" result="535 Authentication failed"',
            {
                "command": "AUTH PLAIN (...)",
                "auth_method": "PLAIN",
                "user_name": None,
                "credentials": None,
                "auth_stage": "...",
                "reply_code": "535",
            },
            _LAB,
        ),
        Example(
            'Dec  7 01:04:03 mail smtpd[23928]: 89e526bb3ce31d45 smtp failed-command command="AUTH LOGIN (password)" result="535 Authentication failed"',
            {"auth_method": "LOGIN", "auth_stage": "password", "credentials": None},
            _LAB,
        ),
        Example(
            'Dec  7 01:03:49 mail smtpd[22325]: 140043b686123fe4 smtp failed-command command="rcpt TO:<alice@lab.example>" result="550 Invalid recipient: <alice@lab.example>"',
            {"command": "rcpt TO:<alice@lab.example>", "auth_method": None, "reply_code": "550"},
            _LAB,
        ),
        Example(
            'Mar 24 10:00:03 mx smtpd[4242]: 2b8a1e6c41d1f3e2 smtp event=failed-command address=192.168.1.100 host=any.host.com command="AUTH LOGIN dXNlckBleGFtcGxlLm9yZw==" result="503 5.5.1 Invalid command: Command not supported"',
            {
                "command": "AUTH LOGIN <redacted>",
                "user_name": "user@example.org",
                "credentials": "user",
            },
            _SRC_60,
        ),
    ),
)

DISCONNECTED = Dialect(
    key="opensmtpd.smtp.disconnected",
    family="opensmtpd",
    contains=" smtp disconnected ",
    pattern=re.compile(
        rf"^{_ID} smtp disconnected {{1,2}}reason=(?:\"(?P<reason_q>{_ANY_1024})\"|(?P<reason>\S{{1,100}}))$"
    ),
    derive=lambda f: {**f, "reason": f.pop("reason_q", None) or f.get("reason")},
    description="the session ended (quit, disconnect, timeout, io-error: …)",
    examples=(
        Example(
            "Dec  7 01:05:20 mail smtpd[31181]: ac1196625e8d5d9b smtp disconnected reason=quit",
            {"session_id": "ac1196625e8d5d9b", "reason": "quit"},
            _LAB,
        ),
        Example(
            'Apr  9 10:00:01 mx smtpd[812]: 1f7e23624a5a1c6c smtp disconnected reason="io-error: error:0A080006:SSL routines::EVP lib"',
            {"reason": "io-error: error:0A080006:SSL routines::EVP lib"},
            "OpenSMTPD issue #1171 (6.8.0p2 against OpenSSL 3), given a syslog prefix",
        ),
    ),
    not_examples=(
        "Dec  7 01:05:21 mail smtpd[31181]: ac11966a0e1d5b1c mta disconnected reason=quit messages=1",
    ),
)

CLOSED_60 = Dialect(
    key="opensmtpd.smtp.closed_60",
    family="opensmtpd",
    contains=" smtp event=closed ",
    pattern=re.compile(
        rf"^{_ID} smtp event=closed {_PEER_60}reason=(?:\"(?P<reason_q>{_ANY_1024})\"|(?P<reason>\S{{1,100}}))$"
    ),
    derive=lambda f: {**f, "reason": f.pop("reason_q", None) or f.get("reason")},
    description="the session ended (6.0-6.3 wording)",
    examples=(
        Example(
            "Mar 24 10:00:04 mx smtpd[4242]: 2b8a1e6c41d1f3e2 smtp event=closed address=192.168.1.100 host=any.host.com reason=quit",
            {"session_id": "2b8a1e6c41d1f3e2", "reason": "quit"},
            _SRC_60,
        ),
    ),
)

MESSAGE = Dialect(
    key="opensmtpd.smtp.message",
    family="opensmtpd",
    contains=" smtp message msgid=",
    pattern=re.compile(
        rf"^{_ID} smtp message msgid=(?P<msgid>[0-9a-f]{{8}}) size=(?P<size>\d{{1,20}}) nrcpt=(?P<nrcpt>\d{{1,10}}) proto=(?P<proto>E?SMTP)$"
    ),
    description="a message accepted in the session",
    examples=(
        Example(
            "Dec  7 01:04:01 mail smtpd[23928]: 89e526b8d51fa02e smtp message msgid=e60bb14a size=590 nrcpt=1 proto=ESMTP",
            {"session_id": "89e526b8d51fa02e", "msgid": "e60bb14a", "proto": "ESMTP"},
            _LAB,
        ),
    ),
)

# ---- 5.x: "smtp-in: …" -----------------------------------------------------------------------
_SID5 = r"(?P<session_id>[0-9a-f]{16})"

NEW_SESSION_5 = Dialect(
    key="opensmtpd.smtp_in.new_session",
    family="opensmtpd",
    contains="smtp-in: New session ",
    pattern=re.compile(
        rf"^smtp-in: New session {_SID5} from host (?P<client_host>\S{{1,300}}) \[(?P<client_ip>[^\]\s]{{1,100}})\]$"
    ),
    derive=_peer,
    description="a client connected (5.x)",
    examples=(
        Example(
            "Aug 17 01:26:02 ix smtpd[22704]: smtp-in: New session 08d856b172f69c5c from host ix.example.com [local]",
            {"session_id": "08d856b172f69c5c", "client_ip": None, "local": "yes"},
            _CORPUS_5,
        ),
        Example(
            "Aug 17 01:27:02 ix smtpd[22704]: smtp-in: New session 08d856b172f69c5d from host mail.example.net [198.51.100.7]",
            {"client_ip": "198.51.100.7", "client_host": "mail.example.net", "local": None},
            _SRC_5,
        ),
    ),
)

STARTED_TLS_5 = Dialect(
    key="opensmtpd.smtp_in.started_tls",
    family="opensmtpd",
    contains="smtp-in: Started TLS on session ",
    pattern=re.compile(
        rf"^smtp-in: Started TLS on session {_SID5}: version=(?P<tls_version_raw>[A-Za-z0-9.]{{1,16}}), cipher=(?P<tls_cipher>[A-Za-z0-9_.-]{{1,100}}), bits=(?P<tls_bits>\d{{1,5}})$"
    ),
    derive=_tls,
    description="TLS established (5.x)",
    examples=(
        Example(
            "Mar  4 00:13:55 ix smtpd[22421]: smtp-in: Started TLS on session 427e749c2e46f809: version=TLSv1.2, cipher=EDH-RSA-DES-CBC3-SHA, bits=112",
            {
                "session_id": "427e749c2e46f809",
                "tls_version": "TLSv1.2",
                "tls_cipher": "EDH-RSA-DES-CBC3-SHA",
                "tls_bits": "112",
            },
            _CORPUS_5,
        ),
    ),
)


def _auth_5(result: str):  # type: ignore[no-untyped-def]
    return lambda f: {**f, "result": result, "user_name": f.get("user_name") or None}


def _auth_dialect_5(key: str, text: str, result: str, example: str) -> Dialect:
    return Dialect(
        key=key,
        family="opensmtpd",
        contains=f"smtp-in: {text} ",
        pattern=re.compile(rf"^smtp-in: {text} (?P<user_name>\S{{0,300}}) on session {_SID5}$"),
        derive=_auth_5(result),
        description=f"an AUTH exchange's outcome: {result} (5.x)",
        examples=(Example(example, {"session_id": "427e749c2e46f809", "result": result}, _SRC_5),),
    )


AUTH_OK_5 = _auth_dialect_5(
    "opensmtpd.smtp_in.auth_ok",
    "Accepted authentication for user",
    "ok",
    "Mar  4 00:13:56 ix smtpd[22421]: smtp-in: Accepted authentication for user alice on session 427e749c2e46f809",
)
AUTH_FAILED_5 = _auth_dialect_5(
    "opensmtpd.smtp_in.auth_failed",
    "Authentication failed for user",
    "permfail",
    "Mar  4 00:13:56 ix smtpd[22421]: smtp-in: Authentication failed for user alice on session 427e749c2e46f809",
)
AUTH_TEMPFAIL_5 = _auth_dialect_5(
    "opensmtpd.smtp_in.auth_tempfail",
    "Authentication temporarily failed for user",
    "tempfail",
    "Mar  4 00:13:56 ix smtpd[22421]: smtp-in: Authentication temporarily failed for user alice on session 427e749c2e46f809",
)

FAILED_COMMAND_5 = Dialect(
    key="opensmtpd.smtp_in.failed_command",
    family="opensmtpd",
    contains="smtp-in: Failed command on session ",
    pattern=re.compile(
        rf"^smtp-in: Failed command on session {_SID5}: \"(?P<command_raw>{_ANY_4096_LAZY})\" => (?P<reply>{_ANY_1024})$"
    ),
    derive=_failed_command,
    description="a refused command as sent (5.x; credentials redacted, the user name decoded)",
    examples=(
        Example(
            'Aug 14 10:15:25 junction.example.com smtpd[28882]: smtp-in: Failed command on session 1f55bdcdf16e28a3: "MAIL FROM:<root@junction.example.com>  " => 421 4.3.0: Temporary Error',
            {
                "session_id": "1f55bdcdf16e28a3",
                "reply_code": "421",
                "auth_method": None,
                "credentials": None,
            },
            _CORPUS_5,
        ),
        Example(
            'Aug 14 10:16:25 junction.example.com smtpd[28882]: smtp-in: Failed command on session 1f55bdcdf16e28a4: "AUTH PLAIN AGJvYgBzM2NyM3Q=" => 503 5.5.1 Invalid command: Command not supported',
            {
                "command": "AUTH PLAIN <redacted>",
                "user_name": "bob",
                "credentials": "password",
                "reply_code": "503",
            },
            _SRC_5,
        ),
    ),
)


ACCEPTED_MESSAGE_5 = Dialect(
    key="opensmtpd.smtp_in.accepted_message",
    family="opensmtpd",
    contains="smtp-in: Accepted message ",
    pattern=re.compile(
        rf"^smtp-in: Accepted message (?P<msgid>[0-9a-f]{{8}}) on session {_SID5}: {_ANY_4096}, proto=(?P<proto>E?SMTP)$"
    ),
    description="a message accepted in the session (5.x)",
    examples=(
        Example(
            "Aug 17 01:26:02 ix smtpd[22704]: smtp-in: Accepted message 4296f490 on session 08d856b172f69c5c: from=<root@ix.example.com>, to=<ddp@ix.example.com>, size=1746, ndest=1, proto=ESMTP",
            {"session_id": "08d856b172f69c5c", "msgid": "4296f490", "proto": "ESMTP"},
            _CORPUS_5,
        ),
    ),
)


def _closing_5(key: str, text: str, example: str, source: str, reason: str) -> Dialect:
    # the literal stops before " from ": Postfix's "connect from " keeps its guard
    # (parsers.registry.in_scope_guards) only while no other family's literal holds it
    return Dialect(
        key=key,
        family="opensmtpd",
        contains=f"smtp-in: {text.split(' from ')[0]}",
        pattern=re.compile(rf"^smtp-in: {text} {_SID5}(?:: (?P<reason>{_ANY_1024}))?$"),
        description="the session ended (5.x)",
        examples=(Example(example, {"reason": reason or None}, source),),
    )


CLOSING_5 = _closing_5(
    "opensmtpd.smtp_in.closing",
    "Closing session",
    "Aug 17 01:26:02 ix smtpd[22704]: smtp-in: Closing session 08d856b172f69c5c",
    _CORPUS_5,
    "",
)
RECEIVED_DISCONNECT_5 = _closing_5(
    "opensmtpd.smtp_in.received_disconnect",
    "Received disconnect from session",
    "Mar  4 00:11:00 ix smtpd[22421]: smtp-in: Received disconnect from session 427e7493ebe154ae",
    _CORPUS_5,
    "",
)
DISCONNECTING_5 = _closing_5(
    "opensmtpd.smtp_in.disconnecting",
    "Disconnecting session",
    "Mar  4 00:13:55 ix smtpd[22421]: smtp-in: Disconnecting session 427e7497e03518ef: IO error: No SSL error",
    _CORPUS_5,
    "IO error: No SSL error",
)

DIALECTS: tuple[Dialect, ...] = (
    CONNECTED,
    TLS,
    STARTTLS_60,
    AUTHENTICATION,
    FAILED_COMMAND,
    DISCONNECTED,
    CLOSED_60,
    MESSAGE,
    NEW_SESSION_5,
    STARTED_TLS_5,
    AUTH_OK_5,
    AUTH_FAILED_5,
    AUTH_TEMPFAIL_5,
    FAILED_COMMAND_5,
    ACCEPTED_MESSAGE_5,
    CLOSING_5,
    RECEIVED_DISCONNECT_5,
    DISCONNECTING_5,
)

# The syslog program names OpenSMTPD logs under (parsers.registry.program_families).
PROGRAMS: tuple[str, ...] = ("smtpd",)

# Inbound session lines no dialect reads are counted by shape; the per-recipient "smtp envelope"
# lines of an accepted message say nothing of the connection and are left out.
WATCHED = Watch(
    literals=("smtpd",), message=re.compile(r"(?:[0-9a-f]{16} smtp (?!envelope )|smtp-in: )")
)
