"""Dovecot login sessions: one line per login connection when it ends (``Login:`` or a
failure), so each such line is a session by itself; the auth process's failures and refused
cleartext attempts of the same session id, logged before it, are joined to it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from parsers.records import LogEvent
from parsers.vocab import security_of, version_with_source
from pipeline.config import SiteConfig
from pipeline.lake.rows import sessions_row
from pipeline.sessions.rows import Row

Refusal = tuple[LogEvent, str]  # a refused cleartext attempt's line and its file

DOVECOT_AUTH_RESULTS = {
    "auth_failed": "failed",
    "plaintext_disallowed": "refused_cleartext",
    "no_auth": "none",
    "tls_failed": "none",
}


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


class DovecotSessions:
    """Dovecot connection lines of one rotated set into rows (``rows``)."""

    def __init__(self, config: SiteConfig, rows: list[Row]) -> None:
        self.config = config
        self.rows = rows
        # connections that had a cleartext login refused ("Plaintext authentication
        # disabled"), by host/session id, until the connection's own line arrives: the refusal
        # line itself (None when only its key crossed a file edge)
        self.refused_plaintext: dict[str, Refusal | None] = {}
        # wrong passwords the auth process logged, by host/session id
        self.auth_failures: dict[str, int] = {}

    def feed(self, event: LogEvent, source_file: str) -> None:
        kind = event.kind
        if kind.startswith("dovecot.auth.") and event.fields.get("session_id"):
            # the auth process names each wrong password, also in a connection that then logs
            # in; its login line does not
            key = f"{event.host}/{event.fields['session_id']}"
            self.auth_failures[key] = self.auth_failures.get(key, 0) + 1
        elif kind in ("dovecot.login.ok", "dovecot.login.failed"):
            text = event.fields.get("disconnect_text") or ""
            if text.startswith("Login failed"):
                # a refused attempt inside a connection that goes on; the connection's own
                # line (Login: or Disconnected) follows with the same session id
                if event.fields.get("failure") == "plaintext_disallowed":
                    self.note_refusal(event, source_file)
                return
            key = f"{event.host}/{event.fields.get('session_id')}"
            refused = kind == "dovecot.login.ok" and key in self.refused_plaintext
            self.rows.append(self._row(event, source_file))  # takes the session's failures
            if refused:
                # refused in the clear, then logged in (after STARTTLS): two events
                self.refusal_row(self.refused_plaintext.pop(key))

    def note_refusal(self, event: LogEvent, source_file: str) -> None:
        """A refused cleartext attempt: the password may have crossed. It joins its connection's
        line; without a session id to join by, it is a row of its own at once."""
        if not event.fields.get("session_id"):
            self.rows.append(self._row(event, source_file))
            return
        self.refused_plaintext[f"{event.host}/{event.fields['session_id']}"] = (event, source_file)

    def refusal_row(self, refusal: Refusal | None) -> None:
        """The row of a refusal no connection line claims (never dropped silently)."""
        if refusal is not None:
            event, source_file = refusal
            row = self._row(event, source_file)
            row["session_key"] += "/refused"
            self.rows.append(row)

    def _row(self, event: LogEvent, source_file: str) -> Row:
        f = event.fields
        flag = f.get("tls_flag") or "none"
        port = _int(f.get("server_port")) or None
        listener = self.config.port_listeners.get(port) if port else None
        trusted = flag == "secured" or self.config.is_internal(f.get("client_ip"))
        version, version_source = version_with_source(
            f.get("tls_version_raw") or f.get("tls_version"), f.get("tls_cipher")
        )
        if flag in ("TLS", "proxied", "TLS handshaking"):
            tls: bool | None = True
            tls_mode = listener.tls_mode if listener else "unknown"
        elif flag == "secured":
            tls, tls_mode = False, "none"
        else:
            tls, tls_mode = False, "none"
        if event.kind == "dovecot.login.ok":
            auth_result = "ok"
            failures = 0
        else:
            auth_result = DOVECOT_AUTH_RESULTS.get(f.get("failure") or "", "unknown")
            session_key = f"{event.host}/{f.get('session_id')}"
            if session_key in self.refused_plaintext:
                del self.refused_plaintext[session_key]
                auth_result = "refused_cleartext"
            elif auth_result == "failed" and not f.get("auth_method") and tls is False:
                # Dovecot 2.3 logs a LOGIN/USER+PASS refused by disable_plaintext_auth as "auth
                # failed" but without method=: no SASL exchange began, the server refused the
                # cleartext command (measured in the lab). A wrong password always has method=.
                auth_result = "refused_cleartext"
            failures = _int(f.get("auth_attempts")) if auth_result == "failed" else 0
            if auth_result == "failed" and not failures:
                failures = 1
        logged = self.auth_failures.pop(f"{event.host}/{f.get('session_id')}", 0)
        failures = max(failures, logged)
        service = f.get("service") or (listener.service if listener else "imap")
        session_id = f.get("session_id") or f.get("mpid") or str(event.line_no)
        return sessions_row(
            event_at=event.event_at,
            source="dovecot",
            server_host=event.host,
            service=service,
            listener=f.get("listener") or (f"{service}/{port}" if port else f"{service}-login"),
            server_port=port,
            client_ip=f.get("client_ip"),
            server_ip=f.get("server_ip"),
            user_name=f.get("user_name"),
            auth_method=f.get("auth_method"),
            auth_result=auth_result,
            auth_failures=failures,
            tls_mode=tls_mode,
            tls_version=version,
            tls_version_source=version_source,
            tls_cipher=f.get("tls_cipher"),
            security=security_of(tls, version, is_trusted_hop=trusted),
            is_trusted_hop=trusted,
            session_key=f"{event.host}/{session_id}",
            source_file=source_file,
            source_line=event.line_no,
        )

    def flush_stale(self, latest: datetime | None, *, everything: bool = False) -> None:
        """A Dovecot connection line is a whole session; only refusals wait for theirs. At the
        end of the data one still waiting becomes a row: a connection line written later would
        count the connection twice, which is better than hiding an exposed password."""
        self.drop_refusals()

    def drop_refusals(self) -> None:
        """Every refusal still waiting becomes a row of its own."""
        waiting = list(self.refused_plaintext.values())
        self.refused_plaintext.clear()
        for refusal in waiting:
            self.refusal_row(refusal)

    def open_sessions(self) -> list[dict[str, Any]]:
        return []

    def resume(self, state: dict[str, Any]) -> None:
        raise ValueError("Dovecot keeps no open sessions")


SESSIONS = DovecotSessions
