"""The records parsers produce. Frozen and slotted: cheap to build, safe to share."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

RAW_LIMIT = 2048  # characters of an offending line kept in a Reject


@dataclass(frozen=True, slots=True)
class Envelope:
    """The syslog (or journald, or program-own) wrapper around one log message."""

    event_at: datetime | None  # aware, UTC; None only when the line carried no usable time
    host: str
    program: str  # e.g. "postfix/submission/smtpd", "dovecot"
    pid: int | None
    message: str


@dataclass(frozen=True, slots=True)
class LogEvent:
    """One log line a dialect recognised. ``fields`` holds the dialect's named captures."""

    kind: str  # the dialect key, e.g. "postfix.smtpd.connect"
    event_at: datetime | None
    host: str
    program: str
    pid: int | None
    fields: Mapping[str, str | None]
    line_no: int


_SETTERS = tuple(
    getattr(LogEvent, f.name).__set__ for f in dataclasses.fields(LogEvent)
)  # in field order


def new_log_event(
    kind: str,
    event_at: datetime | None,
    host: str,
    program: str,
    pid: int | None,
    fields: Mapping[str, str | None],
    line_no: int,
) -> LogEvent:
    """``LogEvent(…)`` at half the cost: a frozen dataclass's ``__init__`` goes through
    ``object.__setattr__`` by name for each field; this sets the slots directly, once per
    record on the hot path. The result is an ordinary LogEvent (equal, frozen, picklable)."""
    event: LogEvent = object.__new__(LogEvent)
    set_kind, set_at, set_host, set_program, set_pid, set_fields, set_line = _SETTERS
    set_kind(event, kind)
    set_at(event, event_at)
    set_host(event, host)
    set_program(event, program)
    set_pid(event, pid)
    set_fields(event, fields)
    set_line(event, line_no)
    return event


@dataclass(frozen=True, slots=True)
class Reject:
    """A line or header that looked in scope but could not be parsed."""

    line_no: int
    kind: str  # what it looked like: a dialect key, "envelope", "encoding", …
    reason: str
    raw: str
    event_at: datetime | None = None  # the line's own time, when its envelope gave one

    @classmethod
    def of(
        cls, line_no: int, kind: str, reason: str, raw: str, event_at: datetime | None = None
    ) -> Reject:
        return cls(line_no, kind, reason, raw[:RAW_LIMIT], event_at)
