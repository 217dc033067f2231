"""Named report periods for cron (``last-week``, ``last-month``) and the staleness check that
keeps a scheduled report from going out over logs that stopped arriving."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Final

PERIODS: Final = ("last-week", "last-month")


def period_bounds(name: str, today: date) -> tuple[date, date]:
    """First and last day (both inclusive) of the named period before ``today``: the last whole
    week, Monday to Sunday, or the last whole calendar month."""
    if name == "last-week":
        monday = today - timedelta(days=today.weekday() + 7)
        return monday, monday + timedelta(days=6)
    if name == "last-month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    raise ValueError(f"unknown period {name!r}; one of {', '.join(PERIODS)}")


def staleness(newest: datetime | None, max_days: int, now: datetime) -> str | None:
    """None when the newest session is at most ``max_days`` old at ``now``, else one line that
    names it."""
    if newest is None:
        return f"the lake holds no session at all (--fail-if-stale {max_days})"
    age = now - newest
    if age <= timedelta(days=max_days):
        return None
    return (
        f"stale data: the newest session is from {newest:%Y-%m-%d %H:%M} UTC, "
        f"{age / timedelta(days=1):.1f} days ago (--fail-if-stale {max_days})"
    )
