"""Sessionising: log events of one rotated set in, one ``sessions`` row per client connection
out, in DESIGN's classification.

Each log family has its sessioniser in ``pipeline/sessions/<family>.py`` (see
:mod:`pipeline.sessions.rows`); :class:`Sessioniser` dispatches an event by the family its kind
starts with (``postfix.smtpd.connect`` → ``postfix``). Open sessions are plain data
(:meth:`Sessioniser.open_sessions`, tagged with their family), so a session cut by the end of a
rotated file continues in the next file, in this run or the next;
:mod:`pipeline.ingest.stitch` feeds one file's edges into the sessioniser of its rotated set.
"""

from __future__ import annotations

import importlib
import importlib.util
from datetime import datetime
from functools import cache
from typing import Any

from parsers.records import LogEvent
from parsers.registry import families
from pipeline.config import SiteConfig
from pipeline.sessions.rows import FamilySessions, Row

EXPIRE_EVERY = 8192  # events between looks for sessions gone stale (an hour of log time)
FAMILY_KEY = "family"  # in an open session's state; absent in lakes before it: Postfix
LEGACY_FAMILY = "postfix"


@cache
def sessionisers() -> dict[str, type[FamilySessions]]:
    """Each log family that has a sessioniser module, by family name."""
    found: dict[str, type[FamilySessions]] = {}
    for family in families():
        if importlib.util.find_spec(f"pipeline.sessions.{family}"):
            found[family] = importlib.import_module(f"pipeline.sessions.{family}").SESSIONS
    return found


class Sessioniser:
    """Feed events of one rotated set in time order; collect rows with :meth:`take_rows`."""

    def __init__(self, config: SiteConfig, open_sessions: list[dict[str, Any]] | None = None):
        self.config = config
        self.rows: list[Row] = []
        self.latest: datetime | None = None
        self._since_expiry = 0
        self.families: dict[str, FamilySessions] = {
            name: cls(config, self.rows) for name, cls in sessionisers().items()
        }
        for state in open_sessions or []:
            self.resume(state)

    def family(self, name: str) -> Any:
        """The sessioniser of one family (its own type: stitching knows what it holds)."""
        return self.families[name]

    def feed(self, event: LogEvent, source_file: str) -> None:
        if event.event_at is not None and (self.latest is None or event.event_at > self.latest):
            self.latest = event.event_at
        family = self.families.get(event.kind.split(".", 1)[0])
        if family is not None:
            family.feed(event, source_file)
        self._since_expiry += 1
        if self._since_expiry == EXPIRE_EVERY:  # as the events come: open ones stay bounded
            self._since_expiry = 0
            self.flush_stale()

    def take_rows(self) -> list[Row]:
        rows = self.rows[:]
        self.rows.clear()  # the families append to this same list
        return rows

    def flush_stale(self, *, everything: bool = False) -> None:
        for family in self.families.values():
            family.flush_stale(self.latest, everything=everything)

    def open_sessions(self) -> list[dict[str, Any]]:
        return [
            {**state, FAMILY_KEY: name}
            for name, family in self.families.items()
            for state in family.open_sessions()
        ]

    def resume(self, state: dict[str, Any]) -> None:
        """Take over an open session of an earlier file or run, in the family that left it."""
        rest = dict(state)
        name = rest.pop(FAMILY_KEY, LEGACY_FAMILY)
        self.families[name].resume(rest)
