"""Reporting periods: quarters (``2026-Q3``), semesters (``2026-S2``),
four-month periods (``2026-C1``, cuatrimestres) and months (``2026-09``),
and the year's instruments: ``2027-ARI`` (the Anteproyecto Regional de
Inversión of 2027, due the first business day of April 2026) and
``2027-IRAL`` (the Inversión Regional de Asignación Local of 2027, due the
first business day of December 2026). An instrument's period is the year it
plans; it is due in the year before."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from models.calendar import BusinessCalendar
from models.dates import EARLIEST, LATEST
from models.protocols import Periodicity

ORDINALS = ["primer", "segundo", "tercer", "cuarto"]
MONTHS = [
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
    "septiembre", "octubre", "noviembre", "diciembre",
]  # fmt: skip
INSTRUMENT_NAMES = {
    Periodicity.ARI: "Anteproyecto Regional de Inversión",
    Periodicity.IRAL: "Inversión Regional de Asignación Local",
}
INSTRUMENT_DUE_MONTH = {Periodicity.ARI: 4, Periodicity.IRAL: 12}
"""The month (of the year before the one planned) whose first business day
an instrument is due on."""
LENGTH = {Periodicity.QUARTER: 3, Periodicity.SEMESTER: 6, Periodicity.FOUR_MONTHS: 4}
LETTER = {Periodicity.QUARTER: "Q", Periodicity.SEMESTER: "S", Periodicity.FOUR_MONTHS: "C"}
NOUN = {
    Periodicity.QUARTER: "trimestre",
    Periodicity.SEMESTER: "semestre",
    Periodicity.FOUR_MONTHS: "cuatrimestre",
}


class PeriodError(ValueError):
    """A period written in none of the accepted forms."""


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    kind: Periodicity
    key: str

    @property
    def is_instrument(self) -> bool:
        """An ARI or IRAL (a year planned), not a period reported on."""
        return self.kind in INSTRUMENT_NAMES

    @property
    def label(self) -> str:
        """``tercer trimestre de 2026``, ``septiembre de 2026``,
        ``Anteproyecto Regional de Inversión (ARI) 2027``."""
        if self.kind in INSTRUMENT_NAMES:
            return f"{INSTRUMENT_NAMES[self.kind]} ({self.kind.value.upper()}) {self.start.year}"
        if self.kind is Periodicity.MONTH:
            return f"{MONTHS[self.start.month - 1]} de {self.start.year}"
        number = (self.start.month - 1) // LENGTH[self.kind]
        return f"{ORDINALS[number]} {NOUN[self.kind]} de {self.start.year}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def following(self) -> Period:
        return period_containing(self.end + timedelta(days=1), self.kind)


def _month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def _build(year: int, kind: Periodicity, index: int) -> Period:
    if kind in INSTRUMENT_NAMES:
        return Period(date(year, 1, 1), date(year, 12, 31), kind, f"{year}-{kind.value.upper()}")
    if kind is Periodicity.MONTH:
        return Period(date(year, index, 1), _month_end(year, index), kind, f"{year}-{index:02d}")
    months = LENGTH[kind]
    first_month = (index - 1) * months + 1
    return Period(
        date(year, first_month, 1),
        _month_end(year, first_month + months - 1),
        kind,
        f"{year}-{LETTER[kind]}{index}",
    )


def parse_period(text: str) -> Period:
    """``2026-Q3``, ``2026-S2``, ``2026-C1``, ``2026-09``, ``2027-ARI`` or
    ``2027-IRAL``."""
    cleaned = text.strip().upper()
    year = re.match(r"(\d{4})-", cleaned)
    if year and not EARLIEST.year <= int(year.group(1)) <= LATEST.year:
        raise PeriodError(f"«{text}»: el año debe estar entre {EARLIEST.year} y {LATEST.year}")
    match = re.fullmatch(r"(\d{4})-(ARI|IRAL)", cleaned)
    if match:
        return _build(int(match.group(1)), Periodicity(match.group(2).lower()), 1)
    match = re.fullmatch(r"(\d{4})-([QSC])([1-4])", cleaned)
    if match:
        year, letter, number = int(match.group(1)), match.group(2), int(match.group(3))
        kind = {v: k for k, v in LETTER.items()}[letter]
        if number > 12 // LENGTH[kind]:
            raise PeriodError(f"«{text}»: el año tiene {12 // LENGTH[kind]} {NOUN[kind]}s")
        return _build(year, kind, number)
    match = re.fullmatch(r"(\d{4})-(\d{2})", cleaned)
    if match and 1 <= int(match.group(2)) <= 12:
        return _build(int(match.group(1)), Periodicity.MONTH, int(match.group(2)))
    raise PeriodError(
        f"«{text}» no es un periodo; use AAAA-QN (trimestre), AAAA-SN (semestre), "
        "AAAA-CN (cuatrimestre), AAAA-MM (mes), AAAA-ARI o AAAA-IRAL"
    )


def period_containing(day: date, kind: Periodicity | str) -> Period:
    """The period of ``kind`` that ``day`` falls in (for an instrument: the
    one planning ``day``'s year)."""
    kind = Periodicity(kind)
    if kind in INSTRUMENT_NAMES:
        return _build(day.year, kind, 1)
    if kind is Periodicity.MONTH:
        return _build(day.year, kind, day.month)
    return _build(day.year, kind, (day.month - 1) // LENGTH[kind] + 1)


def first_business_day_after(period: Period, calendar: BusinessCalendar) -> date:
    return calendar.add(period.end, 1)


def due_on(period: Period, calendar: BusinessCalendar) -> date:
    """The day a period's package is due: the first business day after it
    ends; for an ARI or IRAL, the first business day of April or December
    of the year before the one it plans."""
    if period.kind in INSTRUMENT_DUE_MONTH:
        month = INSTRUMENT_DUE_MONTH[period.kind]
        return calendar.roll_forward(date(period.start.year - 1, month, 1))
    return first_business_day_after(period, calendar)


def due_periods(
    kind: Periodicity | str, since: date, day: date, calendar: BusinessCalendar
) -> list[Period]:
    """The periods of a protocol whose package is due on or before ``day``:
    those starting on or after ``since`` whose first business day after
    their end has come; for an ARI or IRAL, those due (:func:`due_on`) on
    or after ``since``. (Which of them were already sent is the caller's
    business.)"""
    found: list[Period] = []
    period = period_containing(since, kind)
    if period.is_instrument:
        while due_on(period, calendar) < since:
            period = period.following()
    elif period.start < since:
        period = period.following()
    while due_on(period, calendar) <= day:
        found.append(period)
        period = period.following()
    return found
