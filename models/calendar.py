"""Chilean business days (días hábiles) per región, as pure functions.

Ley 19.880 art. 25: business days are Monday to Friday that are not public
holidays; a term counts from the day after its start, and a term whose last
day is not a business day moves to the next business day. Holidays come from
the ``holidays`` package (Chile with the región's ISO 3166-2 subdivision, so
Arica y Parinacota's 7 June and Ñuble's 20 August count where they apply).
"""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays


@functools.cache
def _chile_holidays(subdivision: str | None) -> holidays.HolidayBase:
    return holidays.country_holidays("CL", subdiv=subdivision, language="es")


class BusinessCalendar:
    """Business days of one región (``subdivision`` is its ISO code, e.g. "AN")."""

    def __init__(self, subdivision: str | None) -> None:
        self.subdivision = subdivision
        self._holidays = _chile_holidays(subdivision)

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.subdivision!r})"

    def holiday_name(self, day: date) -> str | None:
        """The holiday's Spanish name, or ``None`` on an ordinary day."""
        return self._holidays.get(day)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays

    def roll_forward(self, day: date) -> date:
        """``day`` itself when it is a business day, else the next one."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def add(self, start: date, days: int) -> date:
        """The ``days``-th business day after ``start`` (counting from the
        day after, as Ley 19.880 does); negative ``days`` count backwards.
        ``add(start, 0)`` is ``start`` rolled forward to a business day."""
        if days == 0:
            return self.roll_forward(start)
        step = timedelta(days=1 if days > 0 else -1)
        remaining = abs(days)
        day = start
        while remaining:
            day += step
            if self.is_business_day(day):
                remaining -= 1
        return day

    def between(self, start: date, end: date) -> int:
        """Signed count of business days in ``(start, end]`` (or ``(end,
        start]`` negated when ``end`` is earlier): how far ``end`` is from
        ``start`` in business days."""
        if end == start:
            return 0
        sign = 1 if end > start else -1
        low, high = (start, end) if sign > 0 else (end, start)
        count = 0
        day = low + timedelta(days=1)
        while day <= high:
            if self.is_business_day(day):
                count += 1
            day += timedelta(days=1)
        return sign * count


@functools.cache
def calendar_for(subdivision: str | None) -> BusinessCalendar:
    """The shared calendar of a región's subdivision code."""
    return BusinessCalendar(subdivision)


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    """The calendar date of an aware ``instant`` in ``zone`` (the business
    date "today" means, whatever the server's own time zone)."""
    if instant.tzinfo is None:
        raise ValueError("local_date needs an aware datetime")
    return instant.astimezone(zone).date()
