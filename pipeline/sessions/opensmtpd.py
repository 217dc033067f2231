"""OpenSMTPD smtp sessions: every line of a session carries its 16-hex session id, so a session
is keyed by host + id and runs from ``connected`` to ``disconnected``.

OpenSMTPD logs no listener or port. The site names its ``listen on`` lines in ``mailtls.toml``
(``[opensmtpd.listeners.NAME]``: port, tls_mode, auth); a session is narrowed to the listeners
that fit what it did (TLS or not; an AUTH exchange needs a listener with ``auth``) and gets the
tls_mode and port they share, else ``unknown`` (so 465 and 587 are told apart only when the
site has one TLS listener with AUTH). Local enqueues (``address=local``: sendmail, bounces) are
no client's session and make no row.

AUTH: OpenSMTPD offers AUTH only after TLS. A client that sends it before (or on a listener
without ``auth``) gets 503 and the command is logged as sent, credentials included: without TLS
that is ``refused_cleartext`` (the password crossed the wire); the parser has already decoded the
user name and dropped the password.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from parsers.records import LogEvent
from parsers.vocab import security_of, version_with_source
from pipeline.config import SiteConfig, SmtpdListener
from pipeline.sessions.rows import Row

# An smtp session never lasts this long (OpenSMTPD's own timeouts are minutes).
STALE_AFTER = timedelta(hours=1)

# the kinds by what they tell (6.4+, 6.0-6.3 and 5.x wordings)
_CONNECT = frozenset({"opensmtpd.smtp.connected", "opensmtpd.smtp_in.new_session"})
_TLS = frozenset({"opensmtpd.smtp.tls", "opensmtpd.smtp.tls_60", "opensmtpd.smtp_in.started_tls"})
_AUTH = frozenset(
    {
        "opensmtpd.smtp.authentication",
        "opensmtpd.smtp_in.auth_ok",
        "opensmtpd.smtp_in.auth_failed",
        "opensmtpd.smtp_in.auth_tempfail",
    }
)
_FAILED_COMMAND = frozenset({"opensmtpd.smtp.failed_command", "opensmtpd.smtp_in.failed_command"})
_MESSAGE = frozenset({"opensmtpd.smtp.message", "opensmtpd.smtp_in.accepted_message"})
_CLOSE = frozenset(
    {
        "opensmtpd.smtp.disconnected",
        "opensmtpd.smtp.closed_60",
        "opensmtpd.smtp_in.closing",
        "opensmtpd.smtp_in.received_disconnect",
        "opensmtpd.smtp_in.disconnecting",
    }
)
# replies to an AUTH command that refuse it before any credential check
_AUTH_REFUSED = frozenset({"503", "504", "530", "538"})


def opensmtpd_key(event: LogEvent) -> str:
    return f"{event.host}/{event.fields.get('session_id')}"


@dataclass(slots=True)
class SmtpdSession:
    """What is known so far of one OpenSMTPD smtp session."""

    key: str
    started_at: datetime | None
    host: str
    source_file: str
    source_line: int
    connected: bool = False  # its connect line was read
    local: bool = False
    client_ip: str | None = None
    tls_version_raw: str | None = None
    tls_cipher: str | None = None
    has_tls: bool = False
    user_name: str | None = None
    auth_method: str | None = None
    auth_exchange: bool = False  # an AUTH reached the credential check (AUTH was offered)
    auth_attempted: bool = False  # any AUTH command, refused or not
    auth_ok: bool = False
    auth_failures: int = 0
    auth_tempfail: bool = False
    refused_cleartext: bool = False
    messages: int = 0
    last_at: datetime | None = None

    def to_state(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _STATE}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> SmtpdSession:
        return cls(**state)


_STATE = tuple(f.name for f in fields(SmtpdSession))


def narrow(
    listeners: tuple[SmtpdListener, ...], *, tls: bool, auth_exchange: bool
) -> tuple[SmtpdListener, ...]:
    """The configured listeners a session may have come in on."""
    if tls:
        fit = [lst for lst in listeners if lst.tls_mode != "none"]
    else:
        fit = [lst for lst in listeners if lst.tls_mode != "implicit"]
    if auth_exchange:
        fit = [lst for lst in fit if lst.auth]
    return tuple(fit)


def _shared(values: set[Any]) -> Any:
    return next(iter(values)) if len(values) == 1 else None


class OpensmtpdSessions:
    """The open OpenSMTPD sessions of one rotated set; finished rows go to ``rows``."""

    def __init__(self, config: SiteConfig, rows: list[Row]) -> None:
        self.config = config
        self.rows = rows
        self.open: dict[str, SmtpdSession] = {}

    def feed(self, event: LogEvent, source_file: str) -> None:
        kind = event.kind
        key = opensmtpd_key(event)
        f = event.fields
        at = event.event_at
        if kind in _CONNECT:
            self.close(key)  # (ids are random: only a replayed log repeats one)
            self.open[key] = SmtpdSession(
                key,
                at,
                event.host,
                source_file,
                event.line_no,
                connected=True,
                local=f.get("local") == "yes",
                client_ip=f.get("client_ip"),
                last_at=at,
            )
            return
        session = self.open.get(key)
        if session is None:
            # a session whose connect line is not in the data read (before the first file)
            session = self.open[key] = SmtpdSession(
                key, at, event.host, source_file, event.line_no, last_at=at
            )
        elif at is not None:
            session.last_at = at
        if kind in _TLS:
            session.has_tls = True
            session.tls_version_raw = f.get("tls_version_raw") or f.get("tls_version")
            session.tls_cipher = f.get("tls_cipher")
        elif kind in _AUTH:
            session.auth_attempted = session.auth_exchange = True
            session.user_name = f.get("user_name") or session.user_name
            result = f.get("result")
            if result == "ok":
                session.auth_ok = True
            elif result == "permfail":
                session.auth_failures += 1
            else:
                session.auth_tempfail = True
        elif kind in _FAILED_COMMAND:
            self._failed_command(session, f)
        elif kind in _MESSAGE:
            session.messages += 1
        elif kind in _CLOSE:
            self.close(key)

    @staticmethod
    def _failed_command(session: SmtpdSession, f: Mapping[str, str | None]) -> None:
        method = f.get("auth_method")
        if method is None and f.get("credentials") is None:
            return  # not an AUTH command (MAIL, RCPT, …)
        session.auth_attempted = True
        session.auth_method = method or session.auth_method
        session.user_name = session.user_name or f.get("user_name")
        if f.get("auth_stage"):
            return  # OpenSMTPD's own AUTH exchange: its authentication line tells the outcome
        refused = f.get("reply_code") in _AUTH_REFUSED or f.get("credentials") == "password"
        if refused and not session.has_tls:
            # refused before TLS, or a PLAIN response sent after the refusal: in the clear
            session.refused_cleartext = True
        elif not session.auth_ok:
            session.auth_failures += 1

    # ---- classification -------------------------------------------------------------------
    def _row(self, s: SmtpdSession) -> Row | None:
        if s.local:
            return None
        candidates = narrow(
            self.config.opensmtpd_listeners, tls=s.has_tls, auth_exchange=s.auth_exchange
        )
        tls: bool | None
        if s.has_tls:
            tls = True
            tls_mode = _shared({lst.tls_mode for lst in candidates}) or "unknown"
        elif s.connected:
            tls, tls_mode = False, "none"
        else:
            tls, tls_mode = None, "unknown"  # its TLS line may be in the data not read
        port = _shared({lst.port for lst in candidates})
        listener = candidates[0].name if len(candidates) == 1 else "smtpd"
        if s.auth_ok:
            auth_result = "ok"
        elif s.refused_cleartext:
            auth_result = "refused_cleartext"
        elif s.auth_failures:
            auth_result = "failed"
        elif s.auth_tempfail:
            auth_result = "unknown"
        elif s.auth_attempted:
            auth_result = "failed"
        elif s.connected:
            auth_result = "none"
        else:
            auth_result = "unknown"
        version, version_source = version_with_source(s.tls_version_raw, s.tls_cipher)
        trusted = self.config.is_internal(s.client_ip)
        return {
            "event_at": s.started_at,
            "source": "opensmtpd",
            "server_host": s.host,
            "service": "submission" if s.auth_attempted else "smtp",
            "listener": listener,
            "server_port": port,
            "client_ip": s.client_ip,
            "server_ip": None,
            "user_name": s.user_name,
            "auth_method": s.auth_method,
            "auth_result": auth_result,
            "auth_failures": s.auth_failures,
            "tls_mode": tls_mode,
            "tls_version": version,
            "tls_version_source": version_source,
            "tls_cipher": s.tls_cipher,
            "security": security_of(tls, version, is_trusted_hop=trusted),
            "is_trusted_hop": trusted,
            "session_key": s.key,
            "source_file": s.source_file,
            "source_line": s.source_line,
        }

    # ---- draining --------------------------------------------------------------------------
    def close(self, key: str) -> None:
        """Write the open session of ``key``, if any, with what is known of it."""
        session = self.open.pop(key, None)
        if session is not None:
            row = self._row(session)
            if row is not None:
                self.rows.append(row)

    def flush_stale(self, latest: datetime | None, *, everything: bool = False) -> None:
        for key, session in list(self.open.items()):
            last = session.last_at or session.started_at
            if everything or (
                latest is not None and last is not None and latest - last > STALE_AFTER
            ):
                self.close(key)

    def open_sessions(self) -> list[dict[str, Any]]:
        return [s.to_state() for s in self.open.values()]

    def resume(self, state: dict[str, Any]) -> None:
        self.close(state["key"])
        session = SmtpdSession.from_state(state)
        self.open[session.key] = session


SESSIONS = OpensmtpdSessions
