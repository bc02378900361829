"""Business-day arithmetic: weekends, listed holidays and the user's time zone.

"Today" is always computed from an injected clock in the calendar's zone, so
the planner stays a pure function and tests are exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

Clock = Callable[[], dt.datetime]

# ISO weekday numbers (Monday=1 ... Sunday=7), as date.isoweekday() returns them.
WEEKDAY_NAMES: dict[str, int] = {
    "mon": 1, "monday": 1,
    "tue": 2, "tuesday": 2,
    "wed": 3, "wednesday": 3,
    "thu": 4, "thursday": 4,
    "fri": 5, "friday": 5,
    "sat": 6, "saturday": 6,
    "sun": 7, "sunday": 7,
}  # fmt: skip

# A finite holiday list plus at least one working weekday guarantees progress;
# this bound only protects against a pathological list spanning decades.
_MAX_SCAN_DAYS = 3700


@dataclass(frozen=True)
class Calendar:
    weekend: frozenset[int] = frozenset({6, 7})
    holidays: frozenset[dt.date] = frozenset()
    timezone: str | None = None  # IANA name; None = the machine's local zone

    @property
    def zone(self) -> dt.tzinfo | None:
        # ZoneInfo caches instances, so this is cheap; the name was checked at load.
        return ZoneInfo(self.timezone) if self.timezone else None

    def is_business_day(self, day: dt.date) -> bool:
        return day.isoweekday() not in self.weekend and day not in self.holidays

    def roll_forward(self, day: dt.date) -> dt.date:
        """`day` itself if it is a business day, else the next one."""
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_business_day(day):
                return day
            day += dt.timedelta(days=1)
        raise ValueError("no business day found: check the weekend and holiday lists")

    def add_business_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th business day after `day`; n == 0 rolls `day` forward.

        `day` itself need not be a business day: one business day after a
        Saturday meeting is Monday (or the next working day).
        """
        if n < 0:
            raise ValueError("business-day offsets are never negative")
        if n == 0:
            return self.roll_forward(day)
        for _ in range(n):
            day = self.roll_forward(day + dt.timedelta(days=1))
        return day

    def today(self, clock: Clock) -> dt.date:
        """The date in this calendar's zone at the clock's instant.

        A naive datetime from the clock is taken as wall time in this zone
        already (that is what a test's fixed clock means).
        """
        now = clock()
        if now.tzinfo is None:
            return now.date()
        return now.astimezone(self.zone).date()

    def local_date(self, value: dt.datetime) -> dt.date:
        """Date of a timestamp in this zone (naive = already local wall time)."""
        if value.tzinfo is None:
            return value.date()
        return value.astimezone(self.zone).date()
