#!/usr/bin/env python3
"""Scenario driver for the mailtls lab (Python standard library only).

Drives the lab's Postfix and Dovecot on 127.0.0.1 with real IMAP, POP3 and SMTP clients and
writes the ground truth as it goes:

* ``sessions.csv`` - one row per client session (user, service, port, tls_mode, the TLS version
  the client really negotiated, auth_result, client address and port, ...);
* ``messages.csv`` - one row per message sent (message-id, sender, port, TLS version), so the
  submission hop can be checked in the delivered mail.

Every client connects from its own loopback address (127.0.0.x, x != 1): Dovecot marks a client
whose address equals the server address as ``secured`` (trusted), so 127.0.0.1 is reserved for
the "webmail" user that demonstrates exactly that.

Some users submit through the lab's OpenSMTPD instead of Postfix (``--opensmtpd-host``, its own
loopback address; lab/opensmtpd.sh). OpenSMTPD offers AUTH only after TLS: a legacy client that
sends ``AUTH PLAIN <credentials>`` in the clear is refused with 503, after the password crossed
the wire (``refused_cleartext``).

The run has two phases. ``open``: an unmigrated site (cleartext auth allowed). Then the driver
runs ``--cut-command`` (lab/cut.sh restarts Dovecot with ``disable_plaintext_auth=yes``) and
plays phase ``cut``, where cleartext IMAP/POP3 logins are refused. Postfix is unchanged.

Usage:
    scenario.py --out DIR [--seed N] [--scale N] [--cut-command CMD] [--opensmtpd-host IP]
    scenario.py --list-users            # "user password" lines, used by lab/setup.sh
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import imaplib
import poplib
import random
import shlex
import smtplib
import socket
import ssl
import subprocess
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

# Legacy TLS is the point of this lab: silence "ssl.TLSVersion.TLSv1 is deprecated".
warnings.filterwarnings("ignore", category=DeprecationWarning, message=r"ssl\.TLSVersion")

HOST = "127.0.0.1"
OPENSMTPD_HOST = ""  # set by --opensmtpd-host; empty = no OpenSMTPD sessions
DOMAIN = "lab.example"
SERVER_NAME = "mail.lab.example"
TIMEOUT = 15

# ---------------------------------------------------------------------------------------------
# TLS client contexts. Debian's OpenSSL 3 refuses TLS 1.0/1.1 at security level >= 1 (they need
# SHA-1 signatures), so legacy clients need DEFAULT:@SECLEVEL=0 and an explicit minimum.
# ---------------------------------------------------------------------------------------------
_TLS_VERSIONS = {
    "TLSv1.0": ssl.TLSVersion.TLSv1,
    "TLSv1.1": ssl.TLSVersion.TLSv1_1,
    "TLSv1.2": ssl.TLSVersion.TLSv1_2,
    "TLSv1.3": ssl.TLSVersion.TLSv1_3,
}


def tls_context(version: str | None = None, ciphers: str | None = None) -> ssl.SSLContext:
    """A client context; `version` pins min=max (None = best available, i.e. TLS 1.3)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # self-signed lab certificate
    ctx.set_ciphers(ciphers or "DEFAULT:@SECLEVEL=0")
    ctx.minimum_version = ssl.TLSVersion.TLSv1
    if version:
        ctx.minimum_version = ctx.maximum_version = _TLS_VERSIONS[version]
    return ctx


def norm_version(v: str | None) -> str:
    """ssl.SSLSocket.version() -> DESIGN vocabulary (TLSv1 -> TLSv1.0)."""
    if not v:
        return ""
    return {"TLSv1": "TLSv1.0"}.get(v, v)


def security_of(tls_version: str) -> str:
    if not tls_version:
        return "cleartext"
    if tls_version in ("TLSv1.2", "TLSv1.3"):
        return "modern_tls"
    return "legacy_tls"


# ---------------------------------------------------------------------------------------------
# Clients bound to a chosen source address (stdlib classes, only socket creation overridden).
# ---------------------------------------------------------------------------------------------
def _connect(src: str, port: int, timeout: float) -> socket.socket:
    return socket.create_connection((HOST, port), timeout, source_address=(src, 0))


class LabIMAP(imaplib.IMAP4):
    def __init__(self, src: str, port: int) -> None:
        self._src = src
        super().__init__(HOST, port, timeout=TIMEOUT)

    def _create_socket(self, timeout):  # type: ignore[override]
        return _connect(self._src, self.port, timeout)


class LabIMAPS(imaplib.IMAP4_SSL):
    def __init__(self, src: str, port: int, ctx: ssl.SSLContext) -> None:
        self._src = src
        super().__init__(HOST, port, ssl_context=ctx, timeout=TIMEOUT)

    def _create_socket(self, timeout):  # type: ignore[override]
        sock = _connect(self._src, self.port, timeout)
        return self.ssl_context.wrap_socket(sock, server_hostname=SERVER_NAME)


class LabPOP3(poplib.POP3):
    def __init__(self, src: str, port: int) -> None:
        self._src = src
        super().__init__(HOST, port, timeout=TIMEOUT)

    def _create_socket(self, timeout):  # type: ignore[override]
        return _connect(self._src, self.port, timeout)


class LabPOP3S(poplib.POP3_SSL):
    def __init__(self, src: str, port: int, ctx: ssl.SSLContext) -> None:
        self._src = src
        super().__init__(HOST, port, timeout=TIMEOUT, context=ctx)

    def _create_socket(self, timeout):  # type: ignore[override]
        sock = _connect(self._src, self.port, timeout)
        return self.context.wrap_socket(sock, server_hostname=SERVER_NAME)


# ---------------------------------------------------------------------------------------------
# Users and their behaviour
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Habit:
    """One kind of session a client makes: protocol, transport and how it logs in."""

    service: str  # imap | pop3 | submission | smtp
    port: int
    tls_mode: str  # implicit | starttls | none
    version: str | None = None  # pinned TLS version (None = best = TLS 1.3)
    ciphers: str | None = None
    src: str = ""  # source address; "" = the user's default
    src_pool: tuple[str, ...] = ()  # rotate over these source addresses (see below)
    auth_method: str = "PLAIN"  # SMTP AUTH mechanism (IMAP LOGIN / POP3 USER+PASS otherwise)
    weight: int = 1
    wrong_password: bool = False  # log in with a wrong password (only)
    typo_first: bool = False  # one wrong password, then the right one, same session
    server: str = "postfix"  # SMTP server: postfix | opensmtpd (IMAP/POP3: always Dovecot)


@dataclass
class User:
    name: str  # local part
    profile: str
    ip: str
    habits: list[Habit] = field(default_factory=list)
    sessions: tuple[int, int] = (0, 0)  # (phase open, phase cut) session counts at scale 1
    cut_habits: list[Habit] | None = None  # habits in phase cut (default: same)

    @property
    def address(self) -> str:
        return f"{self.name}@{DOMAIN}"

    @property
    def password(self) -> str:
        # Obviously fake, deterministic lab passwords.
        return f"fake-{self.name}-lab-pw"


IMAPS = dict(service="imap", port=993, tls_mode="implicit")
IMAP_ST = dict(service="imap", port=143, tls_mode="starttls")
IMAP_CLEAR = dict(service="imap", port=143, tls_mode="none")
POPS = dict(service="pop3", port=995, tls_mode="implicit")
POP_ST = dict(service="pop3", port=110, tls_mode="starttls")
POP_CLEAR = dict(service="pop3", port=110, tls_mode="none")
SUBS = dict(service="submission", port=465, tls_mode="implicit")
SUB_ST = dict(service="submission", port=587, tls_mode="starttls")
SUB_CLEAR = dict(service="submission", port=587, tls_mode="none")
MX_ST = dict(service="smtp", port=25, tls_mode="starttls")
MX_CLEAR = dict(service="smtp", port=25, tls_mode="none")
# OpenSMTPD (lab/opensmtpd.sh): 465 smtps + auth, 587 tls + auth, 25 without TLS or AUTH.
OS_SUBS = dict(service="submission", port=465, tls_mode="implicit", server="opensmtpd")
OS_SUB_ST = dict(service="submission", port=587, tls_mode="starttls", server="opensmtpd")
OS_AUTH_CLEAR = dict(service="submission", port=25, tls_mode="none", server="opensmtpd")
OS_MX_CLEAR = dict(service="smtp", port=25, tls_mode="none", server="opensmtpd")

LEGACY_CBC = "ECDHE-RSA-AES128-SHA:@SECLEVEL=0"  # a CBC-SHA1 suite: version not inferable


def build_users() -> list[User]:
    u = [
        User(
            "alice",
            "all modern, implicit TLS (TLS 1.3) for IMAP, POP3 and submission",
            "127.0.0.11",
            [Habit(**IMAPS, weight=3), Habit(**POPS), Habit(**SUBS, weight=2)],
            (14, 5),
        ),
        User(
            "bob",
            "STARTTLS only (TLS 1.2/1.3) on 143 and 587",
            "127.0.0.12",
            [
                Habit(**IMAP_ST, weight=3),
                Habit(**IMAP_ST, version="TLSv1.2"),
                Habit(**SUB_ST, weight=2),
            ],
            (12, 4),
        ),
        User(
            "carol",
            "cleartext POP3 on 110 (refused after the cut)",
            "127.0.0.13",
            [Habit(**POP_CLEAR)],
            (8, 3),
        ),
        User(
            "dave",
            "TLS 1.0 IMAPS on 993 (old phone)",
            "127.0.0.14",
            [Habit(**IMAPS, version="TLSv1.0")],
            (10, 4),
        ),
        User(
            "erin",
            "TLS 1.1 submission (587 STARTTLS and 465), modern IMAPS",
            "127.0.0.15",
            [
                Habit(**SUB_ST, version="TLSv1.1", weight=2, auth_method="LOGIN"),
                Habit(**SUBS, version="TLSv1.1"),
                Habit(**IMAPS, weight=2),
            ],
            (10, 4),
        ),
        User(
            "frank",
            "mixed: phone on IMAPS TLS 1.3, laptop IMAP cleartext, POP3 STARTTLS TLS 1.2",
            "127.0.0.16",
            [
                Habit(**IMAPS, weight=3),
                Habit(**IMAP_CLEAR, src="127.0.0.26"),
                Habit(**POP_ST, version="TLSv1.2", src="127.0.0.26"),
                Habit(**SUB_ST, version="TLSv1.2", src="127.0.0.26"),
            ],
            (14, 5),
            cut_habits=[
                Habit(**IMAPS, weight=2),
                Habit(**IMAP_CLEAR, src="127.0.0.26"),
                Habit(**POP_ST, version="TLSv1.2", src="127.0.0.26"),
            ],
        ),
        User(
            "grace",
            "cleartext SMTP AUTH on 587 (no STARTTLS), modern IMAPS",
            "127.0.0.17",
            [Habit(**SUB_CLEAR, weight=2, auth_method="LOGIN"), Habit(**IMAPS, weight=2)],
            (10, 4),
        ),
        User(
            "heidi",
            "careful user (IMAPS + 465, TLS 1.3) whose account is attacked on 143/587",
            "127.0.0.18",
            [Habit(**IMAPS, weight=2), Habit(**SUBS)],
            (8, 3),
        ),
        User(
            "ivan",
            "mistypes his password over IMAPS, then logs in; STARTTLS POP3",
            "127.0.0.19",
            [
                Habit(**IMAPS, typo_first=True),
                Habit(**IMAPS, wrong_password=True, src_pool=IVAN_POOL),
                Habit(**IMAPS, weight=2),
                Habit(**POP_ST),
            ],
            (10, 4),
        ),
        User(
            "judy",
            "modern IMAPS; after the cut an old laptop tries cleartext IMAP (refused)",
            "127.0.0.20",
            [Habit(**IMAPS)],
            (6, 4),
            cut_habits=[Habit(**IMAPS), Habit(**IMAP_CLEAR, src="127.0.0.30")],
        ),
        User(
            "ken",
            "cleartext IMAP and POP3 on 143/110 (refused after the cut)",
            "127.0.0.21",
            [Habit(**IMAP_CLEAR), Habit(**POP_CLEAR)],
            (8, 4),
        ),
        User(
            "oscar",
            "POP3 STARTTLS TLS 1.2 and POP3S TLS 1.2 with a CBC-SHA1 cipher",
            "127.0.0.22",
            [
                Habit(**POP_ST, version="TLSv1.2"),
                Habit(**POPS, version="TLSv1.2", ciphers="ECDHE-RSA-AES128-SHA"),
            ],
            (8, 3),
        ),
        User(
            "peggy",
            "legacy POP3: POP3S TLS 1.0 and POP3 STARTTLS TLS 1.1",
            "127.0.0.23",
            [
                Habit(**POPS, version="TLSv1.0", ciphers=LEGACY_CBC),
                Habit(**POP_ST, version="TLSv1.1"),
            ],
            (8, 3),
        ),
        User(
            "trent",
            "submission only: 465 TLS 1.2 and 587 STARTTLS TLS 1.3",
            "127.0.0.24",
            [Habit(**SUBS, version="TLSv1.2"), Habit(**SUB_ST)],
            (8, 3),
        ),
        User(
            "victor",
            "IMAP STARTTLS with TLS 1.0 on 143",
            "127.0.0.25",
            [Habit(**IMAP_ST, version="TLSv1.0")],
            (6, 3),
        ),
        User(
            "wendy",
            "webmail on localhost (Dovecot 'secured', trusted hop) + IMAPS TLS 1.3",
            "127.0.0.27",
            [Habit(**IMAP_CLEAR, src="127.0.0.1", weight=3), Habit(**IMAPS)],
            (10, 4),
        ),
        User("rita", "only receives mail (no client sessions at all)", "127.0.0.28", [], (0, 0)),
        # Submitting through OpenSMTPD (only with --opensmtpd-host).
        User(
            "olivia",
            "OpenSMTPD submission: 465 TLS 1.3 and 587 STARTTLS TLS 1.2, modern IMAPS",
            "127.0.0.31",
            [
                Habit(**OS_SUBS, weight=2),
                Habit(**OS_SUB_ST, version="TLSv1.2"),
                Habit(**IMAPS),
            ],
            (8, 3),
        ),
        User(
            "sybil",
            "OpenSMTPD submission with legacy TLS: 587 STARTTLS TLS 1.1 (LOGIN), 465 TLS 1.0",
            "127.0.0.32",
            [
                Habit(**OS_SUB_ST, version="TLSv1.1", auth_method="LOGIN", weight=2),
                Habit(**OS_SUBS, version="TLSv1.0", ciphers=LEGACY_CBC),
            ],
            (6, 3),
        ),
        User(
            "uma",
            "legacy client: AUTH PLAIN in the clear on OpenSMTPD's port 25 (refused, 503), "
            "else 465 TLS 1.3",
            "127.0.0.33",
            [Habit(**OS_AUTH_CLEAR), Habit(**OS_SUBS, weight=2)],
            (6, 3),
        ),
    ]
    return u


# Dovecot's auth penalty (anvil) delays every further login from an address after a failure
# (2 s doubling up to 15 s, cleared by a success); Postfix SASL lookups time out behind it
# ("Connection lost to authentication server"). Failure-only sessions therefore come from
# rotating addresses, as a botnet's or a roaming laptop's would.
ATTACKER_POOL = tuple(f"127.0.0.{i}" for i in range(64, 100))
IVAN_POOL = tuple(f"127.0.0.{i}" for i in range(40, 56))
MX_PARTNER_IP = "127.0.0.200"  # an MTA that uses STARTTLS
MX_OLD_IP = "127.0.0.201"  # an MTA with legacy TLS 1.0
MX_PLAIN_IP = "127.0.0.202"  # an MTA without STARTTLS


# ---------------------------------------------------------------------------------------------
# Ground truth writer
# ---------------------------------------------------------------------------------------------
SESSION_FIELDS = [
    "session_seq",
    "phase",
    "started_at",
    "user",
    "service",
    "server_port",
    "tls_mode",
    "tls_version",
    "tls_cipher",
    "security",
    "auth_method",
    "auth_result",
    "auth_failures",
    "is_trusted_hop",
    "client_ip",
    "client_port",
    "message_count",
    "profile",
    "server_reply",
    "error",
    "server",
]
MESSAGE_FIELDS = [
    "message_id",
    "service",
    "user",
    "mail_from",
    "rcpt",
    "server_port",
    "tls_mode",
    "tls_version",
    "tls_cipher",
    "client_ip",
    "sent_at",
    "server",
]


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


class Truth:
    def __init__(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        # Held open for the whole run and flushed per row (closed in close()).
        self._sf = open(out / "sessions.csv", "w", newline="")  # noqa: SIM115
        self._mf = open(out / "messages.csv", "w", newline="")  # noqa: SIM115
        self.sessions = csv.DictWriter(self._sf, SESSION_FIELDS, lineterminator="\n")
        self.messages = csv.DictWriter(self._mf, MESSAGE_FIELDS, lineterminator="\n")
        self.sessions.writeheader()
        self.messages.writeheader()
        self.seq = 0
        self.stats: Counter[tuple[str, str, str]] = Counter()

    def session(self, row: dict) -> None:
        self.seq += 1
        row["session_seq"] = self.seq
        self.sessions.writerow(row)
        self._sf.flush()
        self.stats[(row["service"], row["security"], row["auth_result"])] += 1

    def message(self, row: dict) -> None:
        self.messages.writerow(row)
        self._mf.flush()

    def close(self) -> None:
        self._sf.close()
        self._mf.close()


# ---------------------------------------------------------------------------------------------
# Session players. Each returns a partially filled ground-truth row.
# ---------------------------------------------------------------------------------------------
def _sock_facts(sock: socket.socket | None) -> tuple[str, str, int]:
    version = cipher = ""
    port = 0
    if sock is not None:
        with contextlib.suppress(OSError):
            port = sock.getsockname()[1]
        if isinstance(sock, ssl.SSLSocket):
            version = norm_version(sock.version())
            c = sock.cipher()
            cipher = c[0] if c else ""
    return version, cipher, port


def _classify_imap_error(text: str) -> str:
    t = text.lower()
    if "privacyrequired" in t or "plaintext authentication disallowed" in t:
        return "refused_cleartext"
    return "failed"


def play_imap(h: Habit, user: User, src: str, password: str, rng: random.Random) -> dict:
    ctx = tls_context(h.version, h.ciphers) if h.tls_mode != "none" else None
    if h.tls_mode == "implicit":
        m: imaplib.IMAP4 = LabIMAPS(src, h.port, ctx)  # type: ignore[arg-type]
    else:
        m = LabIMAP(src, h.port)
        if h.tls_mode == "starttls":
            m.starttls(ssl_context=ctx)
    version, cipher, cport = _sock_facts(m.sock)
    failures = 0
    result = "none"
    reply = ""
    attempts = [("wrong-" + password, False)] if h.typo_first else []
    attempts.append((password, True))
    for pw, _ in attempts:
        try:
            m.login(user.address, pw)
            result = "ok"
            break
        except imaplib.IMAP4.error as e:
            reply = str(e)[:160]
            kind = _classify_imap_error(str(e))
            if kind == "refused_cleartext":
                result = kind
                break
            failures += 1
            result = "failed"
    if result == "ok":
        typ, data = m.select("INBOX", readonly=rng.random() < 0.5)
        n = int(data[0] or 0) if typ == "OK" else 0
        if n:
            m.fetch(str(rng.randint(1, n)), "(BODY.PEEK[HEADER])")
    with contextlib.suppress(imaplib.IMAP4.error, OSError):
        m.logout()
    return dict(
        tls_version=version,
        tls_cipher=cipher,
        client_port=cport,
        auth_method="LOGIN",
        auth_result=result,
        auth_failures=failures,
        server_reply=reply,
    )


def play_pop3(h: Habit, user: User, src: str, password: str, rng: random.Random) -> dict:
    ctx = tls_context(h.version, h.ciphers) if h.tls_mode != "none" else None
    if h.tls_mode == "implicit":
        p: poplib.POP3 = LabPOP3S(src, h.port, ctx)  # type: ignore[arg-type]
    else:
        p = LabPOP3(src, h.port)
        if h.tls_mode == "starttls":
            p.stls(context=ctx)
    version, cipher, cport = _sock_facts(p.sock)
    failures = 0
    result = "none"
    reply = ""
    try:
        try:
            p.user(user.address)
        except poplib.error_proto as e:
            if "plaintext authentication disallowed" not in str(e).lower():
                raise
            # Like many real clients (USER and PASS pipelined), send the password anyway:
            # after the cut it crosses the wire although the server refuses it.
        p.pass_(password)
        result = "ok"
    except poplib.error_proto as e:
        reply = repr(e.args[0] if e.args else e)[:160]
        t = str(e).lower()
        if "plaintext authentication disallowed" in t:
            result = "refused_cleartext"
        else:
            result = "failed"
            failures = 1
    if result == "ok":
        count, _size = p.stat()
        if count:
            p.top(rng.randint(1, count), 0)
    with contextlib.suppress(poplib.error_proto, OSError):
        p.quit()
    return dict(
        tls_version=version,
        tls_cipher=cipher,
        client_port=cport,
        auth_method="USER",
        auth_result=result,
        auth_failures=failures,
        server_reply=reply,
    )


def _new_message(sender: str, rcpt: str, rng: random.Random, note: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = rcpt
    msg["Subject"] = f"lab message {rng.randint(1000, 9999)}"
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(
        idstring=f"lab{rng.randint(0, 10**9)}", domain="client.lab.example"
    )
    msg.set_content(f"Scenario message ({note}).\n")
    return msg


def play_smtp(
    h: Habit,
    user: User | None,
    src: str,
    password: str,
    rng: random.Random,
    all_users: list[User],
    helo: str,
    truth: Truth,
    sender: str,
) -> dict:
    ctx = tls_context(h.version, h.ciphers) if h.tls_mode != "none" else None
    host = OPENSMTPD_HOST if h.server == "opensmtpd" else HOST
    if h.tls_mode == "implicit":
        s: smtplib.SMTP = smtplib.SMTP_SSL(
            host, h.port, local_hostname=helo, timeout=TIMEOUT, context=ctx, source_address=(src, 0)
        )
    else:
        s = smtplib.SMTP(
            host, h.port, local_hostname=helo, timeout=TIMEOUT, source_address=(src, 0)
        )
        s.ehlo()
        if h.tls_mode == "starttls":
            s.starttls(context=ctx)
            s.ehlo()
    version, cipher, cport = _sock_facts(s.sock)
    result = "none"
    failures = 0
    sent = 0
    reply = ""
    method = ""
    if user is not None:  # submission: exactly one AUTH attempt with one mechanism
        # (smtplib.login() would silently retry with the next mechanism after a failure)
        method = h.auth_method
        s.ehlo_or_helo_if_needed()  # OpenSMTPD refuses AUTH before EHLO (503)
        s.user, s.password = user.address, password
        authobject = s.auth_plain if method == "PLAIN" else s.auth_login
        try:
            code, text = s.auth(method, authobject, initial_response_ok=True)
            # smtplib returns 503 ("already authenticated") as success. OpenSMTPD answers 503
            # to AUTH where it offers none (no TLS yet), after the credentials were sent.
            result = "ok" if code == 235 else "refused_cleartext"
            if code != 235:
                reply = f"{code} {text!r}"[:160]
        except smtplib.SMTPAuthenticationError as e:
            reply = f"{e.smtp_code} {e.smtp_error!r}"[:160]
            result = "failed"
            failures = 1
    if h.service == "smtp" or result == "ok":
        rcpt_user = rng.choice([x for x in all_users if user is None or x.name != user.name])
        msg = _new_message(sender, rcpt_user.address, rng, f"{h.service} port {h.port}")
        s.send_message(msg)
        sent = 1
        truth.message(
            dict(
                message_id=msg["Message-ID"],
                service=h.service,
                user=user.address if user else "",
                mail_from=sender,
                rcpt=rcpt_user.address,
                server_port=h.port,
                tls_mode=h.tls_mode,
                tls_version=version,
                tls_cipher=cipher,
                client_ip=src,
                sent_at=now_utc(),
                server=h.server,
            )
        )
    with contextlib.suppress(smtplib.SMTPException, OSError):
        s.quit()
    return dict(
        tls_version=version,
        tls_cipher=cipher,
        client_port=cport,
        auth_method=method,
        auth_result=result,
        auth_failures=failures,
        message_count=sent,
        server_reply=reply,
    )


# ---------------------------------------------------------------------------------------------
# The scenario
# ---------------------------------------------------------------------------------------------
@dataclass
class Planned:
    phase: str
    habit: Habit
    user: User | None  # None for MTA (port 25) sessions
    login_as: str  # user name that is logged in (attacks may target a non-existent user)
    password: str
    src: str
    profile: str
    helo: str = "client.lab.example"
    sender: str = ""


def plan(
    users: list[User], rng: random.Random, scale: int, opensmtpd: bool = False
) -> tuple[list[Planned], list[Planned]]:
    phases: dict[str, list[Planned]] = {"open": [], "cut": []}
    pool_i: Counter[tuple[str, ...]] = Counter()
    for u in users:
        for phase, n in zip(("open", "cut"), u.sessions, strict=True):
            habits = u.habits if phase == "open" or u.cut_habits is None else u.cut_habits
            if not opensmtpd:
                habits = [h for h in habits if h.server != "opensmtpd"]
            if not habits:
                continue
            weights = [h.weight for h in habits]
            # Every habit appears at least once per phase, the rest are drawn by weight.
            chosen = list(habits) + rng.choices(habits, weights, k=max(0, n * scale - len(habits)))
            for h in chosen:
                pw = "wrong-" + u.password if h.wrong_password else u.password
                src = h.src or u.ip
                if h.src_pool:
                    src = h.src_pool[pool_i[h.src_pool] % len(h.src_pool)]
                    pool_i[h.src_pool] += 1
                phases[phase].append(
                    Planned(
                        phase,
                        h,
                        u,
                        u.address,
                        pw,
                        src,
                        u.profile,
                        helo=f"{u.name}-pc.client.example",
                        sender=u.address,
                    )
                )
    heidi = next(u for u in users if u.name == "heidi")
    attacks_open = (
        [Habit(**IMAP_CLEAR, wrong_password=True)] * 6
        + [Habit(**SUB_CLEAR, wrong_password=True, auth_method="LOGIN")] * 2
        + [Habit(**SUB_CLEAR, wrong_password=True)]
    )
    # After the cut a cleartext attempt would be refused (and then counted as a cleartext
    # exposure of the target), so the attacker switches to TLS on 993.
    attacks_cut = [Habit(**IMAPS, wrong_password=True)] * 3
    if opensmtpd:  # guessing against OpenSMTPD's STARTTLS submission too
        attacks_open += [Habit(**OS_SUB_ST, wrong_password=True)] * 2
    attack_i = 0
    for phase, attacks in (("open", attacks_open), ("cut", attacks_cut)):
        for i in range(len(attacks) * scale):
            h = attacks[i % len(attacks)]
            target = heidi.address if i % 3 else f"admin@{DOMAIN}"
            src = ATTACKER_POOL[attack_i % len(ATTACKER_POOL)]
            attack_i += 1
            phases[phase].append(
                Planned(
                    phase,
                    h,
                    None,
                    target,
                    f"guess{rng.randint(0, 9999)}",
                    src,
                    "attacker: password guessing",
                    helo="scanner.example",
                )
            )
    mx = [
        (
            Habit(**MX_ST),
            MX_PARTNER_IP,
            "mx.partner.example",
            "news@partner.example",
            "inbound MTA with STARTTLS (TLS 1.3)",
            6,
        ),
        (
            Habit(**MX_ST, version="TLSv1.2"),
            MX_PARTNER_IP,
            "mx2.partner.example",
            "billing@partner.example",
            "inbound MTA with STARTTLS (TLS 1.2)",
            3,
        ),
        (
            Habit(**MX_ST, version="TLSv1.0"),
            MX_OLD_IP,
            "mail.oldcorp.example",
            "info@oldcorp.example",
            "inbound MTA with legacy STARTTLS (TLS 1.0)",
            3,
        ),
        (
            Habit(**MX_CLEAR),
            MX_PLAIN_IP,
            "smtp.plain.example",
            "alerts@plain.example",
            "inbound MTA without STARTTLS",
            4,
        ),
    ]
    if opensmtpd:
        mx.append(
            (
                Habit(**OS_MX_CLEAR),
                MX_PLAIN_IP,
                "smtp.plain.example",
                "alerts@plain.example",
                "inbound MTA without STARTTLS, to OpenSMTPD",
                2,
            )
        )
    for h, ip, helo, sender, profile, n in mx:
        for phase, k in (("open", n), ("cut", max(1, n // 2))):
            for _ in range(k * scale):
                phases[phase].append(
                    Planned(phase, h, None, "", "", ip, profile, helo=helo, sender=sender)
                )
    for lst in phases.values():
        rng.shuffle(lst)
    return phases["open"], phases["cut"]


def run_one(p: Planned, users: list[User], rng: random.Random, truth: Truth) -> None:
    h = p.habit
    row = dict(
        phase=p.phase,
        started_at=now_utc(),
        user=p.login_as,
        service=h.service,
        server_port=h.port,
        tls_mode=h.tls_mode,
        tls_version="",
        tls_cipher="",
        auth_method="",
        auth_result="none",
        auth_failures=0,
        is_trusted_hop="false",
        client_ip=p.src,
        client_port="",
        message_count=0,
        profile=p.profile,
        server_reply="",
        error="",
        server=h.server if h.service in ("submission", "smtp") else "dovecot",
    )
    # Dovecot calls a client "secured" (trusted, not encrypted) when rip == lip.
    if h.service in ("imap", "pop3") and p.src == HOST and h.tls_mode == "none":
        row["is_trusted_hop"] = "true"
    fake_user = p.user or User(p.login_as.split("@")[0], p.profile, p.src)
    try:
        if h.service == "imap":
            res = play_imap(h, fake_user, p.src, p.password, rng)
        elif h.service == "pop3":
            res = play_pop3(h, fake_user, p.src, p.password, rng)
        else:
            login_user = None if h.service == "smtp" else fake_user
            res = play_smtp(
                h,
                login_user,
                p.src,
                p.password,
                rng,
                users,
                p.helo,
                truth,
                p.sender or (p.login_as or "anon@client.example"),
            )
        row.update(res)
    except (OSError, imaplib.IMAP4.error, poplib.error_proto, smtplib.SMTPException) as e:
        row["error"] = f"{type(e).__name__}: {e}"[:200]
    row["security"] = security_of(row["tls_version"]) if h.tls_mode != "none" else "cleartext"
    if h.tls_mode != "none" and not row["tls_version"]:
        row["security"] = "unknown"
    truth.session(row)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", type=Path, help="ground-truth output directory")
    ap.add_argument("--seed", type=int, default=8314)
    ap.add_argument("--scale", type=int, default=1, help="multiply session counts")
    ap.add_argument("--cut-command", default="", help="command run between phase open and cut")
    ap.add_argument("--list-users", action="store_true")
    ap.add_argument("--pause", type=float, default=0.0, help="seconds to sleep between sessions")
    ap.add_argument(
        "--opensmtpd-host", default="", help="the lab OpenSMTPD's address (lab/opensmtpd.sh)"
    )
    args = ap.parse_args(argv)
    global OPENSMTPD_HOST
    OPENSMTPD_HOST = args.opensmtpd_host

    users = build_users()
    if args.list_users:
        for u in users:
            print(u.address, u.password)
        return 0
    if not args.out:
        ap.error("--out is required")

    rng = random.Random(args.seed)
    phase_open, phase_cut = plan(users, rng, args.scale, opensmtpd=bool(args.opensmtpd_host))
    truth = Truth(args.out)
    t0 = time.monotonic()
    (args.out / "users.csv").write_text(
        "user,profile\n" + "".join(f'{u.address},"{u.profile}"\n' for u in users)
    )
    for p in phase_open:
        run_one(p, users, rng, truth)
        if args.pause:
            time.sleep(args.pause)
    if args.cut_command:
        subprocess.run(shlex.split(args.cut_command), check=True)
    else:
        print(
            "scenario: no --cut-command given, phase 'cut' runs against the same servers",
            file=sys.stderr,
        )
    for p in phase_cut:
        run_one(p, users, rng, truth)
        if args.pause:
            time.sleep(args.pause)
    truth.close()
    elapsed = time.monotonic() - t0
    print(f"scenario: {truth.seq} sessions in {elapsed:.1f}s (seed {args.seed})", file=sys.stderr)
    for k, v in sorted(truth.stats.items()):
        print(f"  {'/'.join(k):45s} {v}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
