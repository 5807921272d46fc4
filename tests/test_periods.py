"""Reporting periods and when their packages are due."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.calendar import calendar_for
from reports.periods import (
    PeriodError,
    due_on,
    due_periods,
    first_business_day_after,
    parse_period,
    period_containing,
)

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


@pytest.mark.parametrize(
    ("text", "key", "start", "end", "label"),
    [
        ("2027-ARI", "2027-ARI", date(2027, 1, 1), date(2027, 12, 31),
         "Anteproyecto Regional de Inversión (ARI) 2027"),
        (" 2027-iral ", "2027-IRAL", date(2027, 1, 1), date(2027, 12, 31),
         "Inversión Regional de Asignación Local (IRAL) 2027"),
        ("2026-Q4", "2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "cuarto trimestre de 2026"),
        ("2026-S1", "2026-S1", date(2026, 1, 1), date(2026, 6, 30), "primer semestre de 2026"),
        ("2026-C3", "2026-C3", date(2026, 9, 1), date(2026, 12, 31),
         "tercer cuatrimestre de 2026"),
        ("2026-01", "2026-01", date(2026, 1, 1), date(2026, 1, 31), "enero de 2026"),
        ("2026-12", "2026-12", date(2026, 12, 1), date(2026, 12, 31), "diciembre de 2026"),
        ("1990-01", "1990-01", date(1990, 1, 1), date(1990, 1, 31), "enero de 1990"),
        ("2100-Q4", "2100-Q4", date(2100, 10, 1), date(2100, 12, 31), "cuarto trimestre de 2100"),
    ],
)  # fmt: skip
def test_every_form_and_its_bounds(text: str, key: str, start: date, end: date, label: str) -> None:
    period = parse_period(text)
    assert (period.key, period.start, period.end, period.label) == (key, start, end, label)
    assert period.is_instrument is key.endswith(("ARI", "IRAL"))
    assert period.contains(start) and period.contains(end)
    assert not period.contains(start - timedelta(days=1))
    assert not period.contains(end + timedelta(days=1))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1989-12", "«1989-12»: el año debe estar entre 1990 y 2100"),
        ("2101-ARI", "«2101-ARI»: el año debe estar entre 1990 y 2100"),
        ("2026-Q5", "«2026-Q5» no es un periodo; use AAAA-QN"),
        ("2026-S3", "«2026-S3»: el año tiene 2 semestres"),
        ("2026-C4", "«2026-C4»: el año tiene 3 cuatrimestres"),
        ("2026-00", "«2026-00» no es un periodo; use AAAA-QN (trimestre), AAAA-SN (semestre), "
         "AAAA-CN (cuatrimestre), AAAA-MM (mes), AAAA-ARI o AAAA-IRAL"),
        ("2026-ARIX", "«2026-ARIX» no es un periodo; use AAAA-QN"),
        ("x2026-Q1", "«x2026-Q1» no es un periodo; use AAAA-QN"),
    ],
)  # fmt: skip
def test_bad_periods_say_what_to_write(text: str, message: str) -> None:
    with pytest.raises(PeriodError) as raised:
        parse_period(text)
    assert str(raised.value).startswith(message)


def test_the_period_after_crosses_the_year() -> None:
    assert parse_period("2026-Q4").following().key == "2027-Q1"
    assert parse_period("2026-12").following().key == "2027-01"
    assert parse_period("2026-S1").following().key == "2026-S2"
    assert parse_period("2027-IRAL").following().key == "2028-IRAL"
    assert period_containing(date(2026, 12, 31), "semester").key == "2026-S2"
    assert period_containing(date(2026, 12, 31), "month").key == "2026-12"
    assert period_containing(date(2026, 4, 30), "four-months").key == "2026-C1"
    assert period_containing(date(2026, 5, 1), "four-months").key == "2026-C2"
    assert period_containing(date(2026, 5, 5), "iral").key == "2026-IRAL"
    assert period_containing(date(2026, 5, 5), "ari").key == "2026-ARI"


@pytest.mark.parametrize(
    ("key", "due"),
    [
        ("2027-ARI", date(2026, 4, 1)),  # a Wednesday
        ("2029-ARI", date(2028, 4, 3)),  # 1 April 2028 is a Saturday
        ("2030-ARI", date(2029, 4, 2)),  # 1 April 2029 is Easter Sunday
        ("2026-IRAL", date(2025, 12, 1)),
        ("2030-IRAL", date(2029, 12, 3)),  # 1 December 2029 is a Saturday
        ("2026-Q4", date(2027, 1, 4)),  # 1 January 2027 is a holiday, then a weekend
        ("2026-12", date(2027, 1, 4)),
    ],
)
def test_instruments_are_due_the_first_business_day_of_april_or_december_before(
    key: str, due: date
) -> None:
    assert due_on(parse_period(key), AN) == due


def test_first_business_day_after_a_period() -> None:
    assert first_business_day_after(parse_period("2026-Q3"), AN) == date(2026, 10, 1)
    assert first_business_day_after(parse_period("2026-10"), AN) == date(2026, 11, 2)


def test_instruments_due_since_a_day() -> None:
    # The 2027 ARI was due on 1 April 2026: due from that day, not from the next.
    keys = [p.key for p in due_periods("ari", date(2026, 4, 1), date(2027, 12, 31), AN)]
    assert keys == ["2027-ARI", "2028-ARI"]
    keys = [p.key for p in due_periods("ari", date(2026, 4, 2), date(2027, 12, 31), AN)]
    assert keys == ["2028-ARI"]
    # Due on the day itself, not before it.
    assert [p.key for p in due_periods("iral", date(2026, 1, 1), date(2026, 12, 1), AN)] == [
        "2027-IRAL"
    ]
    assert due_periods("iral", date(2026, 1, 1), date(2026, 11, 30), AN) == []
    # A quarter that started before ``since`` is not due; one starting on it is.
    assert [p.key for p in due_periods("quarter", date(2026, 7, 2), date(2027, 1, 4), AN)] == [
        "2026-Q4"
    ]
