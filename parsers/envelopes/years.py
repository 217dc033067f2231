"""The year of a year-less syslog line, from the order of the lines in one file.

No line is dated after the file's last change (``not_after``: the file's modification time;
now when there is none): a file cannot hold a line written after it was last written.

- The first year-less line takes the site's pinned year, else the year of ``not_after`` (the
  previous one if its month and day lie after ``not_after``'s: a ``Dec 21`` line in a file last
  written on 6 December is from last year).
- From there the year follows the months: back by two or more months (December → January)
  starts the next year, unless that year's month would lie after ``not_after``'s (months out of
  order, as in a file of samples, do not add a year each); forward by more than six (January →
  a late December line) is a line from the previous year.
- A line whose month and day in the year reached lie after ``not_after`` is dated a year
  earlier (that line only: the state does not move).
- Dated lines (RFC 3339, journald) re-anchor the state, so a file mixing both stays right.

With the site's year pinned (``site.year``), that year and the order of the lines decide
alone, as the site says, whatever the file's modification time: the result does not depend on
when a file was copied. A file spanning more than a year without dates can only be dated so.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from parsers.envelopes.clock import MONTHS

_MONTH_NAMES = {number: name for name, number in MONTHS.items()}


class YearInference:
    def __init__(
        self,
        pinned: int | None,
        tz: tzinfo,
        state: tuple[int, int] | None = None,
        not_after: datetime | None = None,
    ) -> None:
        """``state``: the (year, month) reached by the lines before the first one fed here, when
        a file is read in parts (the same as feeding those lines first). ``not_after``: the
        file's modification time (default: now)."""
        self.pinned = pinned
        self.tz = tz
        self.year: int | None = state[0] if state else None
        self.month = state[1] if state else 0
        latest = (not_after or datetime.now(tz)).astimezone(tz)
        self.latest = (latest.year, latest.month, latest.day)  # local date of ``not_after``
        if pinned is not None:
            self.latest = (9999, 12, 31)  # the site's year is taken as given: no limit
        self._observed = ""
        self._quiet_key = 0
        self._quiet: tuple[str, ...] = ()

    def for_month(self, month: int, day: int = 1) -> int:
        latest_year, latest_month, latest_day = self.latest
        if self.year is None:
            if self.pinned is not None:
                self.year = self.pinned
            else:
                late = (month, day) > (latest_month, latest_day)
                self.year = latest_year - 1 if late else latest_year
        elif month < self.month - 1:
            if (self.year + 1, month) <= (latest_year, latest_month):
                self.year += 1  # the file crossed New Year
        elif month > self.month + 6:
            self.year -= 1  # a late line from before New Year
        self.month = month
        self._observed = ""
        year = self.year
        if year >= latest_year and (
            year > latest_year
            or month > latest_month
            or (month == latest_month and day > latest_day)
        ):
            return year - 1  # never after the file's last change
        return year

    def observe_date(self, date: str) -> None:
        """A line that carried its own date (``YYYY-MM-DD``) anchors the following year-less ones."""
        if date[:7] == self._observed:
            return
        year, month = date[:4], date[5:7]
        if year.isdigit() and month.isdigit():
            self._observed = date[:7]
            self.year, self.month = int(year), int(month)

    def quiet_starts(self) -> tuple[str, ...]:
        """Line starts that cannot change the state, so a skipped line with one need not be read.

        In state (Y, M) a line starting ``Mon `` of month M reaches :meth:`for_month` with M (a
        no-op once a year is set), and one starting ``YYYY-MM-`` of Y and M reaches
        :meth:`observe_date` with the same year and month (``_observed`` is only a cache).
        """
        if self.year is None or self.month not in _MONTH_NAMES:
            return ()
        key = self.year * 100 + self.month
        if key != self._quiet_key:
            self._quiet_key = key
            self._quiet = (f"{self.year:04d}-{self.month:02d}-", _MONTH_NAMES[self.month] + " ")
        return self._quiet
