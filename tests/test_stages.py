"""The reminder policy's stages, checked against a brute-force reading of
the contract around holidays, year ends and weekends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.calendar import calendar_for
from models.stages import (
    Audience,
    audiences_for,
    distance_words,
    first_stage_on,
    latest_stage,
    next_offset,
    offset_at,
)

AN = calendar_for("AN")
OFFSETS = [-10, -5, -1, 0, *range(5, 120, 5)]


def oracle(due: date, day: date, acta: date, region: str = "AN") -> tuple[int, date] | None:
    """The contract read literally: list every stage date, take the latest
    one on or before ``day``; nothing on a non-business day; nothing for a
    stage dated before the acta."""
    calendar = calendar_for(region)
    if not calendar.is_business_day(day):
        return None
    stages = [(offset, calendar.add(due, offset)) for offset in OFFSETS]
    past = [(offset, on) for offset, on in stages if on <= day]
    if not past:
        return None
    offset, on = past[-1]
    return None if on < acta else (offset, on)


def test_offsets() -> None:
    assert [offset_at(d) for d in (-12, -10, -7, -5, -2, -1, 0, 4, 5, 9, 10, 17)] == [
        None, -10, -10, -5, -5, -1, 0, 0, 5, 5, 10, 15,
    ]  # fmt: skip
    assert [next_offset(o) for o in (-10, -5, -1, 0, 5, 10)] == [-5, -1, 0, 5, 10, 15]


def test_stages_around_fiestas_patrias() -> None:
    due = date(2026, 9, 21)  # Monday after 18-19 September
    acta = date(2026, 6, 15)
    expected = {
        date(2026, 9, 4): -10,
        date(2026, 9, 11): -5,
        date(2026, 9, 17): -1,
        date(2026, 9, 21): 0,
        date(2026, 9, 28): 5,
        date(2026, 10, 5): 10,
        date(2026, 10, 13): 15,  # 12 October is a holiday
    }
    for day, offset in expected.items():
        stage = latest_stage(due, day, AN, acta)
        assert stage is not None and (stage.offset, stage.on) == (offset, day)
    # Between stages the latest one stays the same; holidays send nothing.
    stage = latest_stage(due, date(2026, 9, 16), AN, acta)
    assert stage is not None and stage.offset == -5
    assert latest_stage(due, date(2026, 9, 18), AN, acta) is None
    assert latest_stage(due, date(2026, 9, 19), AN, acta) is None


@pytest.mark.parametrize("region", ["AN", "AP", "NB", "RM"])
def test_latest_stage_matches_the_contract_everywhere(region: str) -> None:
    calendar = calendar_for(region)
    acta = date(2025, 11, 3)
    for due_offset in range(0, 400, 37):
        due = calendar.roll_forward(acta + timedelta(days=due_offset))
        for day_offset in range(-20, 100, 4):
            day = due + timedelta(days=day_offset)
            stage = latest_stage(due, day, calendar, acta)
            got = None if stage is None else (stage.offset, stage.on)
            assert got == oracle(due, day, acta, region), (due, day)


def test_no_stage_before_the_acta() -> None:
    due = date(2026, 11, 30)
    acta = AN.add(due, -3)  # signed three business days before the due date
    assert latest_stage(due, AN.add(due, -2), AN, acta) is None  # E-5 predates the acta
    stage = latest_stage(due, AN.add(due, -1), AN, acta)
    assert stage is not None and stage.offset == -1
    assert first_stage_on(due, AN, acta) == AN.add(due, -1)
    assert first_stage_on(due, AN, date(2026, 1, 1)) == AN.add(due, -10)


def test_year_end_stages() -> None:
    due = date(2027, 1, 4)
    acta = date(2026, 10, 1)
    stage = latest_stage(due, date(2026, 12, 31), AN, acta)
    assert stage is not None and stage.offset == -1 and stage.on == date(2026, 12, 31)
    stage = latest_stage(due, date(2026, 12, 24), AN, acta)
    assert stage is not None and stage.offset == -5


def test_audiences() -> None:
    assert audiences_for(-10) == (Audience.RESPONSABLE,)
    assert audiences_for(0) == (Audience.RESPONSABLE,)
    assert audiences_for(5) == (Audience.RESPONSABLE, Audience.GERENTE)
    assert audiences_for(10) == (Audience.RESPONSABLE, Audience.GERENTE, Audience.DIRECTOR)
    assert audiences_for(35) == audiences_for(10)


@pytest.mark.parametrize(
    ("due", "day", "words"),
    [
        (date(2026, 9, 21), date(2026, 9, 11), "vence en 5 días hábiles"),
        (date(2026, 9, 21), date(2026, 9, 14), "vence en 4 días hábiles"),
        (date(2026, 9, 21), date(2026, 9, 17), "vence en 1 día hábil"),
        (date(2026, 9, 21), date(2026, 9, 21), "vence hoy"),
        (date(2026, 9, 21), date(2026, 9, 22), "vencido hace 1 día hábil"),
        (date(2026, 9, 21), date(2026, 9, 24), "vencido hace 3 días hábiles"),
    ],
)
def test_distance_words(due: date, day: date, words: str) -> None:
    assert distance_words(due, day, AN) == words


@pytest.mark.parametrize(
    ("offset", "audiences"),
    [
        (-10, (Audience.RESPONSABLE,)),
        (-1, (Audience.RESPONSABLE,)),
        (0, (Audience.RESPONSABLE,)),
        # "after E": from the first business day after the due date.
        (1, (Audience.RESPONSABLE, Audience.GERENTE)),
        (5, (Audience.RESPONSABLE, Audience.GERENTE)),
        (9, (Audience.RESPONSABLE, Audience.GERENTE)),
        (10, (Audience.RESPONSABLE, Audience.GERENTE, Audience.DIRECTOR)),
        (25, (Audience.RESPONSABLE, Audience.GERENTE, Audience.DIRECTOR)),
    ],
)
def test_who_hears_at_each_offset(offset: int, audiences: tuple[Audience, ...]) -> None:
    assert audiences_for(offset) == audiences


@pytest.mark.parametrize(
    ("due", "day", "words"),
    [
        (date(2026, 9, 21), date(2026, 9, 21), "vence hoy"),
        (date(2026, 9, 22), date(2026, 9, 21), "vence en 1 día hábil"),
        (date(2026, 9, 21), date(2026, 9, 17), "vence en 1 día hábil"),  # 18-20 are not
        (date(2026, 9, 28), date(2026, 9, 21), "vence en 5 días hábiles"),
        (date(2026, 9, 17), date(2026, 9, 21), "vencido hace 1 día hábil"),
        (date(2026, 9, 17), date(2026, 9, 23), "vencido hace 3 días hábiles"),
        # On the non-business days right after a Thursday due date.
        (date(2026, 9, 17), date(2026, 9, 19), "vencido"),
    ],
)
def test_how_far_a_due_date_is(due: date, day: date, words: str) -> None:
    assert distance_words(due, day, AN) == words


def test_a_stage_on_the_acta_date_is_sent() -> None:
    due = date(2026, 9, 21)
    e10 = date(2026, 9, 4)
    assert first_stage_on(due, AN, e10) == e10  # not before the acta: sent
    assert first_stage_on(due, AN, e10 + timedelta(days=1)) == date(2026, 9, 11)  # E-5
