"""Site configuration, ``mailtls.toml``: every key optional, defaults that fit a stock site.

See ``mailtls.example.toml`` at the repository root for each key with its meaning.
"""

from __future__ import annotations

import ipaddress
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.errors import ConfigError

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class Listener:
    """What a listener name or port means: the service, its port, and how TLS starts."""

    service: str  # DESIGN vocabulary: submission, smtp, imap, pop3, managesieve
    port: int | None
    tls_mode: str  # implicit, starttls (offered, may be skipped), or unknown
    # the listener refuses AUTH before TLS (Postfix smtpd_tls_auth_only = yes): an AUTH sent in
    # the clear there is a refused cleartext attempt; elsewhere nothing says it was refused
    tls_auth_only: bool = False


# Postfix syslog_name (the part between "postfix" and "/smtpd") → listener
POSTFIX_LISTENERS: dict[str, Listener] = {
    "": Listener("smtp", 25, "starttls"),
    "smtpd": Listener("smtp", 25, "starttls"),
    "submission": Listener("submission", 587, "starttls"),
    "smtps": Listener("submission", 465, "implicit"),
    "submissions": Listener("submission", 465, "implicit"),
}


@dataclass(frozen=True, slots=True)
class SmtpdListener:
    """One OpenSMTPD ``listen on`` line: its port, how TLS starts, whether it offers AUTH.

    OpenSMTPD logs no listener per session, so a session is narrowed to the listeners that fit
    what it did (TLS or not, AUTH or not); the tls_mode they share is the session's.
    """

    name: str
    port: int | None
    tls_mode: str  # implicit (smtps), starttls (tls, tls-require), none (no TLS)
    auth: bool  # "auth" on the listen line: AUTH offered (after TLS)


# Dovecot (and generic) local port → listener
PORT_LISTENERS: dict[int, Listener] = {
    25: Listener("smtp", 25, "starttls"),
    587: Listener("submission", 587, "starttls"),
    465: Listener("submission", 465, "implicit"),
    143: Listener("imap", 143, "starttls"),
    993: Listener("imap", 993, "implicit"),
    110: Listener("pop3", 110, "starttls"),
    995: Listener("pop3", 995, "implicit"),
    4190: Listener("managesieve", 4190, "starttls"),
}


REFUSED_RULES = ("own_client", "login_address", "any", "none")


@dataclass(frozen=True, slots=True)
class EvidenceRule:
    """Which refused cleartext attempts count as the user's own client, and so set L0 and the
    reset flag (``[evidence]`` in mailtls.toml; marts/25_cleartext_attempts.sql applies it).

    RFC 8314 §4.1 has the server answer a wrong password as it answers a right one, so the log
    cannot tell a user's misconfigured phone from a stranger trying the name. The address's
    behaviour can: ``own_client`` (default) counts an address the user also logs in from, or one
    that repeats the same name over ``repeat_hours``; ``login_address`` only the former; both
    never count an address that behaves like a guesser (``guesser_names`` names it never
    logged in as, a burst of ``burst_attempts`` within ``burst_minutes``, or a failed password
    for another name). ``any`` counts every attempt (the looser rule), ``none`` none.
    """

    refused_cleartext: str = "own_client"
    repeat_hours: int = 6
    guesser_names: int = 3
    burst_attempts: int = 10
    burst_minutes: int = 10


@dataclass(frozen=True, slots=True)
class SiteConfig:
    postfix_listeners: dict[str, Listener] = field(default_factory=lambda: dict(POSTFIX_LISTENERS))
    port_listeners: dict[int, Listener] = field(default_factory=lambda: dict(PORT_LISTENERS))
    # OpenSMTPD listen lines (mailtls.toml [opensmtpd.listeners.NAME]); none by default
    opensmtpd_listeners: tuple[SmtpdListener, ...] = ()
    internal_networks: tuple[IpNetwork, ...] = ()
    own_hosts: tuple[str, ...] = ()  # host names and domains whose Received hops are ours
    year: int | None = None  # for year-less syslog lines; None = infer from today
    timezone: str | None = None  # IANA name for zone-less lines; None = the machine's
    pseudonym_key: str | None = None
    evidence: EvidenceRule = field(default_factory=EvidenceRule)
    plan: Path | None = None
    source: Path | None = None  # the file this came from, for messages

    def zone(self) -> ZoneInfo | None:
        return ZoneInfo(self.timezone) if self.timezone else None

    def is_internal(self, ip: str | None) -> bool:
        if not ip or not self.internal_networks:
            return False
        try:
            address = ipaddress.ip_address(ip.split("%", 1)[0])
        except ValueError:
            return False
        return any(address in net for net in self.internal_networks)


def load_config(path: Path | None) -> SiteConfig:
    """Read ``path`` (or ``./mailtls.toml`` when it exists); defaults when there is none."""
    if path is None:
        default = Path("mailtls.toml")
        if not default.is_file():
            return SiteConfig()
        path = default
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return _from_dict(data, path)


def _from_dict(data: dict[str, Any], path: Path) -> SiteConfig:
    def fail(key: str, why: str) -> ConfigError:
        return ConfigError(f"{path}: {key}: {why}")

    site = data.get("site", {})
    postfix = dict(POSTFIX_LISTENERS)
    for name, spec in data.get("postfix", {}).get("listeners", {}).items():
        postfix[name] = _listener(spec, f"postfix.listeners.{name}", fail, postfix.get(name))
        if name == "smtpd":  # the main smtpd logs as plain postfix/smtpd (syslog_name "")
            postfix[""] = postfix[name]
    ports = dict(PORT_LISTENERS)
    for name, spec in data.get("ports", {}).items():
        if not str(name).isdigit():
            raise fail(f"ports.{name}", "a port number is expected as the key")
        ports[int(name)] = _listener(spec, f"ports.{name}", fail, ports.get(int(name)))
    opensmtpd = tuple(
        _smtpd_listener(str(name), spec, f"opensmtpd.listeners.{name}", fail)
        for name, spec in data.get("opensmtpd", {}).get("listeners", {}).items()
    )
    networks = []
    for cidr in site.get("internal_networks", []):
        try:
            networks.append(ipaddress.ip_network(cidr, strict=False))
        except ValueError:
            raise fail("site.internal_networks", f"{cidr!r} is not a network") from None
    timezone = site.get("timezone")
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise fail("site.timezone", f"unknown time zone {timezone!r}") from None
    year = site.get("year")
    if year is not None and not (isinstance(year, int) and 1990 <= year <= 2100):
        raise fail("site.year", f"{year!r} is not a year")
    plan = data.get("plan", {}).get("file")
    return SiteConfig(
        postfix_listeners=postfix,
        port_listeners=ports,
        opensmtpd_listeners=opensmtpd,
        internal_networks=tuple(networks),
        own_hosts=tuple(str(h).lower() for h in site.get("own_hosts", [])),
        year=year,
        timezone=timezone,
        pseudonym_key=data.get("privacy", {}).get("pseudonym_key"),
        evidence=_evidence(data.get("evidence", {}), fail),
        plan=(path.parent / plan) if plan else None,
        source=path,
    )


def _evidence(table: Any, fail: Any) -> EvidenceRule:
    if not isinstance(table, dict):
        raise fail("evidence", "a table is expected")
    default = EvidenceRule()
    rule = table.get("refused_cleartext", default.refused_cleartext)
    if rule not in REFUSED_RULES:
        raise fail("evidence.refused_cleartext", f"{rule!r}: use {', '.join(REFUSED_RULES)}")
    numbers = {}
    for key in ("repeat_hours", "guesser_names", "burst_attempts", "burst_minutes"):
        value = table.get(key, getattr(default, key))
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100_000:
            raise fail(f"evidence.{key}", f"{value!r} is not a whole number from 1")
        numbers[key] = value
    unknown = set(table) - {"refused_cleartext", *numbers}
    if unknown:
        raise fail("evidence", f"unknown key {sorted(unknown)[0]!r}")
    return EvidenceRule(refused_cleartext=rule, **numbers)


def _listener(spec: Any, key: str, fail: Any, default: Listener | None = None) -> Listener:
    """A listener from its table; keys it leaves out keep the default listener's values."""
    if not isinstance(spec, dict):
        raise fail(key, "a table with service, port and tls_mode is expected")
    base = default or Listener("submission", None, "unknown")
    service = spec.get("service", base.service)
    tls_mode = spec.get("tls_mode", base.tls_mode)
    if tls_mode not in ("implicit", "starttls", "unknown"):
        raise fail(key, f"tls_mode {tls_mode!r}: use implicit, starttls or unknown")
    if service not in ("imap", "pop3", "submission", "managesieve", "smtp", "lmtp"):
        raise fail(key, f"service {service!r} is not one of DESIGN's services")
    port = spec.get("port", base.port)
    auth_only = spec.get("tls_auth_only", base.tls_auth_only)
    if not isinstance(auth_only, bool):
        raise fail(key, f"tls_auth_only {auth_only!r}: use true or false")
    return Listener(service, int(port) if port is not None else None, tls_mode, auth_only)


def _smtpd_listener(name: str, spec: Any, key: str, fail: Any) -> SmtpdListener:
    if not isinstance(spec, dict):
        raise fail(key, "a table with port, tls_mode and auth is expected")
    tls_mode = spec.get("tls_mode")
    if tls_mode not in ("implicit", "starttls", "none"):
        raise fail(key, f"tls_mode {tls_mode!r}: use implicit (smtps), starttls (tls) or none")
    auth = spec.get("auth", False)
    if not isinstance(auth, bool):
        raise fail(key, "auth: true or false")
    port = spec.get("port")
    if port is not None and not (isinstance(port, int) and 0 < port < 65536):
        raise fail(key, f"port {port!r} is not a port number")
    return SmtpdListener(name, port, tls_mode, auth)
