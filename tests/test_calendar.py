"""Business days per región (holidays package) and Ley 19.880 counting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models.calendar import BusinessCalendar, calendar_for, local_date

AN = calendar_for("AN")
SANTIAGO = ZoneInfo("America/Santiago")


@pytest.mark.parametrize(
    ("day", "business"),
    [
        (date(2026, 9, 17), True),  # Thursday before Fiestas Patrias
        (date(2026, 9, 18), False),  # Independencia
        (date(2026, 9, 19), False),  # Glorias del Ejército (Saturday anyway)
        (date(2026, 9, 21), True),
        (date(2026, 4, 2), True),  # Holy Thursday is a working day
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 6, 29), False),  # San Pedro y San Pablo, a Monday in 2026
        (date(2027, 6, 28), False),  # San Pedro y San Pablo moved to Monday in 2027
        (date(2027, 6, 29), True),  # ... so its own date is worked
        (date(2026, 10, 12), False),  # Encuentro de Dos Mundos
        (date(2027, 10, 11), False),  # moved to Monday in 2027
        (date(2027, 10, 12), True),
        (date(2029, 11, 2), False),  # 31 October on a Wednesday moves to Friday
        (date(2029, 10, 31), True),
        (date(2026, 12, 31), True),  # bank holiday only: a business day
        (date(2027, 1, 1), False),
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 29), False),  # Sunday
        (date(2026, 4, 5), False),  # DST ends (Sunday)
        (date(2026, 9, 7), True),  # Monday after DST starts
    ],
)
def test_national_business_days(day: date, business: bool) -> None:
    assert AN.is_business_day(day) is business


def test_regional_holidays_follow_the_subdivision() -> None:
    # Asalto y Toma del Morro de Arica, 7 June 2027 (a Monday): Arica only.
    assert not calendar_for("AP").is_business_day(date(2027, 6, 7))
    assert calendar_for("AN").is_business_day(date(2027, 6, 7))
    # Nacimiento del Prócer, 20 August 2026 (a Thursday): Ley 20.768 gives it
    # to the comunas of Chillán and Chillán Viejo only, not to all of Ñuble.
    assert not calendar_for("NB", "ley-20768").is_business_day(date(2026, 8, 20))
    assert "Chillán" in (calendar_for("NB", "ley-20768").holiday_name(date(2026, 8, 20)) or "")
    assert calendar_for("NB").is_business_day(date(2026, 8, 20))
    assert calendar_for("RM").is_business_day(date(2026, 8, 20))
    assert "Morro" in (calendar_for("AP").holiday_name(date(2027, 6, 7)) or "")


def test_ley_19880_counts_from_the_day_after() -> None:
    # The engineering notes' reference value: 5 business days from 14 Sept 2026.
    assert AN.add(date(2026, 9, 14), 5) == date(2026, 9, 22)
    assert AN.add(date(2026, 11, 25), 1) == date(2026, 11, 26)
    # A start on a Friday: the next business day is Monday.
    assert AN.add(date(2026, 11, 27), 1) == date(2026, 11, 30)
    # Starting on a non-business day still counts from the day after.
    assert AN.add(date(2026, 11, 28), 1) == date(2026, 11, 30)


def test_year_end() -> None:
    assert AN.add(date(2026, 12, 30), 1) == date(2026, 12, 31)
    assert AN.add(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert AN.add(date(2027, 1, 4), -1) == date(2026, 12, 31)
    # 8 December (Inmaculada Concepción, a Tuesday) and Christmas are skipped.
    assert AN.add(date(2026, 12, 7), 1) == date(2026, 12, 9)
    assert AN.add(date(2026, 12, 24), 1) == date(2026, 12, 28)


def test_roll_forward_moves_a_term_to_the_next_business_day() -> None:
    assert AN.roll_forward(date(2026, 9, 18)) == date(2026, 9, 21)
    assert AN.roll_forward(date(2026, 10, 12)) == date(2026, 10, 13)
    assert AN.roll_forward(date(2026, 10, 13)) == date(2026, 10, 13)
    assert AN.add(date(2026, 9, 18), 0) == date(2026, 9, 21)


def test_backwards_and_between_are_inverse() -> None:
    start = date(2026, 1, 1)
    for offset in range(0, 400, 7):
        day = AN.roll_forward(start + timedelta(days=offset))
        for n in (1, 5, 10, 15):
            later = AN.add(day, n)
            assert AN.between(day, later) == n
            assert AN.add(later, -n) == day
            assert AN.between(later, day) == -n


def test_add_matches_the_holidays_library() -> None:
    library = AN._holidays  # the same calendar the library counts on
    for offset in range(0, 365, 3):
        day = date(2026, 1, 1) + timedelta(days=offset)
        for n in (1, 5, 10, 20):
            assert AN.add(day, n) == library.get_nth_working_day(day, n)


def test_calendar_without_subdivision_is_national() -> None:
    assert BusinessCalendar(None).is_business_day(date(2027, 6, 7))


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # 2026-04-05 03:00 UTC is 23:00 on the 4th in Santiago (the hour that repeats).
        (datetime(2026, 4, 5, 3, 30, tzinfo=UTC), date(2026, 4, 4)),
        (datetime(2026, 4, 5, 4, 30, tzinfo=UTC), date(2026, 4, 5)),
        # Spring forward: 00:00-00:59 local does not exist on 2026-09-06.
        (datetime(2026, 9, 6, 3, 59, tzinfo=UTC), date(2026, 9, 5)),
        (datetime(2026, 9, 6, 4, 0, tzinfo=UTC), date(2026, 9, 6)),
    ],
)
def test_local_date_across_dst_changes(instant: datetime, expected: date) -> None:
    assert local_date(instant, SANTIAGO) == expected


def test_local_date_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        local_date(datetime(2026, 1, 1), SANTIAGO)


def _brute_between(calendar: BusinessCalendar, start: date, end: date) -> int:
    """Business days in (start, end], one day at a time."""
    low, high = (start, end) if end >= start else (end, start)
    count = sum(
        1
        for n in range(1, (high - low).days + 1)
        if calendar.is_business_day(low + timedelta(days=n))
    )
    return count if end >= start else -count


@pytest.mark.parametrize(
    "order",
    [
        # A fresh calendar grows its table of business days both ways.
        [(date(2031, 3, 3), 7), (date(2019, 12, 30), 3), (date(2025, 6, 2), -250)],
        [(date(2019, 12, 30), -3), (date(2031, 3, 3), 40), (date(2024, 2, 29), 500)],
        # Six years at once, forwards and backwards, from an empty table.
        [(date(2026, 1, 5), 1500)],
        [(date(2035, 6, 1), -1500)],
        [(date(2026, 9, 19), 0), (date(2026, 9, 21), 0)],
    ],
)
def test_a_fresh_calendar_counts_like_the_library(order: list[tuple[date, int]]) -> None:
    calendar = BusinessCalendar("AN")  # not the shared one: its table starts empty
    assert repr(calendar) == "BusinessCalendar('AN', '')"
    library = calendar._holidays
    for start, days in order:
        expected = library.get_nth_working_day(start, days)
        assert calendar.add(start, days) == expected
        assert calendar.between(start, expected) == _brute_between(calendar, start, expected)
    assert calendar.between(date(2019, 12, 31), date(2031, 1, 1)) == _brute_between(
        calendar, date(2019, 12, 31), date(2031, 1, 1)
    )
    assert calendar.between(date(2026, 9, 21), date(2026, 9, 21)) == 0
    assert calendar.holiday_name(date(2026, 9, 18)) == "Día de la Independencia"
    assert calendar.holiday_name(date(2026, 9, 17)) is None


def test_local_date_says_why_it_refuses() -> None:
    with pytest.raises(ValueError, match=r"^local_date needs an aware datetime$"):
        local_date(datetime(2026, 1, 1, 12, 0), SANTIAGO)


def test_a_fresh_regional_calendar_keeps_its_own_holidays() -> None:
    arica = BusinessCalendar("AP")
    assert arica.add(date(2027, 6, 4), 1) == date(2027, 6, 8)  # 7 June is Arica's own
    assert BusinessCalendar("AN").add(date(2027, 6, 4), 1) == date(2027, 6, 7)
