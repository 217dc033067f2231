"""Join the open fragments of consecutive files of one rotated set into whole sessions.

Files are parsed independently (any worker, any engine); this step runs once per set, in time
order: the tails of file k meet the heads of file k+1. What is still open after the newest file
is kept in ``<lake>/_pending.parquet`` so the next ingest completes it; a session open longer
than the timeout, or any open session when the caller flushes, becomes a row with what is known.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from parsers.records import LogEvent
from pipeline.classify import dovecot_row, postfix_row
from pipeline.config import SiteConfig
from pipeline.sessions import Edges, EmitRow, Fragment, PostfixKey


@dataclass(slots=True)
class OpenState:
    """The sessions of one rotated set still open between files (and between runs)."""

    postfix: dict[PostfixKey, Fragment] = field(default_factory=dict)
    dovecot_auth: dict[str, Fragment] = field(default_factory=dict)
    dropped_auth: int = 0  # auth lines whose login line never came

    def __bool__(self) -> bool:
        return bool(self.postfix or self.dovecot_auth)


def stitch(
    state: OpenState,
    edges: Edges,
    config: SiteConfig,
    emit: EmitRow,
    *,
    first_at: datetime | None,
    last_at: datetime | None,
) -> None:
    """Join ``edges`` (one file) onto ``state`` (everything before it); rows go to ``emit``."""
    for key, head in edges.postfix_heads.items():
        earlier = state.postfix.pop(key, None)
        if earlier is not None:
            merged = Fragment(earlier.source_file, earlier.events + head.events, head.ended)
        else:
            merged = head  # began before anything we read: a row with what is known
        if merged.ended:
            emit(postfix_row(merged.events, merged.source_file, config))
        else:
            state.postfix[key] = merged
    for held in edges.dovecot_heads:
        login = held.events[0]
        auth = state.dovecot_auth.pop(login.fields.get("session_id") or "", None)
        if auth is None:
            emit(dovecot_row(login, (), held.source_file, config))
        else:
            emit(dovecot_row(login, auth.events, auth.source_file, config))
    if first_at is not None:  # auth lines of the previous file not claimed by this file's start
        limit = first_at + timedelta(seconds=config.stitch_window_s)
        for session_id, auth in list(state.dovecot_auth.items()):
            last = auth.last_at
            if last is None or last < limit:
                del state.dovecot_auth[session_id]
                state.dropped_auth += len(auth.events)
    for key, tail in edges.postfix_tails.items():
        stale = state.postfix.pop(key, None)
        if stale is not None:  # its pid began a new session: the old one never disconnected
            emit(postfix_row(stale.events, stale.source_file, config))
        state.postfix[key] = tail
    state.dovecot_auth.update(edges.dovecot_tails)
    if last_at is not None:
        expire(state, config, emit, now=last_at)


def expire(state: OpenState, config: SiteConfig, emit: EmitRow, *, now: datetime | None) -> None:
    """Write sessions open longer than the timeout at ``now`` (all of them when ``now`` is None)."""
    limit = now - timedelta(seconds=config.session_timeout_s) if now else None
    for key, session in list(state.postfix.items()):
        last = session.last_at
        if limit is None or last is None or last < limit:
            del state.postfix[key]
            emit(postfix_row(session.events, session.source_file, config))
    if limit is None:
        state.dropped_auth += sum(len(a.events) for a in state.dovecot_auth.values())
        state.dovecot_auth.clear()


# --- persistence: open sessions as rows of `_pending.parquet` (see pipeline.schema.PENDING)


def pending_rows(set_key: str, state: OpenState) -> Iterator[dict[str, Any]]:
    for pkey, fragment in state.postfix.items():
        yield _row(set_key, "postfix", list(pkey), fragment)
    for session_id, fragment in state.dovecot_auth.items():
        yield _row(set_key, "dovecot_auth", session_id, fragment)


def state_from_rows(rows: Iterable[dict[str, Any]]) -> dict[str, OpenState]:
    states: dict[str, OpenState] = {}
    for row in rows:
        state = states.setdefault(row["set_key"], OpenState())
        fragment = Fragment(row["source_file"], [_event(e) for e in json.loads(row["events"])])
        key = json.loads(row["key"])
        if row["kind"] == "postfix":
            state.postfix[(key[0], key[1], key[2])] = fragment
        else:
            state.dovecot_auth[str(key)] = fragment
    return states


def _row(set_key: str, kind: str, key: object, fragment: Fragment) -> dict[str, Any]:
    events = [
        {
            "kind": e.kind,
            "at": e.event_at.isoformat() if e.event_at else None,
            "host": e.host,
            "program": e.program,
            "pid": e.pid,
            "fields": dict(e.fields),
            "line": e.line_no,
        }
        for e in fragment.events
    ]
    return {
        "set_key": set_key,
        "kind": kind,
        "key": json.dumps(key),
        "source_file": fragment.source_file,
        "events": json.dumps(events, ensure_ascii=True, default=str),
    }


def _event(data: dict[str, Any]) -> LogEvent:
    at = datetime.fromisoformat(data["at"]) if data["at"] else None
    return LogEvent(
        data["kind"], at, data["host"], data["program"], data["pid"], data["fields"], data["line"]
    )
