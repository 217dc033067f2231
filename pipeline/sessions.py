"""Sessionise the events of one file (or byte range) into rows, and the open fragments at its
edges that a later merge (:mod:`pipeline.stitch`) joins with the neighbouring files.

Postfix: an smtpd process serves sessions one after the other, so a session is the events of
one (host, syslog_name, pid) between ``connect from`` and ``disconnect from``. Events of a key
before its first ``connect`` in this file belong to a session begun in an earlier file: the
*head* fragment. Sessions still open at the end are the *tail* fragments.

Dovecot: one row per login-process line (``Login:`` or ``Disconnected … (auth failed …)``),
with the auth-process lines of the same ``session=<…>``; these come *before* the login line, so
they wait in ``pending_auth`` and, at the end of the file, become tail fragments. A login in the
first ``stitch_window`` seconds of a file with no auth lines of its own is held as a head
fragment: the previous file may end with its auth lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from parsers.records import LogEvent
from pipeline.classify import Row, dovecot_row, postfix_row
from pipeline.config import SiteConfig

PostfixKey = tuple[str, str, int | None]
EmitRow = Callable[[Row], None]

_MAX_EVENTS = 200  # events kept per session; a session past this keeps its first and last ones
_SWEEP_EVERY = 20_000


@dataclass(slots=True)
class Fragment:
    """Part of a session: its events in order, and the file its first event came from."""

    source_file: str
    events: list[LogEvent]
    ended: bool = False  # a head fragment that reached its session's end in this file

    def add(self, event: LogEvent) -> None:
        if len(self.events) >= _MAX_EVENTS:
            del self.events[-2]  # keep the first events and the newest one
        self.events.append(event)

    @property
    def last_at(self) -> datetime | None:
        for event in reversed(self.events):
            if event.event_at is not None:
                return event.event_at
        return None


@dataclass(slots=True)
class Edges:
    """The open fragments at a file's start (heads) and end (tails)."""

    postfix_heads: dict[PostfixKey, Fragment] = field(default_factory=dict)
    postfix_tails: dict[PostfixKey, Fragment] = field(default_factory=dict)
    dovecot_heads: list[Fragment] = field(default_factory=list)  # one held login event each
    dovecot_tails: dict[str, Fragment] = field(default_factory=dict)  # auth lines by session id


class Sessioniser:
    """Feed the events of one file in order; rows go to ``emit`` as sessions close."""

    def __init__(self, config: SiteConfig, source_file: str, emit: EmitRow) -> None:
        self.config = config
        self.source_file = source_file
        self.emit = emit
        self.edges = Edges()
        self.open: dict[PostfixKey, Fragment] = {}
        self.pending_auth: dict[str, Fragment] = {}
        self.head_until: datetime | None = None
        self.unattached = 0  # events that belong to no session (counted, never silent)
        self._fed = 0

    def feed(self, event: LogEvent) -> None:
        if self.head_until is None and event.event_at is not None:
            self.head_until = event.event_at + timedelta(seconds=self.config.stitch_window_s)
        kind = event.kind
        if kind.startswith("postfix.smtpd."):
            self._postfix(event)
        elif kind.startswith("dovecot.login."):
            self._dovecot_login(event)
        elif kind.startswith("dovecot.auth."):
            self._dovecot_auth(event)
        else:
            return  # postscreen, tlsproxy, outbound smtp: no client session of their own
        self._fed += 1
        if self._fed % _SWEEP_EVERY == 0 and event.event_at is not None:
            self.sweep(event.event_at)

    def _postfix(self, event: LogEvent) -> None:
        key: PostfixKey = (event.host, event.program, event.pid)
        if event.kind == "postfix.smtpd.connect":
            stale = self.open.pop(key, None)
            if stale is not None:  # the previous session never logged its disconnect
                self._close_postfix(stale)
            head = self.edges.postfix_heads.get(key)
            if head is not None:
                head.ended = True
            self.open[key] = Fragment(self.source_file, [event])
            return
        session = self.open.get(key)
        if session is not None:
            session.add(event)
            if event.kind == "postfix.smtpd.disconnect":
                del self.open[key]
                self._close_postfix(session)
            return
        head = self.edges.postfix_heads.get(key)
        if head is None:
            head = self.edges.postfix_heads[key] = Fragment(self.source_file, [])
        elif head.ended:
            self.unattached += 1  # after a session's end and before the next connect
            return
        head.add(event)
        if event.kind == "postfix.smtpd.disconnect":
            head.ended = True

    def _close_postfix(self, session: Fragment) -> None:
        self.emit(postfix_row(session.events, session.source_file, self.config))

    def _dovecot_auth(self, event: LogEvent) -> None:
        session_id = event.fields.get("session_id")
        if not session_id:
            self.unattached += 1  # Dovecot 2.2 auth lines carry no session id
            return
        pending = self.pending_auth.get(session_id)
        if pending is None:
            self.pending_auth[session_id] = Fragment(self.source_file, [event])
        else:
            pending.add(event)

    def _dovecot_login(self, event: LogEvent) -> None:
        session_id = event.fields.get("session_id")
        auth = self.pending_auth.pop(session_id, None) if session_id else None
        if auth is None:
            at = event.event_at
            if session_id and at is not None and self.head_until and at < self.head_until:
                self.edges.dovecot_heads.append(Fragment(self.source_file, [event]))
                return
            self.emit(dovecot_row(event, (), self.source_file, self.config))
            return
        self.emit(dovecot_row(event, auth.events, auth.source_file, self.config))

    def sweep(self, now: datetime) -> None:
        """Close smtpd sessions open longer than the timeout; forget stale auth lines."""
        limit = now - timedelta(seconds=self.config.session_timeout_s)
        for key, session in list(self.open.items()):
            last = session.last_at
            if last is not None and last < limit:
                del self.open[key]
                self._close_postfix(session)
        auth_limit = now - timedelta(seconds=self.config.stitch_window_s)
        for session_id, pending in list(self.pending_auth.items()):
            last = pending.last_at
            if last is not None and last < auth_limit:
                del self.pending_auth[session_id]
                self.unattached += len(pending.events)

    def finish(self) -> Edges:
        """The file is read: what is still open becomes the tail fragments."""
        self.edges.postfix_tails = self.open
        self.edges.dovecot_tails = self.pending_auth
        self.open = {}
        self.pending_auth = {}
        return self.edges
