"""What every family's sessioniser produces and how it is driven.

A family's sessioniser lives in ``pipeline/sessions/<family>.py`` (the family's name as in
``parsers/<family>/``) and names its class ``SESSIONS``; :mod:`pipeline.sessions.sessioniser`
finds it there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from parsers.records import LogEvent
from pipeline.config import SiteConfig

Row = dict[str, Any]  # a ``sessions`` row (columns: pipeline.lake.schema)


class FamilySessions(Protocol):
    """One family's sessions of one rotated set; finished rows are appended to ``rows``."""

    def __init__(self, config: SiteConfig, rows: list[Row]) -> None: ...

    def feed(self, event: LogEvent, source_file: str) -> None: ...

    def flush_stale(self, latest: datetime | None, *, everything: bool = False) -> None: ...

    def open_sessions(self) -> list[dict[str, Any]]:
        """Plain-data states of the sessions still open (for ``_pending`` and stitching)."""
        ...

    def resume(self, state: dict[str, Any]) -> None:
        """Take over a state :meth:`open_sessions` gave (an earlier file's or run's)."""
        ...
