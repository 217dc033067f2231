"""The simulated site: servers, users with stable client habits, and the remote world.

Every user keeps one mail server, one or two devices and a handful of source addresses for the
whole run, so the per-user posture the product computes from the generated log is stable and
realistic (most users on modern implicit TLS, a tail on STARTTLS, legacy TLS and cleartext, a
slice behind the webmail). All choices come from the ``random.Random`` passed in.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

DOMAINS = ("example.org", "example.com", "example.net")
MX_HOST = "mx1"
# mail1 logs Dovecot with lport and %k (the recommended login_log_format_elements) and allows
# cleartext auth; mail2 keeps Dovecot's default format and refuses cleartext auth.
MAIL_HOSTS = ("mail1", "mail2")
SERVER_IP = {"mx1": "192.0.2.25", "mail1": "192.0.2.11", "mail2": "192.0.2.12"}

TLS13 = (
    ("TLS_AES_256_GCM_SHA384", "256/256"),
    ("TLS_AES_128_GCM_SHA256", "128/128"),
    ("TLS_CHACHA20_POLY1305_SHA256", "256/256"),
)
TLS12 = (
    ("ECDHE-RSA-AES256-GCM-SHA384", "256/256"),
    ("ECDHE-RSA-AES128-GCM-SHA256", "128/128"),
    ("ECDHE-RSA-CHACHA20-POLY1305", "256/256"),
    ("DHE-RSA-AES256-GCM-SHA384", "256/256"),
    ("ECDHE-RSA-AES256-SHA384", "256/256"),
)
LEGACY = (
    ("ECDHE-RSA-AES256-SHA", "256/256"),
    ("ECDHE-RSA-AES128-SHA", "128/128"),
    ("AES256-SHA", "256/256"),
    ("DES-CBC3-SHA", "112/168"),
)
CIPHERS = {"TLSv1.3": TLS13, "TLSv1.2": TLS12, "TLSv1.1": LEGACY, "TLSv1": LEGACY}


@dataclass(frozen=True, slots=True)
class Device:
    """How one of a user's mail clients connects. ``flag`` is Dovecot's %c: TLS, secured or ""."""

    service: str  # imap or pop3
    port: int  # 993/995 implicit, 143/110 STARTTLS or cleartext
    flag: str
    tls_version: str  # "" when no TLS
    cipher: str
    bits: str
    ip: str


@dataclass(frozen=True, slots=True)
class Sender:
    """How a user submits mail: Postfix syslog_name, TLS version ("" = none), source address."""

    syslog_name: str  # postfix/submissions, postfix/submission, postfix (port 25)
    tls_version: str
    cipher: str
    bits: str
    ip: str
    rdns: str


@dataclass(frozen=True, slots=True)
class User:
    name: str
    server: str
    devices: tuple[Device, ...]
    sender: Sender
    activity: float  # relative share of sessions


# (weight, service, port, flag, tls_version): read habits, shares of the population
READ_HABITS = (
    (0.40, "imap", 993, "TLS", "TLSv1.3"),
    (0.10, "imap", 993, "TLS", "TLSv1.2"),
    (0.13, "imap", 143, "TLS", "TLSv1.2"),
    (0.05, "imap", 143, "TLS", "TLSv1.3"),
    (0.04, "imap", 993, "TLS", "TLSv1"),
    (0.02, "imap", 143, "TLS", "TLSv1.1"),
    (0.03, "imap", 143, "", ""),
    (0.12, "imap", 143, "secured", ""),  # the webmail on localhost
    (0.06, "pop3", 995, "TLS", "TLSv1.2"),
    (0.02, "pop3", 995, "TLS", "TLSv1"),
    (0.02, "pop3", 110, "TLS", "TLSv1.2"),
    (0.01, "pop3", 110, "", ""),
)
# (weight, syslog_name, tls_version)
SEND_HABITS = (
    (0.45, "postfix/submissions", "TLSv1.3"),
    (0.30, "postfix/submission", "TLSv1.2"),
    (0.05, "postfix/submission", "TLSv1"),
    (0.02, "postfix/submissions", "TLSv1.1"),
    (0.02, "postfix/submission", ""),  # smtpd_tls_auth_only = no: AUTH before STARTTLS
    (0.02, "postfix", ""),  # AUTH on port 25 without STARTTLS
    (0.14, "postfix/submission", "localhost"),  # webmail submitting on localhost
)

FIRST = (
    "anna",
    "ben",
    "carla",
    "david",
    "eva",
    "felix",
    "greta",
    "hugo",
    "ines",
    "jan",
    "karin",
    "lars",
    "mia",
    "nils",
    "olga",
    "paul",
    "rosa",
    "sven",
    "tina",
    "uwe",
)
LAST = (
    "meyer",
    "schulz",
    "novak",
    "martin",
    "rossi",
    "garcia",
    "smith",
    "jensen",
    "kowalski",
    "dubois",
    "weber",
    "fischer",
    "moreau",
    "bauer",
    "costa",
    "lindqvist",
)


def public_ipv4(rng: random.Random) -> str:
    """A routable-looking IPv4 address (skips 0/8, 10/8, 127/8, 169.254/16, 172.16/12, 192.168/16, ≥224)."""
    while True:
        a = rng.randint(1, 223)
        b = rng.randint(0, 255)
        if (
            a in (10, 127)
            or (a == 169 and b == 254)
            or (a == 172 and 16 <= b < 32)
            or (a == 192 and b == 168)
        ):
            continue
        return f"{a}.{b}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def public_ip(rng: random.Random) -> str:
    if rng.random() < 0.12:
        return "2a02:{:x}:{:x}:{:x}::{:x}".format(*tuple(rng.getrandbits(16) for _ in range(4)))
    return public_ipv4(rng)


def pick(rng: random.Random, table: tuple[tuple[Any, ...], ...]) -> tuple[Any, ...]:
    """One row of a weighted table whose first column is the weight."""
    x = rng.random() * sum(row[0] for row in table)
    for row in table:
        x -= row[0]
        if x <= 0:
            return row
    return table[-1]


def _device(rng: random.Random, server: str, home_ip: str) -> Device:
    _, service, port, flag, version = pick(rng, READ_HABITS)
    ip = "127.0.0.1" if flag == "secured" else home_ip
    if not version:
        return Device(service, port, flag, "", "", "", ip)
    cipher, bits = rng.choice(CIPHERS[version])
    return Device(service, port, flag, version, cipher, bits, ip)


def _sender(rng: random.Random, home_ip: str) -> Sender:
    _, syslog_name, version = pick(rng, SEND_HABITS)
    if version == "localhost":
        return Sender(syslog_name, "", "", "", "127.0.0.1", "localhost")
    rdns = (
        "unknown"
        if rng.random() < 0.5
        else f"dyn-{home_ip.replace('.', '-').replace(':', '-')}.isp.example"
    )
    if not version:
        return Sender(syslog_name, "", "", "", home_ip, rdns)
    cipher, bits = rng.choice(CIPHERS[version])
    return Sender(syslog_name, version, cipher, bits, home_ip, rdns)


def make_users(rng: random.Random, count: int) -> list[User]:
    users = []
    seen: set[str] = set()
    for i in range(count):
        local = f"{rng.choice(FIRST)}.{rng.choice(LAST)}"
        name = f"{local}@{rng.choice(DOMAINS)}"
        if name in seen:
            name = f"{local}{i}@{rng.choice(DOMAINS)}"
        seen.add(name)
        server = MAIL_HOSTS[0] if rng.random() < 0.6 else MAIL_HOSTS[1]
        home_ip = public_ip(rng)
        devices = [_device(rng, server, home_ip)]
        if rng.random() < 0.35:  # a phone next to the desktop, often from a mobile network
            devices.append(_device(rng, server, public_ip(rng) if rng.random() < 0.7 else home_ip))
        activity = rng.paretovariate(1.5)  # a few heavy users, a long tail of light ones
        users.append(User(name, server, tuple(devices), _sender(rng, home_ip), activity))
    return users


REMOTE_MTAS = (
    ("mail-{a}-f{n}.google.com", "209.85.{b}.{n}", "TLSv1.3"),
    ("mail-{a}{n}.outbound.protection.outlook.com", "40.107.{b}.{n}", "TLSv1.2"),
    ("out{n}.mailer.example.net", "198.51.100.{n}", "TLSv1.2"),
    ("smtp{n}.newsletter.example", "203.0.113.{n}", "TLSv1.3"),
    ("mx{n}.oldcorp.example", "198.18.{b}.{n}", "TLSv1"),
    ("relay{n}.smallhost.example", "198.19.{b}.{n}", ""),  # no STARTTLS at all
)


def remote_mta(rng: random.Random) -> tuple[str, str, str]:
    """(rdns, ip, tls_version) of a sending MTA; tls_version "" = plain SMTP."""
    host, ip, version = REMOTE_MTAS[min(int(rng.expovariate(0.9)), len(REMOTE_MTAS) - 1)]
    a = rng.choice(("wr1", "ej1", "lf1", "pj1", "db8", "am6"))
    n, b = rng.randint(1, 250), rng.randint(0, 255)
    return host.format(a=a, n=n), ip.format(b=b, n=n), version
