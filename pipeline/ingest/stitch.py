"""Sessions that cross a file boundary: what one file cannot finish alone, and the join.

Each file of a rotated set is sessionised by itself (any worker, any engine) with a
:class:`FileSessioniser`, which writes the sessions that begin and end inside the file and
returns its :class:`Edges`: at its start, the events of sessions begun in an earlier file; at its
end, what is still open. :func:`stitch` then runs once per set, oldest file first, feeding each
file's edges into the set's :class:`~pipeline.sessions.sessioniser.Sessioniser` (seeded from ``_pending``),
so every row is built by the same classification as a sequential read.

Dovecot writes a connection's own line after the auth-process and ``Login failed`` lines of
the same session id, so a connection line in the first ``HOLD_WINDOW`` of a file is held for
the join: the previous file may end with that connection's earlier lines. Earlier lines whose
connection line comes later than that window are not joined.

OpenSMTPD lines carry their session id, so a file's lines of a session whose ``connected`` line
it does not hold are heads, like Postfix's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from parsers.records import LogEvent
from pipeline.config import SiteConfig
from pipeline.sessions.dovecot import DovecotSessions, Refusal
from pipeline.sessions.opensmtpd import opensmtpd_key
from pipeline.sessions.postfix import PostfixSessions, postfix_key
from pipeline.sessions.sessioniser import Sessioniser

# how long after a file's first line a Dovecot connection line may still belong to auth lines
# at the end of the previous file (a login process gives up on an idle client well within it)
HOLD_WINDOW = timedelta(minutes=10)


@dataclass(slots=True)
class HeldLogin:
    """A Dovecot connection line near a file's start, with its own file's earlier lines."""

    event: LogEvent
    auth_failures: int
    refused_plaintext: bool


@dataclass(slots=True)
class Edges:
    """What a file leaves to its neighbours. Plain data: it travels back from any worker."""

    postfix_heads: list[LogEvent] = field(default_factory=list)  # before the key's connect
    opensmtpd_heads: list[LogEvent] = field(default_factory=list)  # before the id's connect
    connected: list[str] = field(default_factory=list)  # keys whose first event is a connect
    held_logins: list[HeldLogin] = field(default_factory=list)
    window_passed: bool = False  # an event after HOLD_WINDOW: later lines joined in-file
    tails: list[dict[str, Any]] = field(default_factory=list)  # open Postfix sessions
    auth_failures: dict[str, int] = field(default_factory=dict)  # unclaimed, by host/session
    refused_plaintext: dict[str, Refusal | None] = field(default_factory=dict)  # unclaimed
    latest: datetime | None = None


class FileSessioniser(Sessioniser):
    """A sessioniser for one file read on its own: events that may continue a session of an
    earlier file go to :attr:`edges` instead of starting one."""

    def __init__(self, config: SiteConfig) -> None:
        super().__init__(config)
        self.edges = Edges()
        self.settled: set[str] = set()  # Postfix keys whose sessions this file holds whole
        self.hold_until: datetime | None = None

    def feed(self, event: LogEvent, source_file: str) -> None:
        at = event.event_at
        if at is not None:
            if self.hold_until is None:
                self.hold_until = at + HOLD_WINDOW
            elif at > self.hold_until:
                self.edges.window_passed = True
        kind = event.kind
        if kind.startswith("postfix.smtpd."):
            key = postfix_key(event)
            if key not in self.settled:
                if kind == "postfix.smtpd.connect":
                    self.settled.add(key)
                    self.edges.connected.append(key)
                else:
                    if kind == "postfix.smtpd.disconnect":
                        self.settled.add(key)  # the earlier file's session ends here
                    self._note(at)
                    self.edges.postfix_heads.append(event)
                    return
        elif kind.startswith("opensmtpd."):
            key = opensmtpd_key(event)
            if key not in self.settled:
                if kind in ("opensmtpd.smtp.connected", "opensmtpd.smtp_in.new_session"):
                    self.settled.add(key)
                else:
                    self._note(at)
                    self.edges.opensmtpd_heads.append(event)
                    return
        elif self._is_connection_line(event) and not self.edges.window_passed:
            dovecot: DovecotSessions = self.family("dovecot")
            key = f"{event.host}/{event.fields.get('session_id')}"
            refused = key in dovecot.refused_plaintext
            refusal = dovecot.refused_plaintext.pop(key, None)
            failures = dovecot.auth_failures.pop(key, 0)  # the held line's, not the refusal's
            if refused and event.kind == "dovecot.login.ok":
                dovecot.refusal_row(refusal)  # refused in the clear, then logged in: two events
                refused = False
            self._note(at)
            self.edges.held_logins.append(HeldLogin(event, failures, refused))
            return
        super().feed(event, source_file)

    @staticmethod
    def _is_connection_line(event: LogEvent) -> bool:
        if event.kind not in ("dovecot.login.ok", "dovecot.login.failed"):
            return False
        return not (event.fields.get("disconnect_text") or "").startswith("Login failed")

    def _note(self, at: datetime | None) -> None:
        if at is not None and (self.latest is None or at > self.latest):
            self.latest = at

    def finish(self) -> Edges:
        """The edges, once the whole file was fed (the closed sessions are in ``rows``)."""
        edges = self.edges
        dovecot: DovecotSessions = self.family("dovecot")
        edges.tails = self.open_sessions()
        edges.auth_failures = dovecot.auth_failures
        edges.refused_plaintext = dovecot.refused_plaintext
        edges.latest = self.latest
        return edges


def stitch(
    into: Sessioniser, edges: Edges, source_file: str, *, older_unread: bool = False
) -> None:
    """Join one file's ``edges`` onto ``into``, the sessioniser of its set holding everything
    before the file; finished rows collect in ``into``. ``older_unread``: the file before this
    one exists and was not read yet (a set read newest first), so a session this file finds
    begun waits for that file's start of it (:func:`settle`)."""
    postfix: PostfixSessions = into.family("postfix")
    dovecot: DovecotSessions = into.family("dovecot")
    postfix.hold_heads = older_unread
    for event in edges.postfix_heads:
        into.feed(event, source_file)
    postfix.hold_heads = False
    for key in edges.connected:
        postfix.close(key)  # a session of an earlier file whose disconnect line was lost
    for event in edges.opensmtpd_heads:
        into.feed(event, source_file)
    for held in edges.held_logins:
        key = f"{held.event.host}/{held.event.fields.get('session_id')}"
        if held.auth_failures:
            dovecot.auth_failures[key] = dovecot.auth_failures.get(key, 0) + held.auth_failures
        if held.refused_plaintext:
            dovecot.refused_plaintext[key] = None  # its line was in the held file, joined here
        into.feed(held.event, source_file)
    if edges.window_passed:
        # this file's later connection lines were classified without them: none can claim them
        dovecot.auth_failures.clear()
        dovecot.drop_refusals()  # unclaimed now: each a row of its own, never dropped
    for state in edges.tails:
        into.resume(state)
    for key, count in edges.auth_failures.items():
        dovecot.auth_failures[key] = dovecot.auth_failures.get(key, 0) + count
    dovecot.refused_plaintext |= edges.refused_plaintext
    if edges.latest is not None and (into.latest is None or edges.latest > into.latest):
        into.latest = edges.latest


def settle(into: Sessioniser) -> None:
    """The set's oldest file was read (or none older exists): sessions that waited for their
    start join it now, or are written as they are."""
    postfix: PostfixSessions = into.family("postfix")
    postfix.settle_orphans()
