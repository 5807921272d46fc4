"""Chilean business days (días hábiles) per región, as pure functions.

Ley 19.880 art. 25: business days are Monday to Friday that are not public
holidays; a term counts from the day after its start, and a term whose last
day is not a business day moves to the next business day. Holidays come from
the ``holidays`` package (Chile with the región's ISO 3166-2 subdivision, so
Arica y Parinacota's 7 June counts there), corrected by the holidays the law
gives to some comunas only (:mod:`models.local_holidays`: 20 August belongs to
Chillán and Chillán Viejo, not to all of Ñuble). A calendar is a pure
function of the región and the place's local rules.
"""

from __future__ import annotations

import bisect
import functools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays

from models.local_holidays import LOCAL_HOLIDAYS, LocalHoliday, rules_of


@functools.cache
def _chile_holidays(subdivision: str | None) -> holidays.HolidayBase:
    return holidays.country_holidays("CL", subdiv=subdivision, language="es")


class BusinessCalendar:
    """Business days of one place: a región (``subdivision`` is its ISO
    code, e.g. "AN") and the local holidays that apply to the place's
    comunas (``local``, a commitment's ``local_calendar``: ``""`` for none).

    Counting uses a sorted table of the business days' ordinals, extended a
    year at a time as dates ask for it, so ``add`` and ``between`` cost a
    binary search instead of a walk over every day in between."""

    def __init__(self, subdivision: str | None, local: str = "") -> None:
        self.subdivision = subdivision
        self.local = local
        self._holidays = _chile_holidays(subdivision)
        self._local: tuple[LocalHoliday, ...] = rules_of(local)
        # The package's region-wide copies of a local holiday, taken away.
        self._removed = tuple(
            rule.package_name for rule in LOCAL_HOLIDAYS if rule.package_subdivision == subdivision
        )
        self._first_year = 0
        self._last_year = -1
        self._ordinals: list[int] = []

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.subdivision!r}, {self.local!r})"

    def holiday_name(self, day: date) -> str | None:
        """The holiday's Spanish name, or ``None`` on an ordinary day."""
        for rule in self._local:
            if rule.falls_on(day):
                return rule.name
        name = self._holidays.get(day)
        if name is not None and any(removed in name for removed in self._removed):
            return None
        return name

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday_name(day) is None

    def _year_ordinals(self, year: int) -> list[int]:
        day = date(year, 1, 1)
        out: list[int] = []
        while day.year == year:
            if self.is_business_day(day):
                out.append(day.toordinal())
            day += timedelta(days=1)
        return out

    def _cover(self, low: date, high: date) -> None:
        """Make the table span ``low.year - 1`` to ``high.year + 1``."""
        first, last = low.year - 1, high.year + 1
        if self._last_year < self._first_year:
            self._first_year, self._last_year = first, first - 1
        while self._first_year > first:
            self._first_year -= 1
            self._ordinals[:0] = self._year_ordinals(self._first_year)
        while self._last_year < last:
            self._last_year += 1
            self._ordinals.extend(self._year_ordinals(self._last_year))

    def roll_forward(self, day: date) -> date:
        """``day`` itself when it is a business day, else the next one."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def add(self, start: date, days: int) -> date:
        """The ``days``-th business day after ``start`` (counting from the
        day after, as Ley 19.880 does); negative ``days`` count backwards.
        ``add(start, 0)`` is ``start`` rolled forward to a business day."""
        # A year holds at least 240 business days: cover enough years.
        span = timedelta(days=abs(days) * 2 + 31)
        self._cover(start - span, start + span)
        ordinal = start.toordinal()
        if days > 0:
            index = bisect.bisect_right(self._ordinals, ordinal) + days - 1
        else:
            index = bisect.bisect_left(self._ordinals, ordinal) + days
        return date.fromordinal(self._ordinals[index])

    def between(self, start: date, end: date) -> int:
        """Signed count of business days in ``(start, end]`` (or ``(end,
        start]`` negated when ``end`` is earlier): how far ``end`` is from
        ``start`` in business days."""
        if end == start:
            return 0
        low, high = (start, end) if end > start else (end, start)
        self._cover(low, high)
        count = bisect.bisect_right(self._ordinals, high.toordinal()) - bisect.bisect_right(
            self._ordinals, low.toordinal()
        )
        return count if end > start else -count


@functools.cache
def calendar_for(subdivision: str | None, local: str = "") -> BusinessCalendar:
    """The shared calendar of a región's subdivision code and a place's
    local rules (``local_calendar_key`` of its comunas; ``""``: the región's
    own calendar, which no comunal holiday touches)."""
    return BusinessCalendar(subdivision, local)


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    """The calendar date of an aware ``instant`` in ``zone`` (the business
    date "today" means, whatever the server's own time zone)."""
    if instant.tzinfo is None:
        raise ValueError("local_date needs an aware datetime")
    return instant.astimezone(zone).date()
