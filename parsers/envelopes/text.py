"""Plain-text envelopes: a timestamp, then ``HOST TAG: MESSAGE`` (or Dovecot's host-less form).

- RFC 3164 "traditional" (``Mar  4 00:31:06``, journalctl's zero-padded ``Mar 04``, un-padded
  ``Mar 4``; journalctl short-precise adds ``.294639``): no year, no zone.
- RFC 3339 / rsyslog high precision (``2023-03-14T00:31:06.294639+01:00``), journald's
  ``+0100`` form, zone-less ISO, and Dovecot's ``2012-06-09 09:45:08`` log_timestamp.
- journalctl short-full (``Tue 2023-03-14 00:31:06 CET``): a zone abbreviation, see clock.
- journalctl short-unix (``1678750266.294639``): epoch seconds, UTC.
"""

from __future__ import annotations

import re
from functools import partial

from parsers.envelopes.clock import MONTHS, Clock
from parsers.envelopes.split import HOST_TAG, Split, Stamp, after_stamp, no_time, with_message
from parsers.envelopes.years import YearInference

_TRADITIONAL = re.compile(r"([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d:\d\d:\d\d)(?:\.(\d{1,9}))? +")
_ISO = re.compile(
    r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:[.,](\d{1,9}))?(Z|[+-]\d\d(?::?\d\d)?)? +"
)
_SHORT_FULL = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?"
    r" ([A-Za-z]{1,6}|[+-]\d\d(?::?\d\d)?) +"
)
_UNIX = re.compile(r"(\d{9,11})(?:\.(\d{1,9}))? +")
# The fixed-width common cases with their host and tag, in one match (see split.HOST_TAG).
_TRADITIONAL_LINE = re.compile(
    r"([A-Z][a-z]{2}) ([ 0-9][0-9]) ([0-9]{2}:[0-9]{2}:[0-9]{2})" + HOST_TAG
)
_RSYSLOG_LINE = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}:[0-9]{2}:[0-9]{2})\.([0-9]{6})"
    r"([+-][0-9]{2}:[0-9]{2})" + HOST_TAG
)
_ISO_ALONE = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?\Z")


def iso_stamp(text: str, clock: Clock, years: YearInference | None = None) -> Stamp:
    """The stamp of a lone RFC 3339 timestamp (RFC 5424's field, Docker's ``time``)."""
    found = _ISO_ALONE.match(text)
    if found is None:
        return no_time
    date, hms, frac, zone = found.groups()
    if years is not None:
        years.observe_date(date)
    return partial(clock.iso, date, hms, frac, zone)


def traditional(line: str, clock: Clock, years: YearInference) -> Split | None:
    found = _TRADITIONAL_LINE.match(line)
    if found is not None:  # the same parts as the general path below, in one match
        mon, day, hms, host, program, pid = found.groups()
        month = MONTHS.get(mon)
        if month is None:
            return None
        year = years.for_month(month, int(day))
        stamp = partial(clock.civil, year, month, int(day), hms, None)
        return with_message(line, found.end(), stamp, host, program, pid)
    return traditional_general(line, clock, years)


def traditional_general(line: str, clock: Clock, years: YearInference) -> Split | None:
    if line[15:16] == " " and line[3:4] == " " and line[6:7] == " " and line[9:10] == ":":
        # the fixed-width common case "Mar  4 00:31:06 " / "Mar 04 00:31:06 ": no regex
        mon, day, hms, frac, end = line[:3], line[4:6].lstrip(" "), line[7:15], None, 16
        # ASCII digits only: str.strip() also drops "\x1e" and isdigit() takes "²", neither
        # of which int() reads (a fuzzer's find: "Jun \x1e3 06:25:43 …" raised)
        if not (day.isascii() and day.isdigit() and hms[:2].isascii() and hms[:2].isdigit()):
            return None
    else:
        found = _TRADITIONAL.match(line)
        if found is None:
            return None
        mon, day, hms, frac = found.groups()
        end = found.end()
    month = MONTHS.get(mon)
    if month is None:
        return None
    year = years.for_month(month, int(day))
    return after_stamp(line, end, partial(clock.civil, year, month, int(day), hms, frac))


def iso(line: str, clock: Clock, years: YearInference) -> Split | None:
    found = _RSYSLOG_LINE.match(line)
    if found is not None:  # the same parts as the fixed-width path below, in one match
        date, hms, frac, zone, host, program, pid = found.groups()
        years.observe_date(date)
        stamp = partial(clock.iso, date, hms, frac, zone)
        return with_message(line, found.end(), stamp, host, program, pid)
    return iso_general(line, clock, years)


def iso_general(line: str, clock: Clock, years: YearInference) -> Split | None:
    if line[32:33] == " " and line[19:20] == "." and line[10:11] == "T" and line[26:27] in "+-":
        # rsyslog's fixed-width "2023-03-14T00:31:06.294639+01:00 ": no regex (clock.iso
        # still refuses a date or time that is not digits)
        date = line[:10]
        years.observe_date(date)
        return after_stamp(
            line, 33, partial(clock.iso, date, line[11:19], line[20:26], line[26:32])
        )
    return _dated(_ISO, line, clock, years)


def short_full(line: str, clock: Clock, years: YearInference) -> Split | None:
    return _dated(_SHORT_FULL, line, clock, years)


def _dated(pattern: re.Pattern[str], line: str, clock: Clock, years: YearInference) -> Split | None:
    """A stamp of date, time, fraction and zone groups, then the host and tag."""
    found = pattern.match(line)
    if found is None:
        return None
    date, hms, frac, zone = found.groups()
    years.observe_date(date)
    return after_stamp(line, found.end(), partial(clock.iso, date, hms, frac, zone))


def unix(line: str, clock: Clock, years: YearInference) -> Split | None:
    found = _UNIX.match(line)
    if found is None:
        return None
    seconds, frac = found.groups()
    return after_stamp(line, found.end(), partial(Clock.epoch, seconds, frac))
