"""Helpers: real log lines → events → session rows, through the real parsers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC
from typing import Any

from parsers.logline import LogLineParser
from parsers.records import LogEvent
from pipeline.classify import Row
from pipeline.config import SiteConfig
from pipeline.sessions import Edges, Sessioniser


def events(lines: Iterable[str], year: int = 2023) -> list[LogEvent]:
    parser = LogLineParser(year=year, tz=UTC)
    found = []
    for n, line in enumerate(lines, 1):
        record = parser.parse(line, n)
        assert isinstance(record, LogEvent), f"line {n} is not an event: {record!r}"
        found.append(record)
    return found


def sessionise(
    lines: Iterable[str], config: SiteConfig | None = None, source: str = "mail.log"
) -> tuple[list[Row], Edges]:
    rows: list[Row] = []
    sessioniser = Sessioniser(config or SiteConfig(stitch_window_s=0), source, rows.append)
    for event in events(lines):
        sessioniser.feed(event)
    return rows, sessioniser.finish()


def assert_row(row: Mapping[str, Any], expected: Mapping[str, Any]) -> None:
    differing = {k: (row.get(k), v) for k, v in expected.items() if row.get(k) != v}
    assert not differing, f"(got, expected) per column: {differing}"
