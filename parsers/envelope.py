"""Split a log line into its envelope: time, host, program, pid, message.

This first version reads RFC 3164 ("Mmm dd hh:mm:ss host tag[pid]: msg") and RFC 3339
("2024-01-02T03:04:05.123456+01:00 host tag[pid]: msg") lines. Year-less lines take their year
from the parser's state, which rolls over when the month goes backwards (Dec → Jan).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo

from parsers.records import Envelope

_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}

_TAG = r"(?P<program>[^\s\[:]{1,128})(?:\[(?P<pid>\d{1,10})\])?:?"
_RFC3164 = re.compile(
    r"(?P<mon>[A-Z][a-z]{2}) {1,2}(?P<day>\d{1,2}) (?P<time>\d\d:\d\d:\d\d)(?:\.(?P<frac>\d{1,9}))?"
    rf" (?P<host>\S{{1,255}}) {_TAG} ?(?P<message>.*)\Z",
    re.DOTALL,
)
_RFC3339 = re.compile(
    r"(?P<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?)"
    rf" (?P<host>\S{{1,255}}) {_TAG} ?(?P<message>.*)\Z",
    re.DOTALL,
)


class EnvelopeParser:
    """Stateful only for year inference; feed it the lines of one file in order."""

    def __init__(self, *, year: int | None = None, tz: tzinfo | None = None) -> None:
        self.tz: tzinfo = tz or datetime.now().astimezone().tzinfo or UTC
        self.year = year if year is not None else datetime.now(self.tz).year
        self._last_month = 0

    def parse(self, line: str) -> Envelope | None:
        if not line:
            return None
        first = line[0]
        if first.isdigit():
            return self._rfc3339(line)
        if first.isupper():
            return self._rfc3164(line)
        return None

    def _rfc3339(self, line: str) -> Envelope | None:
        m = _RFC3339.match(line)
        if m is None:
            return None
        try:
            when = datetime.fromisoformat(m["ts"])
        except ValueError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=self.tz)
        self.year = when.year
        self._last_month = when.month
        return _envelope(when.astimezone(UTC), m)

    def _rfc3164(self, line: str) -> Envelope | None:
        m = _RFC3164.match(line)
        if m is None:
            return None
        month = _MONTHS.get(m["mon"])
        if month is None:
            return None
        if self._last_month and month < self._last_month - 1:
            self.year += 1  # the file crossed New Year
        self._last_month = month
        hh, mm, ss = (int(x) for x in m["time"].split(":"))
        micro = int((m["frac"] or "0")[:6].ljust(6, "0"))
        try:
            when = datetime(self.year, month, int(m["day"]), hh, mm, ss, micro, tzinfo=self.tz)
        except ValueError:
            return None
        return _envelope(when.astimezone(UTC), m)


def _envelope(when: datetime, m: re.Match[str]) -> Envelope:
    pid = m["pid"]
    return Envelope(when, m["host"], m["program"], int(pid) if pid else None, m["message"])
