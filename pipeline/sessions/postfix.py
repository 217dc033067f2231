"""Postfix smtpd sessions: one connection per process at a time, so a session is keyed by host
+ program (which carries the syslog_name) + pid and runs from ``connect from`` to ``disconnect
from``. Open sessions are plain data (:meth:`PostfixSessions.open_sessions`), so a session cut
by the end of a rotated file continues in the next file, in this run or the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from parsers.records import LogEvent
from parsers.vocab import security_of, version_with_source
from pipeline.config import Listener, SiteConfig
from pipeline.lake.rows import sessions_row
from pipeline.sessions.rows import Row

# An smtpd session never lasts this long (Postfix's own smtpd_timeout is minutes): a session
# still open after this much later log time lost its disconnect line (crash, lost log).
STALE_AFTER = timedelta(hours=1)
# open sessions kept at most: smtpd runs 100 processes by default; beyond this many the oldest
# are closed as they are (connects that never disconnect would otherwise pile up run after run)
MAX_OPEN = 50_000


@dataclass(slots=True)
class PostfixSession:
    """What is known so far of one smtpd connection."""

    key: str
    started_at: datetime | None
    host: str
    program: str
    pid: int | None
    source_file: str
    source_line: int
    client_ip: str | None = None
    user_name: str | None = None
    auth_method: str | None = None
    tls_version_raw: str | None = None
    tls_cipher: str | None = None
    has_tls_line: bool = False
    sasl_failures: int = 0
    authenticated: bool = False  # a queue line named the SASL user: the login succeeded
    last_at: datetime | None = None
    counters: dict[str, int] = field(default_factory=dict)
    closed: bool = False
    # begun before the data read, in an older file of the set not read yet: waits for it
    is_orphan: bool = False

    def to_state(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _POSTFIX_STATE}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> PostfixSession:
        return cls(**state)


# by field list, not ``__slots__``: a mypyc-compiled dataclass has no ``__slots__`` attribute
_POSTFIX_STATE = tuple(f.name for f in fields(PostfixSession))


def postfix_key(event: LogEvent) -> str:
    """The open-session key of an smtpd event: host, program (with syslog_name) and pid."""
    return f"{event.host}/{event.program}/{event.pid}"


# the disconnect line's counters a session keeps (parsers.postfix.dialects._counters names them)
_COUNTERS = ("starttls_ok", "starttls_attempts", "auth_ok", "auth_attempts", "commands_total")


class PostfixSessions:
    """The open smtpd sessions of one rotated set; finished rows go to ``rows``."""

    def __init__(self, config: SiteConfig, rows: list[Row]) -> None:
        self.config = config
        self.rows = rows
        self.open: dict[str, PostfixSession] = {}
        # sessions whose start is in an older file not read yet (a set read newest first):
        # kept, ended or not, until that file's open sessions can take them (settle_orphans)
        self.orphans: dict[str, PostfixSession] = {}
        self.hold_heads = False  # set while the heads of such a file are fed
        self._listeners: dict[str, Listener | None] = {}  # by program: one lookup per session

    def feed(self, event: LogEvent, source_file: str) -> None:
        if not event.kind.startswith("postfix.smtpd."):
            return  # outbound smtp and tlsproxy lines are no client's session
        key = postfix_key(event)
        f = event.fields
        kind = event.kind
        at = event.event_at
        if kind == "postfix.smtpd.connect":
            self.close(key)  # an earlier session of this process lost its disconnect line
            self.open[key] = PostfixSession(
                key,
                at,
                event.host,
                event.program,
                event.pid,
                source_file,
                event.line_no,
                client_ip=f.get("client_ip"),
                last_at=at,
            )
            return
        session = self.open.get(key)
        if session is None:
            # a session whose connect line is not in the data read (before the first file)
            session = PostfixSession(
                key,
                at,
                event.host,
                event.program,
                event.pid,
                source_file,
                event.line_no,
                client_ip=f.get("client_ip"),
                last_at=at,
                is_orphan=self.hold_heads,
            )
            self.open[key] = session
        elif at is not None:
            session.last_at = at
        if kind == "postfix.smtpd.tls_established":
            session.has_tls_line = True
            session.tls_version_raw = f.get("tls_version_raw") or f.get("tls_version")
            session.tls_cipher = f.get("tls_cipher")
        elif kind == "postfix.smtpd.client":
            user_name = f.get("user_name")
            if user_name:
                session.user_name = user_name
                session.authenticated = True
            session.auth_method = f.get("auth_method") or session.auth_method
        elif kind == "postfix.smtpd.sasl_failed":
            session.sasl_failures += 1
            session.user_name = session.user_name or f.get("user_name")
            session.auth_method = session.auth_method or f.get("auth_method")
        elif kind == "postfix.smtpd.disconnect":
            counters = session.counters
            for name in _COUNTERS:
                value = f.get(name)
                if value is not None:
                    counters[name] = int(value) if value.isdigit() else 0
            session.closed = True
            self.close(key)

    # ---- classification -------------------------------------------------------------------
    def listener(self, program: str) -> Listener | None:
        """``postfix/submission/smtpd`` → the listener of syslog_name ``submission``."""
        if program not in self._listeners:
            if len(self._listeners) > 1024:
                self._listeners.clear()
            self._listeners[program] = self._listener_of(program)
        return self._listeners[program]

    def _listener_of(self, program: str) -> Listener | None:
        parts = program.split("/")
        name = "/".join(parts[1:-1]) if len(parts) > 2 else ("" if len(parts) == 2 else None)
        if name is None:
            return None  # "postfix" alone: rsyslog cut the syslog_name off
        listener = self.config.postfix_listeners.get(name)
        if listener is None and "/" in name:
            listener = self.config.postfix_listeners.get(name.rsplit("/", 1)[-1])
        return listener

    def _row(self, s: PostfixSession) -> Row:
        listener = self.listener(s.program)
        c = s.counters
        counters_known = bool(c)
        starttls = c.get("starttls_ok", 0) > 0
        implicit = listener is not None and listener.tls_mode == "implicit"
        if not implicit and s.has_tls_line and counters_known and not c.get("starttls_attempts"):
            implicit = True  # TLS without a STARTTLS command: the listener wraps (465)
        if implicit:
            tls: bool | None = True
            tls_mode = "implicit"
        elif starttls or s.has_tls_line:
            tls, tls_mode = True, "starttls"
        elif counters_known:
            tls, tls_mode = False, "none"
        else:
            tls, tls_mode = None, "unknown"
        version, version_source = version_with_source(s.tls_version_raw, s.tls_cipher)
        auth_attempts = c.get("auth_attempts", 0)
        failures = max(auth_attempts - c.get("auth_ok", 0), s.sasl_failures)
        if c.get("auth_ok", 0) > 0 or s.authenticated:
            auth_result = "ok"
        elif s.sasl_failures:
            auth_result = "failed"
        elif auth_attempts and tls is False:
            # AUTH sent in the clear and refused without a SASL failure: the server offered no
            # AUTH before TLS (smtpd_tls_auth_only); the password may still have crossed
            auth_result = "refused_cleartext"
        elif auth_attempts:
            auth_result = "failed"
        elif counters_known:
            auth_result = "none"
        else:
            auth_result = "unknown"
        if listener is not None:
            service, port = listener.service, listener.port
        else:
            service, port = "smtp", None
        if service == "smtp" and (auth_attempts or s.user_name):
            service = "submission"  # SMTP AUTH on port 25 is submission
        if implicit and port is None:
            port = 465
        trusted = self.config.is_internal(s.client_ip)
        return sessions_row(
            event_at=s.started_at,
            source="postfix",
            server_host=s.host,
            service=service,
            listener=s.program,
            server_port=port,
            client_ip=s.client_ip,
            server_ip=None,
            user_name=s.user_name,
            auth_method=s.auth_method,
            auth_result=auth_result,
            auth_failures=failures,
            tls_mode=tls_mode,
            tls_version=version,
            tls_version_source=version_source,
            tls_cipher=s.tls_cipher,
            security=security_of(tls, version, is_trusted_hop=trusted),
            is_trusted_hop=trusted,
            session_key=f"{s.key}/{s.started_at.isoformat() if s.started_at else s.source_line}",
            source_file=s.source_file,
            source_line=s.source_line,
        )

    # ---- draining --------------------------------------------------------------------------
    def close(self, key: str) -> None:
        """Write the open session of ``key``, if any, with what is known of it (an orphan
        waits for its start instead)."""
        session = self.open.pop(key, None)
        if session is None:
            return
        if session.is_orphan:
            self._keep_orphan(session)
        else:
            self.rows.append(self._row(session))

    def _keep_orphan(self, session: PostfixSession) -> None:
        earlier = self.orphans.pop(session.key, None)
        if earlier is not None:  # the same process again: the earlier one waits no more
            earlier.is_orphan = False
            self.rows.append(self._row(earlier))
        self.orphans[session.key] = session

    def settle_orphans(self) -> None:
        """Join each waiting orphan onto the open session of its key that began before it (the
        older file's tail), else write it as it is: the older file was read, or never will be."""
        for key, orphan in self.orphans.items():
            orphan.is_orphan = False
            start = self.open.get(key)
            if start is not None and _before(start.started_at, orphan.started_at):
                self.open.pop(key)
                self.rows.append(self._row(_joined(start, orphan)))
            else:
                self.rows.append(self._row(orphan))
        self.orphans.clear()

    def flush_stale(self, latest: datetime | None, *, everything: bool = False) -> None:
        """Close sessions whose disconnect will not come: open longer than STALE_AFTER before
        ``latest`` (the newest event seen), or all of them when ``everything``."""
        for key, session in list(self.open.items()):
            last = session.last_at or session.started_at
            if everything or (
                latest is not None and last is not None and latest - last > STALE_AFTER
            ):
                self.close(key)
        while len(self.open) > MAX_OPEN:  # the oldest first: the dicts keep opening order
            self.close(next(iter(self.open)))
        while len(self.orphans) > MAX_OPEN:
            orphan = self.orphans.pop(next(iter(self.orphans)))
            orphan.is_orphan = False
            self.rows.append(self._row(orphan))

    def open_sessions(self) -> list[dict[str, Any]]:
        return [s.to_state() for s in (*self.open.values(), *self.orphans.values())]

    def resume(self, state: dict[str, Any]) -> None:
        """Take over an open session of an earlier file or run (replacing one of the same key),
        or an orphan still waiting for its start."""
        session = PostfixSession.from_state(state)
        if session.is_orphan:
            self._keep_orphan(session)
            return
        self.close(state["key"])
        self.open[session.key] = session


def _before(start: datetime | None, later: datetime | None) -> bool:
    return start is None or later is None or start <= later


def _joined(start: PostfixSession, rest: PostfixSession) -> PostfixSession:
    """The session ``start`` began (connect, TLS) continued by what ``rest`` saw after it."""
    start.user_name = rest.user_name or start.user_name
    start.authenticated = start.authenticated or rest.authenticated
    start.auth_method = rest.auth_method or start.auth_method
    start.sasl_failures += rest.sasl_failures
    if rest.has_tls_line:
        start.has_tls_line = True
        start.tls_version_raw = rest.tls_version_raw or start.tls_version_raw
        start.tls_cipher = rest.tls_cipher or start.tls_cipher
    start.counters.update(rest.counters)
    start.closed = rest.closed
    start.last_at = rest.last_at or start.last_at
    start.client_ip = start.client_ip or rest.client_ip
    return start


SESSIONS = PostfixSessions
