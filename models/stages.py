"""The reminder policy (contracts.md, "Default reminder policy") as pure
functions of a due date, a day and a región's business calendar.

With E the effective due date, the stages are the business days E-10, E-5,
E-1, E, E+5, E+10, E+15, ... A stage is named by its offset in business days
from E. A cycle on business day D sends, for each open commitment, its
latest stage S <= D unless S was already sent (earlier unsent stages are
dropped); nothing is sent for a stage dated before the acta. The responsable
hears of every stage, the gerente of the stages after E, the director of
E+10 and later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from models.calendar import BusinessCalendar

BEFORE = (-10, -5, -1)
AFTER_EVERY = 5
GERENTE_FROM = 1
DIRECTOR_FROM = 10


class Audience(StrEnum):
    RESPONSABLE = "responsable"
    GERENTE = "gerente"
    DIRECTOR = "director"


def offset_at(distance: int) -> int | None:
    """The offset of the latest stage at ``distance`` business days from E
    (negative before E), or ``None`` before the first stage."""
    if distance >= 0:
        return distance - distance % AFTER_EVERY
    candidates = [offset for offset in BEFORE if offset <= distance]
    return candidates[-1] if candidates else None


def next_offset(offset: int) -> int:
    """The stage after ``offset``: -10 → -5 → -1 → 0 → 5 → 10 → ..."""
    if offset < 0:
        later = [o for o in (*BEFORE, 0) if o > offset]
        return later[0]
    return offset + AFTER_EVERY


@dataclass(frozen=True)
class Stage:
    offset: int
    on: date

    @property
    def audiences(self) -> tuple[Audience, ...]:
        """Who hears about a commitment at this stage."""
        return audiences_for(self.offset)


def audiences_for(offset: int) -> tuple[Audience, ...]:
    audiences = [Audience.RESPONSABLE]
    if offset >= GERENTE_FROM:
        audiences.append(Audience.GERENTE)
    if offset >= DIRECTOR_FROM:
        audiences.append(Audience.DIRECTOR)
    return tuple(audiences)


def stage_on(due: date, offset: int, calendar: BusinessCalendar) -> date:
    """The business day of stage ``offset`` for effective due date ``due``."""
    return calendar.add(due, offset)


def latest_stage(due: date, day: date, calendar: BusinessCalendar, acta_date: date) -> Stage | None:
    """The stage a cycle on ``day`` is about, or ``None``: before the first
    stage, on a day that is not a business day of the región, or when the
    latest stage is dated before the acta (it was never due)."""
    if not calendar.is_business_day(day):
        return None
    offset = offset_at(calendar.between(due, day))
    if offset is None:
        return None
    on = stage_on(due, offset, calendar)
    if on < acta_date:
        return None
    return Stage(offset, on)


def first_stage_on(due: date, calendar: BusinessCalendar, acta_date: date) -> date:
    """The date of the first stage not dated before the acta: where a new
    commitment (or a new due date) starts its reminders."""
    offset = BEFORE[0]
    on = stage_on(due, offset, calendar)
    while on < acta_date:
        offset = next_offset(offset)
        on = stage_on(due, offset, calendar)
    return on


def distance_words(due: date, day: date, calendar: BusinessCalendar) -> str:
    """``vence en 5 días hábiles``, ``vence hoy``, ``vencido hace 3 días
    hábiles`` (singular for one); ``vencido`` on a non-business day right
    after the due date (no business day has passed)."""
    if due == day:
        return "vence hoy"
    distance = calendar.between(day, due)
    if due > day:
        return f"vence en {distance} {_days(distance)}"
    if distance == 0:
        return "vencido"
    return f"vencido hace {-distance} {_days(-distance)}"


def _days(count: int) -> str:
    return "día hábil" if count == 1 else "días hábiles"
