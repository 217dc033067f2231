"""Postfix dialects: smtpd sessions, TLS, SASL, and the outbound smtp client's TLS lines.

The examples live in :mod:`parsers.postfix.examples` and :mod:`parsers.postfix.tls_examples`; the line formats are Postfix's own
(``src/smtpd/smtpd.c``, ``src/tls/tls_misc.c``, ``src/tls/tls_server.c``), catalogued with sources
in research/log-formats.md §b. smtpd runs under any ``syslog_name`` (``postfix/submission/smtpd``,
``postfix-mx/smtpd``, ``postfix/10025/smtpd``): the dialects key on the daemon, not the name.
"""

from __future__ import annotations

import re

from parsers.dialect import Dialect, Fields, Watch
from parsers.fragments import CIPHER, IP, QUEUE_ID
from parsers.postfix import examples as ex
from parsers.postfix import tls_examples as tls_ex
from parsers.vocab import normalise_tls_version

# Postfix "host[address]"; smtpd_client_port_logging appends ":port"; "unknown[unknown]" when
# the connection was gone before its address was known.
CLIENT = (
    rf"(?P<client_host>[^\s\[\]]{{1,253}})\[(?P<client_ip>{IP}|unknown)\]"
    r"(?::(?P<client_port>\d{1,5}))?"
)
TRUST = r"(?P<trust>Anonymous|Untrusted|Trusted|Verified)"
# tls_log_summary(): "TLSv1.3 with cipher X (256/256 bits)", and from Postfix 3.4 on
# " key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256" (+ client-…)
TLS_SUMMARY = (
    rf"(?P<tls_version_raw>[\w.]{{1,16}}) with cipher (?P<tls_cipher>{CIPHER})"
    r" \((?P<tls_bits>\d{1,5})/\d{1,5} bits\)"
    r"(?: key-exchange (?P<tls_key_exchange>[\w-]{1,32})(?: \([\w -]{1,32}\))?)?"
    r"(?: server-signature (?P<tls_server_signature>[\w-]{1,32})(?: \([\w -]{1,48}\))?)?"
    r"(?: server-digest (?P<tls_server_digest>[\w-]{1,32}))?"
    r"(?: client-signature [\w-]{1,32}(?: \([\w -]{1,48}\))?)?"
    r"(?: client-digest [\w-]{1,32})?$"
)
# Postfix before 2.5 wrote no trust word: "TLS connection established from …"
ESTABLISHED = rf"^(?:{TRUST} )?TLS connection (?P<tls_session>established|reused) "
SMTPD = ("smtpd",)


def _client(fields: Fields) -> Fields:
    if fields.get("client_ip") == "unknown":
        fields["client_ip"] = None
    if fields.get("queue_id") == "NOQUEUE":
        fields["queue_id"] = None
    return fields


def _tls(fields: Fields) -> Fields:
    fields["tls_version"] = normalise_tls_version(fields.get("tls_version_raw"))
    return _client(fields)


def _sasl(fields: Fields) -> Fields:
    method = fields.get("auth_method")
    fields["auth_method"] = method.upper() if method else None
    fields["user_name"] = fields.get("user_name") or None
    return _client(fields)


def _outbound(fields: Fields) -> Fields:
    fields["service"] = "smtp"
    return _tls(fields)


def _counters(fields: Fields) -> Fields:
    """``ehlo=2 starttls=0/1 commands=1/2`` → ``cmd_*`` as written, plus ok/attempts pairs.

    A line with counters (Postfix ≥ 3.0) that lacks a command never sent it: 0 of 0. A line
    without any counter says nothing: None.
    """
    text = fields.pop("counters", None) or ""
    seen: dict[str, str] = {}
    for pair in text.split():
        name, _, value = pair.partition("=")
        seen[name] = value
        fields["cmd_" + name] = value
    for name, ok_key, total_key in _COUNTED:
        if not seen:
            fields[ok_key] = fields[total_key] = None
            continue
        ok, _, total = seen.get(name, "0").partition("/")
        fields[ok_key] = ok
        fields[total_key] = total or ok
    return _client(fields)


# the counters read as ok/attempts pairs: (counter, ok field, attempts field)
_COUNTED = (
    ("starttls", "starttls_ok", "starttls_attempts"),
    ("auth", "auth_ok", "auth_attempts"),
    ("commands", "commands_ok", "commands_total"),
)


def _after(key: str, words: str, description: str) -> Dialect:
    """The "<words> after CMD[ (N bytes)] from host[ip]" family (Postfix ≥ 3.10 prefixes the
    queue id or NOQUEUE; the 2.6 snapshots of 2008/2009 wrote "(approximately N bytes)")."""
    return Dialect(
        key=key,
        family="postfix",
        daemons=SMTPD,
        contains=f"{words} after ",
        pattern=re.compile(
            rf"^(?:(?P<queue_id>{QUEUE_ID}|NOQUEUE): )?{words} after"
            r" (?P<after>[A-Z][A-Z-]{0,31})(?: \((?:approximately )?(?P<bytes>\d{1,20}) bytes\))?"
            rf" from {CLIENT}$"
        ),
        derive=_client,
        examples=ex.AFTER[key],
        not_examples=ex.AFTER_NOT,
        description=description,
    )


CONNECT = Dialect(
    key="postfix.smtpd.connect",
    family="postfix",
    daemons=SMTPD,
    contains="connect from ",
    pattern=re.compile(rf"^connect from {CLIENT}$"),
    derive=_client,
    examples=ex.CONNECT,
    not_examples=ex.CONNECT_NOT,
    description="an SMTP client connected: a session starts",
)

DISCONNECT = Dialect(
    key="postfix.smtpd.disconnect",
    family="postfix",
    daemons=SMTPD,
    contains="disconnect from ",
    pattern=re.compile(
        rf"^disconnect from {CLIENT}"
        r"(?P<counters>(?: [a-z]{1,16}=\d{1,10}(?:/\d{1,10})?){0,32})$"
    ),
    derive=_counters,
    examples=ex.DISCONNECT,
    not_examples=ex.DISCONNECT_NOT,
    description="a session ended; the command counters say whether STARTTLS and AUTH happened",
)

TLS_ESTABLISHED = Dialect(
    key="postfix.smtpd.tls_established",
    family="postfix",
    daemons=SMTPD,
    contains="TLS connection ",
    pattern=re.compile(
        rf"{ESTABLISHED}from {CLIENT}(?: to (?P<tls_sni>[\w.-]{{1,253}}))?: {TLS_SUMMARY}"
    ),
    derive=_tls,
    examples=tls_ex.TLS_ESTABLISHED,
    not_examples=tls_ex.TLS_ESTABLISHED_NOT,
    description="TLS handshake done (smtpd_tls_loglevel >= 1): version and cipher",
)

SMTP_TLS_ESTABLISHED = Dialect(
    key="postfix.smtp.tls_established",
    family="postfix",
    daemons=("smtp", "lmtp"),
    contains="TLS connection ",
    pattern=re.compile(
        rf"{ESTABLISHED}to (?P<server_host>[^\s\[\]]{{1,253}})\[(?P<server_ip>{IP})\]"
        rf"(?::(?P<server_port>\d{{1,5}}))?: {TLS_SUMMARY}"
    ),
    derive=_outbound,
    examples=tls_ex.SMTP_TLS_ESTABLISHED,
    not_examples=tls_ex.SMTP_TLS_ESTABLISHED_NOT,
    description="outbound TLS to another MTA (service smtp; never counts against the plan)",
)

TLSPROXY_TLS_ESTABLISHED = Dialect(
    key="postfix.tlsproxy.tls_established",
    family="postfix",
    daemons=("tlsproxy",),
    contains="TLS connection ",
    pattern=re.compile(
        rf"{ESTABLISHED}from \[(?P<client_ip>{IP})\]:(?P<client_port>\d{{1,5}}): {TLS_SUMMARY}"
    ),
    derive=_tls,
    examples=tls_ex.TLSPROXY_TLS_ESTABLISHED,
    description="postscreen's STARTTLS on port 25, done by tlsproxy: [ip]:port, no host name",
)

TLSPROXY_CONNECTION = Dialect(
    key="postfix.tlsproxy.connection",
    family="postfix",
    daemons=("tlsproxy",),
    contains="CONNECT ",
    pattern=re.compile(
        rf"^(?:CONNECT from|DISCONNECT) \[(?P<client_ip>{IP})\]:(?P<client_port>\d{{1,5}})$"
    ),
    examples=tls_ex.TLSPROXY_CONNECTION,
    description="known noise: tlsproxy takes a postscreen client and lets it go; the "
    "established line between them carries the facts",
)

TLSPROXY_HANDSHAKE_FAILED = Dialect(
    key="postfix.tlsproxy.handshake_failed",
    family="postfix",
    daemons=("tlsproxy",),
    contains="TLS handshake failed for ",
    pattern=re.compile(
        r"^TLS handshake failed for service=(?P<proxy_service>[\w/.-]{1,64})"
        rf" peer=\[(?P<client_ip>{IP})\]:(?P<client_port>\d{{1,5}})$"
    ),
    examples=tls_ex.TLSPROXY_HANDSHAKE_FAILED,
    description="a port-25 client's STARTTLS handshake through tlsproxy failed",
)

CLIENT_LINE = Dialect(
    key="postfix.smtpd.client",
    family="postfix",
    daemons=SMTPD,
    contains=": client=",
    pattern=re.compile(
        rf"^(?P<queue_id>{QUEUE_ID}|NOQUEUE): client={CLIENT}"
        r"(?:, sasl_method=(?P<auth_method>[\w-]{1,32}))?"
        r"(?:, sasl_username=(?P<user_name>[^,]{0,320}))?"
        r"(?:, sasl_sender=(?P<sasl_sender>[^,]{0,320}))?"
        r"(?:, orig_queue_id=(?P<orig_queue_id>\w{1,20}))?"
        r"(?:, orig_client=(?P<orig_client>[^,\s]{1,320}))?$"
    ),
    derive=_sasl,
    examples=ex.CLIENT_LINE,
    not_examples=ex.CLIENT_LINE_NOT,
    description="a message was accepted: the queue id (NOQUEUE behind a before-queue content "
    "filter), and the SASL user when the client logged in",
)

SASL_FAILED = Dialect(
    key="postfix.smtpd.sasl_failed",
    family="postfix",
    daemons=SMTPD,
    contains="authentication failed",
    pattern=re.compile(
        rf"^warning: {CLIENT}: SASL (?P<auth_method>[\w-]{{1,32}}) authentication failed:? ?"
        r"(?P<reason>.{0,512}?)(?:, sasl_username=(?P<user_name>\S{0,320}))?$"
    ),
    derive=_sasl,
    examples=ex.SASL_FAILED,
    not_examples=ex.SASL_FAILED_NOT,
    description="SMTP AUTH failed; Postfix >= 3.5.22/3.6.12/3.7.8/3.8.3 appends sasl_username",
)

LOST_CONNECTION = _after(
    "postfix.smtpd.lost_connection", "lost connection", "the client went away after a command"
)
TIMEOUT = _after("postfix.smtpd.timeout", "timeout", "the client fell silent after a command")
TOO_MANY_ERRORS = _after(
    "postfix.smtpd.too_many_errors", "too many errors", "smtpd hung up on a misbehaving client"
)

TLS_SETUP = Dialect(
    key="postfix.smtpd.tls_setup",
    family="postfix",
    daemons=SMTPD,
    contains="setting up TLS connection from ",
    pattern=re.compile(rf"^setting up TLS connection from {CLIENT}$"),
    derive=_client,
    examples=tls_ex.TLS_SETUP,
    description="known noise: the handshake begins (smtpd_tls_loglevel >= 1 before Postfix 2.9, >= 2 since; "
    "the established line that follows carries the facts)",
)

TLS_ERROR = Dialect(
    key="postfix.smtpd.tls_error",
    family="postfix",
    daemons=SMTPD,
    contains="SSL_accept error from ",
    pattern=re.compile(rf"^SSL_accept error from {CLIENT}: (?P<reason>.{{0,256}})$"),
    derive=_client,
    examples=tls_ex.TLS_ERROR,
    description="the TLS handshake failed (plaintext sent to port 465, a legacy client, a scanner)",
)

TLS_LIBRARY_PROBLEM = Dialect(
    key="postfix.smtpd.tls_library_problem",
    family="postfix",
    daemons=SMTPD,
    contains="TLS library problem: ",
    pattern=re.compile(
        r"^(?:warning: )?TLS library problem: (?:\d{1,10}:)?(?P<reason>error:"
        r"(?P<tls_error_code>[0-9A-Fa-f]{1,16}):[^:]{0,64}:[^:]{0,64}:(?P<tls_error>[^:]{0,256})"
        r".{0,512})$"
    ),
    examples=tls_ex.TLS_LIBRARY_PROBLEM,
    description="OpenSSL's reason for the handshake failure just logged (no client on the line)",
)

DIALECTS: tuple[Dialect, ...] = (
    CONNECT,
    DISCONNECT,
    TLS_ESTABLISHED,
    TLS_SETUP,
    CLIENT_LINE,
    SASL_FAILED,
    LOST_CONNECTION,
    TIMEOUT,
    TOO_MANY_ERRORS,
    TLS_ERROR,
    TLS_LIBRARY_PROBLEM,
    SMTP_TLS_ESTABLISHED,
    TLSPROXY_TLS_ESTABLISHED,
    TLSPROXY_CONNECTION,
    TLSPROXY_HANDSHAKE_FAILED,
)

# Unrecognised lines are counted by shape for the daemons that see clients log in (smtpd under
# any syslog_name, and tlsproxy); delivery agents' lines are out of scope, not unknown.
WATCHED = Watch(literals=("smtpd", "tlsproxy"), daemons=("smtpd", "tlsproxy"))
