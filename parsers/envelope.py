"""Split a log line into its envelope: time (UTC), host, program, pid, message.

The first character picks the format, so no line runs through a chain of failing patterns:

| starts with | format (module) |
|---|---|
| ``Mar 14`` | RFC 3164 traditional / journalctl short, short-precise; Dovecot log_path (text) |
| ``Tue 2023-`` | journalctl short-full (text) |
| ``2023-03-14T`` | RFC 3339 / rsyslog high precision / journalctl short-iso; Dovecot ISO stamps (text) |
| ``1678750266`` | journalctl short-unix (text) |
| ``<22>1`` | RFC 5424; ``<22>Mar 14`` is RFC 3164 with its PRI (rfc5424) |
| ``{`` | journalctl -o json, Docker json-file, mailcow syslog-ng JSON (structured) |
| ``name-1  | `` | ``docker compose logs`` prefix, stripped; the rest is read again |
| ``\\x01`` ``\\x02`` | Docker API stream frame header (8 bytes), stripped |

Everything is stored in UTC; a zone-less line is read in the site's zone (``tz``, default the
machine's, daylight saving included). Year-less lines get their year from
:class:`parsers.envelopes.years.YearInference`: feed one file's lines in order. A line whose
date cannot exist keeps its other parts with ``event_at = None``. Nothing here raises on content.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from parsers.envelopes import rfc5424, structured, text
from parsers.envelopes.clock import Clock, SystemZone
from parsers.envelopes.split import Split
from parsers.envelopes.years import YearInference
from parsers.records import Envelope

_DAY_NAMES = ("Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun ")
_MAX_DEPTH = 2  # prefixes stripped before a line counts as unreadable


class EnvelopeParser:
    """Stateful only for year inference; feed it the lines of one file in order.

    ``year`` pins the year of the first year-less line (the site's setting); without it the
    year of ``not_after`` (default: now) is assumed, or the previous one for a date after it.
    ``year_state`` starts the inference where the lines before this part of a file left it.
    ``not_after`` is the file's modification time: no year-less line is dated after it.
    """

    def __init__(
        self,
        *,
        year: int | None = None,
        tz: tzinfo | None = None,
        year_state: tuple[int, int] | None = None,
        not_after: datetime | None = None,
    ) -> None:
        self.tz: tzinfo = tz or SystemZone()
        self.clock = Clock(self.tz)
        self.years = YearInference(year, self.tz, year_state, not_after)

    def parse(self, line: str) -> Envelope | None:
        found = self.split(line)
        if found is None:
            return None
        return Envelope(found.stamp(), found.host, found.program, found.pid, found.message)

    def observe(self, line: str) -> None:
        """Let a line the caller skips still move the year inference, as parsing it would.

        Reading is only needed when the line could change the state; lines of the current month
        (nearly all of them) cost one ``startswith``.
        """
        if not line.startswith(self.years.quiet_starts()):
            self.split(line)

    def split(self, line: str, depth: int = 0) -> Split | None:
        """The envelope parts with the time still unbuilt (``Split.stamp()`` builds it)."""
        if not line or depth > _MAX_DEPTH:
            return None
        first = line[0]
        if first.isdigit():
            if line[4:5] == "-":
                return text.iso(line, self.clock, self.years)
            return text.unix(line, self.clock, self.years)
        if "A" <= first <= "Z":
            if line.startswith(_DAY_NAMES) and line[8:9] == "-":
                return text.short_full(line, self.clock, self.years)
            return text.traditional(line, self.clock, self.years)
        if first == "<":
            rest = rfc5424.without_pri(line)
            if rest is not None:
                return self.split(rest, depth + 1)
            return rfc5424.rfc5424(line, self.clock, self.years)
        if first == "{":
            return structured.json_line(
                line, self.clock, lambda inner: self.split(inner, depth + 1)
            )
        if first in "\x01\x02" and len(line) > 8:
            return self.split(line[8:], depth + 1)
        bar = line.find(" | ", 0, 128)
        if bar > 0 and " " not in line[:bar].rstrip():
            return self.split(line[bar + 3 :].lstrip(" "), depth + 1)
        return None
