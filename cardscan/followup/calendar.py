"""Business-day arithmetic: weekends, public holidays, listed holidays and the
user's time zone.

Public holidays come from the `holidays` package (python-holidays, MIT, kept
current every month) for the user's country, set as ``[calendar] country`` in
the cadence file or ``cardscan profile --country``; a due date never falls on
one.  National holidays only: a region's own days go in ``[calendar] holidays``.

"Today" is always computed from an injected clock in the calendar's zone, so
the planner stays a pure function and tests are exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
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


DEFAULT_AT = dt.time(9, 0)  # when a day's follow-ups start (calendar events)


def parse_time(text: str) -> dt.time:
    """"HH:MM" (or an ISO time) to the minute; ValueError when it is not a time of day."""
    return dt.time.fromisoformat(text.strip()).replace(second=0, microsecond=0)


@lru_cache(maxsize=8)
def public_holidays(country: str) -> Any:
    """The `holidays` calendar of ISO country `country` (years fill in on use).
    KeyError-free: `supported_country` is checked when the country is set."""
    import holidays

    return holidays.country_holidays(country)


def supported_country(code: str) -> str | None:
    """`code` upper-cased when the holidays package knows it, else None."""
    import holidays

    code = code.strip().upper()
    return code if code in holidays.list_supported_countries() else None


@dataclass(frozen=True)
class Calendar:
    weekend: frozenset[int] = frozenset({6, 7})
    holidays: frozenset[dt.date] = frozenset()
    timezone: str | None = None  # IANA name; None = the machine's local zone
    country: str | None = None  # ISO 3166 alpha-2: its public holidays are not business days
    at: dt.time = DEFAULT_AT  # the hour a day's follow-ups are put in the calendar

    @property
    def zone(self) -> dt.tzinfo | None:
        # ZoneInfo caches instances, so this is cheap; the name was checked at load.
        return ZoneInfo(self.timezone) if self.timezone else None

    def is_business_day(self, day: dt.date) -> bool:
        if day.isoweekday() in self.weekend or day in self.holidays:
            return False
        return not (self.country and day in public_holidays(self.country))

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
