"""Turning the time texts of log envelopes into aware UTC datetimes, cheaply.

Consecutive log lines mostly share their second, so each conversion keeps the last second it
built and only adds the fraction; a line whose date cannot exist gives None, never an error.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone, tzinfo

MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}

# journalctl -o short-full prints a zone abbreviation. Only the unambiguous common ones are
# mapped (CST, IST, AST … name several zones); any other abbreviation is read in the site's zone.
ZONE_ABBREVIATIONS: dict[str, tzinfo] = {
    name: timezone(timedelta(hours=hours))
    for name, hours in (
        ("UTC", 0),
        ("GMT", 0),
        ("Z", 0),
        ("WET", 0),
        ("WEST", 1),
        ("BST", 1),
        ("CET", 1),
        ("CEST", 2),
        ("MET", 1),
        ("MEST", 2),
        ("EET", 2),
        ("EEST", 3),
        ("MSK", 3),
        ("EST", -5),
        ("EDT", -4),
        ("CDT", -5),
        ("MST", -7),
        ("MDT", -6),
        ("PST", -8),
        ("PDT", -7),
        ("AKST", -9),
        ("AKDT", -8),
        ("HST", -10),
        ("JST", 9),
        ("KST", 9),
        ("AEST", 10),
        ("AEDT", 11),
        ("NZST", 12),
        ("NZDT", 13),
    )
}

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class SystemZone(tzinfo):
    """The machine's own zone with its daylight-saving rules, as the C library knows them.

    ``datetime.now().astimezone().tzinfo`` is a fixed offset and would read winter lines with
    the summer offset; this asks ``mktime`` for the offset of each wall-clock time instead.
    """

    def utcoffset(self, dt: datetime | None) -> timedelta:
        if dt is None:
            return timedelta(seconds=-time.timezone)
        try:
            stamp = time.mktime(
                (dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, 0, 0, -1)
            )
            return timedelta(seconds=time.localtime(stamp).tm_gmtoff)
        except (OverflowError, ValueError, OSError):
            return timedelta(seconds=-time.timezone)

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def fromutc(self, dt: datetime) -> datetime:
        try:
            seconds = (dt.replace(tzinfo=UTC) - _EPOCH).total_seconds()
            return dt + timedelta(seconds=time.localtime(seconds).tm_gmtoff)
        except (OverflowError, ValueError, OSError):
            return dt

    def tzname(self, dt: datetime | None) -> str:
        return time.tzname[0]


def fraction_us(digits: str | None) -> int:
    """Microseconds from the digits after the decimal point (nanoseconds are cut, not rounded)."""
    if not digits or not digits.isdigit():
        return 0
    return int(digits[:6].ljust(6, "0"))


def parse_offset(text: str) -> tzinfo | None:
    """``Z``, ``+01:00``, ``+0100``, ``+01`` → a fixed zone; anything else → None."""
    if text in ("Z", "z"):
        return UTC
    sign = text[:1]
    digits = text[1:].replace(":", "")
    if sign not in ("+", "-") or not digits.isdigit() or len(digits) not in (2, 4):
        return None
    minutes = int(digits[:2]) * 60 + int(digits[2:] or "0")
    if minutes >= 24 * 60:
        return None
    return timezone(timedelta(minutes=-minutes if sign == "-" else minutes))


class Clock:
    """Builds UTC datetimes for one parser; remembers the last second built (and its zones)."""

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self._last_key: object = None
        self._last_second: datetime | None = None
        self._zones: dict[str, tzinfo | None] = {}
        self._hour_key: object = None
        self._hour_start: datetime | None = None
        self._last_date = ""
        self._last_ymd: tuple[int, int, int] | None = None

    def zone(self, text: str | None) -> tzinfo:
        """The zone a written offset or abbreviation names; the site's zone when none or unknown."""
        if not text:
            return self.tz
        if text not in self._zones:
            if len(self._zones) > 256:
                self._zones.clear()
            self._zones[text] = parse_offset(text) or ZONE_ABBREVIATIONS.get(text.upper())
        return self._zones[text] or self.tz

    def civil(
        self, year: int, month: int, day: int, hms: str, frac: str | None, zone: str | None = None
    ) -> datetime | None:
        """A wall-clock time (``hh:mm:ss``) in ``zone`` (default: the site's) as UTC."""
        key = (year, month, day, hms, zone)
        if key != self._last_key:
            try:
                hour, minute, second = int(hms[0:2]), int(hms[3:5]), int(hms[6:8])
            except ValueError:
                self._last_second = None
            else:
                self._last_second = self._utc(year, month, day, hour, minute, second, zone)
            self._last_key = key
        found = self._last_second
        if found is None or not frac:
            return found
        return found.replace(microsecond=fraction_us(frac))

    def _utc(
        self, year: int, month: int, day: int, hour: int, minute: int, second: int, zone: str | None
    ) -> datetime | None:
        """The wall-clock second as UTC: the hour's start plus minutes and seconds, once the
        hour is known to keep one offset (the zone's offset is asked twice per hour, not per
        second: ``SystemZone`` asks the C library each time)."""
        if not (0 <= minute <= 59 and 0 <= second <= 59):
            return None  # what datetime() refuses
        hour_key = (year, month, day, hour, zone)
        if hour_key != self._hour_key:
            self._hour_key = hour_key
            self._hour_start = self._steady_hour(year, month, day, hour, self.zone(zone))
        if self._hour_start is not None:
            return self._hour_start + timedelta(seconds=minute * 60 + second)
        try:  # a date that cannot exist, or an hour in which the offset changes
            local = datetime(year, month, day, hour, minute, second, tzinfo=self.zone(zone))
            return local.astimezone(UTC)
        except (ValueError, OverflowError):
            return None

    @staticmethod
    def _steady_hour(year: int, month: int, day: int, hour: int, tz: tzinfo) -> datetime | None:
        """The UTC start of a local hour whose first and last second have the same offset (no
        zone changes its offset twice within one hour); None otherwise."""
        try:
            first = datetime(year, month, day, hour, tzinfo=tz)
            if first.utcoffset() != first.replace(minute=59, second=59).utcoffset():
                return None
            return first.astimezone(UTC)
        except (ValueError, OverflowError):
            return None

    def iso(self, date: str, hms: str, frac: str | None, zone: str | None) -> datetime | None:
        """``YYYY-MM-DD`` + ``hh:mm:ss`` + fraction + offset (or none: the site's zone)."""
        if date != self._last_date:  # a day's lines share their date: read it once
            self._last_date = date
            valid = len(date) == 10 and (date[:4] + date[5:7] + date[8:]).isdigit()
            self._last_ymd = (int(date[:4]), int(date[5:7]), int(date[8:])) if valid else None
        if self._last_ymd is None:
            return None
        year, month, day = self._last_ymd
        return self.civil(year, month, day, hms, frac, zone)

    @staticmethod
    def epoch_us(micros: int) -> datetime | None:
        try:
            return _EPOCH + timedelta(microseconds=micros)
        except OverflowError:
            return None

    @staticmethod
    def epoch(seconds: str, frac: str | None = None) -> datetime | None:
        if not seconds.isdigit() or len(seconds) > 12:
            return None
        return Clock.epoch_us(int(seconds) * 1_000_000 + fraction_us(frac))
