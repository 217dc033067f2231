"""Wall-clock seconds become the same UTC instants as ``datetime(…, tzinfo).astimezone(UTC)``,
across daylight-saving changes (whole-hour and half-hour ones) and impossible dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest

from parsers.envelopes.clock import Clock, SystemZone


def reference(tz: tzinfo, year: int, month: int, day: int, hms: str) -> datetime | None:
    try:
        hour, minute, second = int(hms[0:2]), int(hms[3:5]), int(hms[6:8])
        return datetime(year, month, day, hour, minute, second, tzinfo=tz).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def seconds_around(year: int, month: int, day: int) -> list[tuple[int, int, int, str]]:
    """Every 61st second of two days, so each hour is entered and left mid-way too."""
    start = datetime(year, month, day)
    return [
        (t.year, t.month, t.day, t.strftime("%H:%M:%S"))
        for t in (start + timedelta(seconds=s) for s in range(0, 2 * 86400, 61))
    ]


@pytest.mark.parametrize(
    ("tz", "days"),
    [
        (ZoneInfo("Europe/Berlin"), [(2024, 3, 30), (2024, 10, 26)]),
        (ZoneInfo("America/New_York"), [(2024, 3, 9), (2024, 11, 2)]),
        (ZoneInfo("Australia/Lord_Howe"), [(2024, 4, 6), (2024, 10, 5)]),  # 30-minute change
        (timezone(timedelta(hours=5, minutes=30)), [(2024, 3, 30)]),
        (SystemZone(), [(2024, 3, 30), (2024, 10, 26)]),
        (UTC, [(2024, 12, 31)]),
    ],
    ids=["berlin", "new_york", "lord_howe", "fixed", "system", "utc"],
)
def test_civil_seconds_match_the_datetime_conversion(
    tz: tzinfo, days: list[tuple[int, int, int]]
) -> None:
    clock = Clock(tz)
    for year, month, day in days:
        for y, m, d, hms in seconds_around(year, month, day):
            assert clock.civil(y, m, d, hms, None) == reference(tz, y, m, d, hms), (y, m, d, hms)


def test_impossible_times_give_none() -> None:
    clock = Clock(UTC)
    assert clock.civil(2023, 2, 29, "10:00:00", None) is None
    assert clock.civil(2024, 3, 4, "24:00:00", None) is None
    assert clock.civil(2024, 3, 4, "10:60:00", None) is None
    assert clock.civil(2024, 3, 4, "10:00:60", None) is None
    assert clock.civil(2024, 3, 4, "1x:00:00", None) is None
    assert clock.civil(2024, 3, 4, "10:00:01", "5") == datetime(2024, 3, 4, 10, 0, 1, 500000, UTC)


def test_iso_dates_are_read_each_time_they_change() -> None:
    clock = Clock(UTC)
    assert clock.iso("2024-03-04", "10:00:01", None, "+01:00") == datetime(
        2024, 3, 4, 9, 0, 1, tzinfo=UTC
    )
    assert clock.iso("2024-03-05", "10:00:01", "25", None) == datetime(
        2024, 3, 5, 10, 0, 1, 250000, UTC
    )
    assert clock.iso("2024-0x-05", "10:00:01", None, None) is None
    assert clock.iso("2024-03-05", "10:00:02", None, None) == datetime(
        2024, 3, 5, 10, 0, 2, tzinfo=UTC
    )
    assert clock.iso("", "10:00:02", None, None) is None
