"""One session's events → one ``sessions`` row, classified exactly per DESIGN.md.

Postfix ``auth_result`` (smtpd logs no AUTH success line, so it is read from the counters):

- ``ok``: ``auth=N`` with N ≥ 1 succeeded, or a ``client=… sasl_username=`` line;
- ``refused_cleartext``: AUTH attempted, none succeeded, no TLS on a listener that is not
  implicit, and no ``SASL … authentication failed`` line. smtpd then never handed the
  credentials to SASL: it answered 503 (``smtpd_tls_auth_only``: AUTH is not offered before
  STARTTLS). A client sending ``AUTH PLAIN <initial response>`` has sent its password anyway;
- ``failed``: AUTH attempted, none succeeded, and SASL said the credentials were wrong (also
  without TLS: the server accepted a cleartext AUTH and the password was wrong);
- ``none``: the counters show no AUTH; ``unknown``: no counters (pre-3.0 Postfix, or a session
  whose ``disconnect from`` was never logged) and no other sign.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from parsers.records import LogEvent
from parsers.vocab import security_of, version_with_source
from pipeline.config import Listener, SiteConfig

Row = dict[str, Any]

_DOVECOT_FAILURES = {
    "auth_failed": "failed",
    "plaintext_disallowed": "refused_cleartext",
    "no_auth": "none",
    "tls_failed": "none",
}


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def clean(value: str | None) -> str | None:
    """A string Arrow can write: bytes that were not UTF-8 become U+FFFD."""
    if value is None or value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return value


def _last(events: Iterable[LogEvent], name: str) -> str | None:
    found: str | None = None
    for event in events:
        value = event.fields.get(name)
        if value:
            found = value
    return found


def _tls_columns(
    tls_used: bool | None, tls_mode: str, tls_line: LogEvent | None, trusted: bool
) -> Row:
    """The TLS columns of a row; version and cipher come from the TLS line, if TLS was used."""
    version = version_source = cipher = None
    if tls_used and tls_line is not None:
        fields = tls_line.fields
        cipher = fields.get("tls_cipher")
        raw = fields.get("tls_version_raw") or fields.get("tls_version")
        version, version_source = version_with_source(raw, cipher)
    return {
        "tls_mode": tls_mode,
        "tls_version": version,
        "tls_version_source": version_source,
        "tls_cipher": clean(cipher),
        "security": security_of(tls_used, version, is_trusted_hop=trusted),
        "is_trusted_hop": trusted,
    }


def postfix_row(events: Sequence[LogEvent], source_file: str, config: SiteConfig) -> Row:
    """The row of one smtpd connection (``connect from`` … ``disconnect from``)."""
    first = events[0]
    by_kind: dict[str, list[LogEvent]] = {}
    for event in events:
        by_kind.setdefault(event.kind.rpartition(".")[2], []).append(event)
    connect = by_kind.get("connect", [None])[0]
    disconnect = by_kind.get("disconnect", [None])[-1]
    tls_line = by_kind.get("tls_established", [None])[-1]
    clients = by_kind.get("client", [])
    sasl_failed = by_kind.get("sasl_failed", [])
    tls_failed = bool(by_kind.get("tls_error") or by_kind.get("tls_library_problem"))

    syslog_name = first.program.rpartition("/")[0] or first.program
    listener = config.postfix_listener(syslog_name) if "/" in first.program else None
    counters: Mapping[str, str | None] = disconnect.fields if disconnect else {}
    starttls_ok = _int(counters.get("starttls_ok"))
    auth_ok = _int(counters.get("auth_ok")) or 0
    auth_attempts = _int(counters.get("auth_attempts")) or 0
    has_counters = starttls_ok is not None

    tls_used, tls_mode = _postfix_tls(listener, starttls_ok, tls_line is not None, tls_failed)
    client_ip = _last(events, "client_ip")
    trusted = config.is_internal(client_ip)

    user_name = _last(clients, "user_name") or _last(sasl_failed, "user_name")
    if auth_ok > 0 or (user_name and clients):
        auth_result = "ok"
    elif auth_attempts > 0:
        refused = not sasl_failed and tls_used is False and not (listener and listener.is_implicit)
        auth_result = "refused_cleartext" if refused else "failed" if sasl_failed else "unknown"
    elif sasl_failed:
        auth_result = "failed"
    else:
        auth_result = "none" if has_counters else "unknown"
    failures = max(len(sasl_failed), auth_attempts - auth_ok)

    attempted = auth_result != "none" and (auth_attempts > 0 or user_name or sasl_failed)
    service = listener.service if listener else "smtp"
    if service == "smtp" and attempted:
        service = "submission"
    started = connect or first
    return {
        "event_at": started.event_at,
        "source": "postfix",
        "server_host": clean(first.host),
        "service": service,
        "listener": clean(syslog_name),
        "server_port": listener.port if listener else None,
        "client_ip": clean(client_ip),
        "server_ip": None,
        "user_name": clean(user_name),
        "auth_method": clean(_last(clients, "auth_method") or _last(sasl_failed, "auth_method")),
        "auth_result": auth_result,
        "auth_failures": failures,
        **_tls_columns(tls_used, tls_mode, tls_line, trusted),
        "session_key": clean(f"{first.host}/{first.program}/{first.pid}/{_iso(started.event_at)}"),
        "source_file": clean(source_file),
        "source_line": first.line_no,
    }


def _postfix_tls(
    listener: Listener | None, starttls_ok: int | None, has_tls_line: bool, tls_failed: bool
) -> tuple[bool | None, str]:
    """(TLS used, tls_mode) from the listener, the STARTTLS counter and the TLS lines."""
    if listener is not None and listener.is_implicit:
        return not (tls_failed and not has_tls_line), "implicit"
    if starttls_ok:
        return True, "starttls"
    if listener is not None:  # a known STARTTLS listener: no successful STARTTLS is no TLS
        if starttls_ok == 0:
            return False, "none"
        return (True, "starttls") if has_tls_line else (None, "unknown")
    # an unknown listener may be a wrapper-mode one: TLS without STARTTLS has an unknown mode
    return (True, "unknown") if has_tls_line else (None, "unknown")


def dovecot_row(
    login: LogEvent, auth: Sequence[LogEvent], source_file: str, config: SiteConfig
) -> Row:
    """The row of one Dovecot login connection, with the auth-process lines of its session."""
    fields = login.fields
    port = _int(fields.get("server_port"))
    flag = fields.get("tls_flag") or "none"
    client_ip = fields.get("client_ip")
    trusted = flag == "secured" or config.is_internal(client_ip)
    port_mode = config.dovecot_ports.get(port) if port is not None else None
    tls_used: bool | None
    if flag == "TLS":
        tls_used, tls_mode = True, port_mode or "unknown"
    elif flag == "TLS handshaking":  # the handshake never completed
        tls_used, tls_mode = False, port_mode or "unknown"
    elif flag == "proxied":
        tls_used, tls_mode = None, "unknown"
    else:  # no flag, or `secured` (a trusted hop, never TLS)
        tls_used, tls_mode = False, "none"

    if login.kind == "dovecot.login.ok":
        auth_result = "ok"
        failures = len(auth)
    else:
        auth_result = _DOVECOT_FAILURES.get(fields.get("failure") or "", "unknown")
        attempts = _int(fields.get("auth_attempts")) or 0
        failures = max(attempts, len(auth)) if auth_result != "none" else len(auth)
    service = fields.get("service") or "imap"
    session_id = fields.get("session_id")
    key = session_id or f"{login.host}/{service}/mpid={fields.get('mpid')}/{_iso(login.event_at)}"
    started = auth[0] if auth else login
    return {
        "event_at": login.event_at,
        "source": "dovecot",
        "server_host": clean(login.host),
        "service": service,
        "listener": clean(fields.get("listener") or f"{service}-login"),
        "server_port": port,
        "client_ip": clean(client_ip),
        "server_ip": clean(fields.get("server_ip")),
        "user_name": clean(fields.get("user_name") or _last(auth, "user_name")),
        "auth_method": clean(fields.get("auth_method") or _last(auth, "auth_method")),
        "auth_result": auth_result,
        "auth_failures": failures,
        **_tls_columns(tls_used, tls_mode, login, trusted),
        "session_key": clean(key),
        "source_file": clean(source_file),
        "source_line": started.line_no,
    }


def _iso(when: datetime | None) -> str:
    return when.isoformat() if when else "?"
