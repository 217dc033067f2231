"""Feeding one family's sessioniser on its own: real log lines in, its rows out."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from parsers.logline import LogLineParser
from parsers.records import LogEvent
from pipeline.config import SiteConfig
from pipeline.sessions.rows import FamilySessions

SOURCE = "mail.log"


def events(text: str) -> list[LogEvent]:
    parser = LogLineParser(year=2025, tz=UTC)
    found = [parser.parse(line, n) for n, line in enumerate(text.strip().splitlines(), 1)]
    return [event for event in found if isinstance(event, LogEvent)]


def rows_of(
    family: type[FamilySessions], text: str, config: SiteConfig | None = None
) -> list[dict[str, Any]]:
    """The rows ``family`` writes for the lines of ``text``, open sessions flushed at the end."""
    rows: list[dict[str, Any]] = []
    sessions = family(config or SiteConfig(), rows)
    for event in events(text):
        sessions.feed(event, SOURCE)
    sessions.flush_stale(None, everything=True)
    return rows
