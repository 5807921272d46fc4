"""Reporting periods and when their packages are due."""

from __future__ import annotations

from datetime import date

import pytest

from models.calendar import calendar_for
from reports.periods import PeriodError, due_periods, parse_period, period_containing

AN = calendar_for("AN")


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "tercer trimestre de 2026"),
        ("2026-q1", date(2026, 1, 1), date(2026, 3, 31), "primer trimestre de 2026"),
        ("2026-S2", date(2026, 7, 1), date(2026, 12, 31), "segundo semestre de 2026"),
        ("2026-C2", date(2026, 5, 1), date(2026, 8, 31), "segundo cuatrimestre de 2026"),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29), "febrero de 2028"),
    ],
)
def test_parse_period(text: str, start: date, end: date, label: str) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.label) == (start, end, label)


@pytest.mark.parametrize("text", ["2026-Q5", "2026-S3", "2026-C4", "2026-13", "T3-2026", ""])
def test_bad_periods(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text)


def test_package_is_due_the_first_business_day_after_the_period() -> None:
    # Q3 2026 ends on Wednesday 30 September; 1 October is a business day.
    assert due_periods("quarter", date(2026, 7, 1), date(2026, 9, 30), AN) == []
    assert [p.key for p in due_periods("quarter", date(2026, 7, 1), date(2026, 10, 1), AN)] == [
        "2026-Q3"
    ]
    # October 2026 ends on Saturday 31 (a holiday too): due Monday 2 November.
    assert [p.key for p in due_periods("month", date(2026, 10, 1), date(2026, 11, 1), AN)] == []
    assert [p.key for p in due_periods("month", date(2026, 10, 1), date(2026, 11, 2), AN)] == [
        "2026-10"
    ]


def test_periods_before_since_are_not_due_and_missed_ones_are() -> None:
    due = due_periods("quarter", date(2026, 2, 15), date(2027, 1, 5), AN)
    assert [p.key for p in due] == ["2026-Q2", "2026-Q3", "2026-Q4"]
    assert period_containing(date(2026, 11, 25), "four-months").key == "2026-C3"
