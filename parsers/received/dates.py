"""The date of a Received field as an aware UTC datetime, from the many forms MTAs write.

RFC 5322 dates, with the deviations seen in real headers: no weekday, two-digit years, asctime
order (``Fri Feb 07 10:18:12 2003 -0800``), fractional seconds (SendGrid), spaces inside the time
(``12: 31: 43``), zone names or no zone (taken as UTC), text after the zone.
"""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

_TIME = r"(?P<h>\d{1,2})\s?:\s?(?P<m>\d{2})(?:\s?:\s?(?P<s>\d{2}))?(?:\.\d{1,9})?"
_ZONE = r"(?:\s{1,4}(?P<zone>[+-]\d{4}|[A-Za-z]{1,5}\b))?"
_RFC = re.compile(
    rf"(?P<day>\d{{1,2}})\s{{1,4}}(?P<mon>[A-Za-z]{{3}})[a-z]{{0,6}}\s{{1,4}}(?P<year>\d{{2,4}})\s{{1,4}}{_TIME}{_ZONE}"
)
_ASCTIME = re.compile(
    rf"\b(?P<mon>[A-Za-z]{{3}})\s{{1,4}}(?P<day>\d{{1,2}})\s{{1,4}}{_TIME}\s{{1,4}}(?P<year>\d{{4}}){_ZONE}"
)
_YEARS = range(1980, 2101)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def parse_date(text: str | None) -> datetime | None:
    """Aware UTC datetime, or None when no plausible date is found."""
    if not text:
        return None
    return _parse_date(text[:256])


@lru_cache(maxsize=4096)  # the hops of one message, and messages of one second, share a date
def _parse_date(text: str) -> datetime | None:
    found = _RFC.search(text) or _ASCTIME.search(text)
    if found is None:
        return None
    zone = found.group("zone") or "+0000"
    if zone[0] in "+-" and found.group("year")[0] in "12" and len(found.group("year")) == 4:
        return _numeric(found, zone)
    canonical = (
        f"{found.group('day')} {found.group('mon')} {found.group('year')} "
        f"{found.group('h')}:{found.group('m')}:{found.group('s') or '00'} {zone}"
    )
    try:
        when = email.utils.parsedate_to_datetime(canonical)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" and unknown zone names: UTC is the best reading
        when = when.replace(tzinfo=UTC)
    when = when.astimezone(UTC)
    return when if when.year in _YEARS else None


def _numeric(found: re.Match[str], zone: str) -> datetime | None:
    """The common form (four-digit year, numeric zone) without email.utils, same result: the
    day's start in UTC (cached: the day repeats in every field) plus the time of day."""
    month = _MONTHS.get(found.group("mon").lower())
    hour, minute, second = int(found.group("h")), int(found.group("m")), int(found.group("s") or 0)
    if month is None or hour > 23 or minute > 59 or second > 59:  # what datetime() refuses
        return None
    day_start = _day_start(int(found.group("year")), month, int(found.group("day")), zone)
    if day_start is None:
        return None
    try:
        when = day_start + timedelta(hours=hour, minutes=minute, seconds=second)
    except OverflowError:
        return None
    return when if when.year in _YEARS else None


@lru_cache(maxsize=1024)
def _day_start(year: int, month: int, day: int, zone: str) -> datetime | None:
    offset = int(zone[1:3]) * 3600 + int(zone[3:5]) * 60
    try:
        return datetime(
            year,
            month,
            day,
            tzinfo=timezone(timedelta(seconds=-offset if zone[0] == "-" else offset)),
        ).astimezone(UTC)
    except (ValueError, OverflowError):
        return None
