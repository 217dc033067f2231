"""The site configuration, ``mailtls.toml``: every key optional, sensible defaults.

See ``mailtls.example.toml`` at the repository root for each key with its meaning.
"""

from __future__ import annotations

import ipaddress
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.errors import ConfigError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

IMPLICIT_MODES: Final = frozenset({"implicit"})
LISTENER_MODES: Final = ("implicit", "starttls", "starttls-optional")


@dataclass(frozen=True, slots=True)
class Listener:
    """What a listener is: its port, how TLS starts on it, and the service it offers.

    ``tls_mode`` is ``implicit`` (TLS from the first byte), ``starttls`` or ``starttls-optional``
    (port 25: TLS only when the client asks).
    """

    port: int | None
    tls_mode: str
    service: str

    @property
    def is_implicit(self) -> bool:
        return self.tls_mode in IMPLICIT_MODES


# Postfix: the syslog_name component before the daemon (``postfix/submission/smtpd``), or the
# daemon itself when the syslog_name is the bare instance name (``postfix/smtpd``).
POSTFIX_LISTENERS: Final[Mapping[str, Listener]] = {
    "smtpd": Listener(25, "starttls-optional", "smtp"),
    "submission": Listener(587, "starttls", "submission"),
    "smtps": Listener(465, "implicit", "submission"),
    "submissions": Listener(465, "implicit", "submission"),
}

# Dovecot: the local port (``lport=``) says how TLS starts.
DOVECOT_PORTS: Final[Mapping[int, str]] = {
    993: "implicit",
    995: "implicit",
    465: "implicit",
    143: "starttls",
    110: "starttls",
    587: "starttls",
    4190: "starttls",
}

DEFAULT_CONFIG_NAME: Final = "mailtls.toml"


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The parsed ``mailtls.toml``."""

    postfix_listeners: Mapping[str, Listener] = field(default_factory=lambda: POSTFIX_LISTENERS)
    dovecot_ports: Mapping[int, str] = field(default_factory=lambda: DOVECOT_PORTS)
    internal_networks: tuple[Network, ...] = ()
    own_domains: tuple[str, ...] = ()
    own_hosts: tuple[str, ...] = ()
    year: int | None = None
    timezone: str | None = None  # IANA name; None = the machine's zone
    pseudonymisation_key: str | None = None
    plan_file: Path | None = None
    session_timeout_s: int = 3600  # an smtpd session open this long is flushed as it is
    stitch_window_s: int = (
        300  # Dovecot logins this close to a file's start may own earlier auth lines
    )

    def tz(self) -> tzinfo | None:
        return ZoneInfo(self.timezone) if self.timezone else None

    def postfix_listener(self, syslog_name: str) -> Listener | None:
        """The listener for a Postfix syslog_name (``postfix/submission``), full name first."""
        found = self.postfix_listeners.get(syslog_name)
        if found is not None:
            return found
        short = syslog_name.rpartition("/")[2] if "/" in syslog_name else "smtpd"
        return self.postfix_listeners.get(short)

    def is_internal(self, ip: str | None) -> bool:
        if not ip or not self.internal_networks:
            return False
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return False
        return any(address in net for net in self.internal_networks)


def load_config(path: Path | None) -> SiteConfig:
    """The configuration at ``path``; else ``./mailtls.toml`` if present; else the defaults."""
    if path is None:
        default = Path(DEFAULT_CONFIG_NAME)
        if not default.is_file():
            return SiteConfig()
        path = default
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return config_from(data, str(path))


def config_from(data: Mapping[str, Any], name: str = "mailtls.toml") -> SiteConfig:
    """Build a :class:`SiteConfig` from parsed TOML; errors name the file and the key."""
    reader = _Reader(data, name)
    site = reader.table("site")
    logs = reader.table("logs")
    tables = reader.table("listeners")
    listeners = dict(POSTFIX_LISTENERS)
    for key, value in reader.table("listeners.postfix", tables).items():
        listeners[key] = reader.listener(f"listeners.postfix.{key}", value)
    ports = dict(DOVECOT_PORTS)
    for key, value in reader.table("listeners.dovecot", tables).items():
        port = reader.port(f"listeners.dovecot.{key}", key)
        ports[port] = reader.mode(f"listeners.dovecot.{key}", value, dovecot=True)
    timezone = reader.opt(logs, "logs.timezone", str)
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"{name}: logs.timezone: unknown IANA zone {timezone!r}") from None
    plan = reader.opt(site, "site.plan_file", str)
    return SiteConfig(
        postfix_listeners=listeners,
        dovecot_ports=ports,
        internal_networks=tuple(
            reader.network(n) for n in reader.strings(site, "site.internal_networks")
        ),
        own_domains=tuple(d.lower() for d in reader.strings(site, "site.own_domains")),
        own_hosts=tuple(h.lower() for h in reader.strings(site, "site.own_hosts")),
        year=reader.opt(logs, "logs.year", int),
        timezone=timezone,
        pseudonymisation_key=reader.opt(site, "site.pseudonymisation_key", str),
        plan_file=Path(plan) if plan else None,
        session_timeout_s=reader.opt(logs, "logs.session_timeout", int) or 3600,
        stitch_window_s=reader.opt(logs, "logs.stitch_window", int) or 300,
    )


class _Reader:
    """Typed access to the TOML tree; every error is one line naming the file and key."""

    def __init__(self, data: Mapping[str, Any], name: str) -> None:
        self.data = data
        self.name = name

    def fail(self, key: str, what: str) -> ConfigError:
        return ConfigError(f"{self.name}: {key}: {what}")

    def table(self, key: str, parent: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
        value = (self.data if parent is None else parent).get(key.rpartition(".")[2], {})
        if not isinstance(value, Mapping):
            raise self.fail(key, "must be a table")
        return value

    def opt(self, table: Mapping[str, Any], key: str, kind: type[Any]) -> Any:
        value = table.get(key.rpartition(".")[2])
        if value is None:
            return None
        if not isinstance(value, kind) or isinstance(value, bool):
            raise self.fail(key, f"must be a {kind.__name__}, not {type(value).__name__}")
        return value

    def strings(self, table: Mapping[str, Any], key: str) -> list[str]:
        value = table.get(key.rpartition(".")[2], [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "must be a list of strings")
        return value

    def network(self, text: str) -> Network:
        try:
            return ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise self.fail("site.internal_networks", f"not a network: {text!r}") from None

    def port(self, key: str, text: str) -> int:
        if not text.isdigit() or not 0 < int(text) < 65536:
            raise self.fail(key, "a Dovecot listener key must be a port number")
        return int(text)

    def mode(self, key: str, value: Any, *, dovecot: bool = False) -> str:
        modes = ("implicit", "starttls") if dovecot else LISTENER_MODES
        if value not in modes:
            raise self.fail(key, f"tls_mode must be one of {', '.join(modes)}")
        return str(value)

    def listener(self, key: str, value: Any) -> Listener:
        if not isinstance(value, Mapping):
            raise self.fail(key, "must be a table with port, tls_mode, service")
        port = value.get("port")
        if port is not None and (not isinstance(port, int) or not 0 < port < 65536):
            raise self.fail(f"{key}.port", "must be a port number")
        mode = self.mode(f"{key}.tls_mode", value.get("tls_mode"))
        service = value.get("service", "smtp" if mode == "starttls-optional" else "submission")
        if service not in ("smtp", "submission", "lmtp"):
            raise self.fail(f"{key}.service", "must be smtp, submission or lmtp")
        return Listener(port, mode, str(service))
