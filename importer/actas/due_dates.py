"""Due dates as actas state them, relative to the acta's date and the
región's business calendar.

Pure functions of the text, the acta date and a
:class:`models.calendar.BusinessCalendar`. Stated dates are *found*
(``21 de septiembre de 2026``; ``21 de septiembre``, the next one on or after
the acta; ``21/09/2026``; ``en 15 días``; ``en 10 días hábiles``, kept as the
``N días hábiles`` the importer counts itself); periods are *guessed* as their
last business day (``a fines de octubre``, ``durante noviembre``, ``primer
semestre de 2027``). Words that set a deadline without a date (``antes de la
próxima sesión``) are returned without one. No date words, no date: a date
that names another document ("el acta N° 12 del 10 de septiembre"), a start
("a partir del 1 de octubre") or a past day is not a deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import dateparser

from config.i18n import plural
from importer.actas.amounts import number_in_words
from importer.actas.date_words import (
    ACTA_TAIL,
    BUSINESS,
    CALENDAR,
    EXPLICIT,
    ISO,
    MEETING,
    MONTH_NAMES,
    MONTHS,
    NEXT_WEEK,
    NUMERIC,
    PART_OF_MONTH,
    PERIOD,
    REFERENCE,
    STRONG_RE,
    UNDATED,
    WHOLE_MONTH,
    WHOLE_YEAR,
    YEAR_END,
)
from importer.actas.proposal import Found
from models.calendar import BusinessCalendar


@dataclass(frozen=True)
class DueDate:
    """A deadline stated in a text: the ``plazo`` cell (ISO date, ``N días
    hábiles`` or empty when the words give no date), the words as written
    (``plazo_texto``), their span, how it was obtained, the day it means
    (business-day terms counted with the calendar), whether a deadline word
    introduced it, and a remark for the gerente when one is due."""

    plazo: str
    text: str
    start: int
    end: int
    state: Found
    day: date | None
    marked: bool = False
    remark: str = ""

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


def _last_business_day(calendar: BusinessCalendar, day: date) -> date:
    """``day`` when it is a business day, else the business day before."""
    return day if calendar.is_business_day(day) else calendar.add(day, -1)


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _year_of(month: int, match: re.Match[str], acta: date) -> int:
    """The stated year, or the first year in which the month is not over
    by the acta's date."""
    if match["year"]:
        return int(match["year"])
    if match["this"]:
        return acta.year
    return acta.year if month >= acta.month else acta.year + 1


def _parts(match: re.Match[str], acta: date | None) -> tuple[int, int, int | None]:
    """Day, month and year (``None`` when not written) of a date match."""
    groups = match.re.groupindex
    if "nmonth" in groups:
        month, raw = int(match["nmonth"]), match["nyear"]
        year = int(raw) + (2000 if len(raw) == 2 else 0) if raw else None
    elif "imonth" in groups:
        month, year = int(match["imonth"]), int(match["iyear"])
    else:
        month = MONTHS[match["month"].lower()]
        year = int(match["year"]) if match["year"] else None
        if match["this"] and acta:
            year = acta.year
    day = 1 if match["day"].lower() == "primero" else int(match["day"])
    return day, month, year


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else number_in_words(text)


def _parse_day(day: int, month: int, year: int | None, acta: date) -> date | None:
    """dateparser reads the day (the next on or after the acta when no year
    is given); ``None`` for an impossible date."""
    words = f"{day} de {MONTH_NAMES[month - 1]}" + (f" de {year}" if year else "")
    settings = {
        "RELATIVE_BASE": datetime.combine(acta - timedelta(days=1), datetime.min.time()),
        "PREFER_DATES_FROM": "future",
        "DATE_ORDER": "DMY",
        "REQUIRE_PARTS": ["day", "month"],
    }
    parsed = dateparser.parse(words, languages=["es"], settings=settings)  # type: ignore[arg-type]
    return parsed.date() if parsed else None


class _Reader:
    """Collects the candidate deadlines of one text."""

    def __init__(self, text: str, acta: date | None, calendar: BusinessCalendar) -> None:
        self.text, self.acta, self.calendar = text, acta, calendar
        self.found: list[DueDate] = []

    def add(self, match: re.Match[str], state: Found, day: date | None, **kw: object) -> None:
        start, end = match.span()
        words = self.text[start:end].strip(" ,")
        start += len(self.text[start:end]) - len(self.text[start:end].lstrip(" ,"))
        marker = match.groupdict().get("marker")
        plazo = kw.pop("plazo", day.isoformat() if day else "")
        if day is None and state is not Found.MISSING and not plazo:
            state = Found.MISSING
            kw.setdefault("remark", "falta la fecha del acta para calcular el plazo")
        marked = bool(marker and STRONG_RE.fullmatch(marker.strip()))
        due = DueDate(str(plazo), words, start, start + len(words), state, day, marked, **kw)  # type: ignore[arg-type]
        self.found.append(due)

    def explicit(self) -> None:
        matches = [*EXPLICIT.finditer(self.text), *NUMERIC.finditer(self.text)]
        for match in [*matches, *ISO.finditer(self.text)]:
            marker = (match["marker"] or "").strip()
            strong = bool(marker and STRONG_RE.fullmatch(marker))
            body_start = match.start("day")
            left = self.text[max(0, body_start - 60) : body_start]
            if not strong and not MEETING.search(left) and REFERENCE.search(left):
                continue
            day_number, month, year = _parts(match, self.acta)
            if "nmonth" in match.re.groupindex and year is None and not strong:
                continue  # "1/2" alone is a fraction, not a date
            if not (1 <= month <= 12 and 1 <= day_number <= 31):
                continue
            if year is None and self.acta is None:
                self.add(match, Found.MISSING, None)
                continue
            day = _parse_day(day_number, month, year, self.acta or date(year or 2000, 1, 1))
            if day is None:
                continue
            if year is None and not strong and self.acta and (day - self.acta).days > 180:
                continue  # "el 13 de agosto" in September names the past one
            if self.acta and day < self.acta:
                if strong:
                    self.add(match, Found.MISSING, None, remark="la fecha es anterior al acta")
                continue
            self.add(match, Found.FOUND, day)

    def business_days(self) -> None:
        for match in BUSINESS.finditer(self.text):
            count = _number(match["n"])
            if not count or count > 999:
                continue
            plazo = plural(count, "{n} día hábil", "{n} días hábiles")
            day = self.calendar.add(self.acta, count) if self.acta else None
            tail = (match["tail"] or "").strip()
            if tail and not ACTA_TAIL.search(tail):
                remark = "el plazo se cuenta desde otro hecho, no desde la fecha del acta"
                self.add(match, Found.GUESSED, day, plazo=plazo, remark=remark)
            else:
                self.add(match, Found.FOUND, day, plazo=plazo)

    def calendar_days(self) -> None:
        for match in CALENDAR.finditer(self.text):
            count = _number(match["n"])
            if not count or count > 999:
                continue
            if self.acta is None:
                self.add(match, Found.MISSING, None)
                continue
            unit = match["unit"].lower()
            tail = (match["tail"] or "").strip()
            state = Found.GUESSED if tail and not ACTA_TAIL.search(tail) else Found.FOUND
            if unit.startswith("mes"):
                month = self.acta.month - 1 + count
                year, month = self.acta.year + month // 12, month % 12 + 1
                day = min(
                    _month_end(year, month), date(year, month, 1) + timedelta(self.acta.day - 1)
                )
                self.add(match, Found.GUESSED, day)
            else:
                self.add(
                    match,
                    state,
                    self.acta + timedelta(days=count * (7 if unit.startswith("semana") else 1)),
                )

    def periods(self) -> None:
        acta = self.acta
        for match in PART_OF_MONTH.finditer(self.text):
            if acta is None:
                self.add(match, Found.MISSING, None)
                continue
            month = MONTHS[match["month"].lower()]
            year = _year_of(month, match, acta)
            part = (match["part"] or "fines").lower()
            if part in {"mediados"}:
                day = self.calendar.roll_forward(date(year, month, 15))
            elif part in {"principios", "inicios", "comienzos"}:
                day = _last_business_day(self.calendar, date(year, month, 10))
            else:
                day = _last_business_day(self.calendar, _month_end(year, month))
            self.add(match, Found.GUESSED, day)
        for match in WHOLE_MONTH.finditer(self.text):
            if acta is None:
                self.add(match, Found.MISSING, None)
                continue
            month = MONTHS[match["month"].lower()]
            year = _year_of(month, match, acta)
            end = _month_end(year, month)
            if match["marker"].lower().startswith("antes"):
                end = date(year, month, 1) - timedelta(days=1)
            if end >= acta:
                self.add(match, Found.GUESSED, _last_business_day(self.calendar, end))
        for match in PERIOD.finditer(self.text):
            digit = next(ch for ch in match["ord"].lower() + "1" if ch in "1234")
            index = {"primer": 1, "segundo": 2, "tercer": 3, "cuarto": 4}.get(
                match["ord"].lower(), int(digit)
            )
            months = 6 if match["period"].lower() == "semestre" else 3
            if index * months > 12 or (acta is None and not match["year"]):
                continue
            year = int(match["year"]) if match["year"] else acta.year if acta else 0
            if (
                not match["year"]
                and not match["this"]
                and acta
                and _month_end(year, index * months) < acta
            ):
                year += 1
            day = _last_business_day(self.calendar, _month_end(year, index * months))
            if acta is None or day >= acta:
                self.add(match, Found.GUESSED, day)
        for match in [*YEAR_END.finditer(self.text), *WHOLE_YEAR.finditer(self.text)]:
            if acta is None and not match["year"]:
                continue
            year = int(match["year"]) if match["year"] else acta.year if acta else 0
            month = (
                acta.month if match.groupdict().get("unit", "").lower() == "mes" and acta else 12
            )
            day = _last_business_day(self.calendar, _month_end(year, month))
            if acta is None or day >= acta:
                self.add(match, Found.GUESSED, day)
        for match in NEXT_WEEK.finditer(self.text):
            if acta is not None:
                friday = acta + timedelta(days=7 - acta.weekday() + 4)
                self.add(match, Found.GUESSED, _last_business_day(self.calendar, friday))
        for match in UNDATED.finditer(self.text):
            self.add(match, Found.MISSING, None, remark="el plazo no indica una fecha")


def find_due_dates(text: str, acta: date | None, calendar: BusinessCalendar) -> list[DueDate]:
    """Every deadline stated in ``text``, best first: dated before undated,
    introduced by a deadline word ("antes del", "a más tardar") before the
    rest, then in order of appearance. Overlapping readings keep the longest."""
    reader = _Reader(text, acta, calendar)
    reader.explicit()
    reader.business_days()
    reader.calendar_days()
    reader.periods()
    kept: list[DueDate] = []
    for due in sorted(reader.found, key=lambda d: (d.start, d.start - d.end)):
        if all(due.end <= other.start or due.start >= other.end for other in kept):
            kept.append(due)
    return sorted(kept, key=lambda d: (d.day is None and not d.plazo, not d.marked, d.start))


def find_due_date(text: str, acta: date | None, calendar: BusinessCalendar) -> DueDate | None:
    """The deadline of ``text`` (the first of :func:`find_due_dates`), or
    ``None`` when no words in it state one."""
    found = find_due_dates(text, acta, calendar)
    return found[0] if found else None
