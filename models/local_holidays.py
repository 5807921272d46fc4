"""Holidays that the law gives to some comunas, not to a whole región.

The ``holidays`` package knows holidays by región (ISO 3166-2 subdivision).
Ley 20.768 (the ``holidays`` package and the issue call it 20.678) declares
20 August a holiday "para las comunas de Chillán y Chillán Viejo" only, yet
the package gives it to every comuna of Ñuble (subdivision ``NB``), and
from 2014. Each rule here takes its holiday away from the región and gives
it back to the places the law names; ``tests/test_local_holidays.py``
reads the law's text in ``models/laws/`` and holds the rule to it.

A place is a set of comunas (CUT codes). A rule applies to a place when
the place is not empty and every comuna of it is one the law names: a
commitment whose money lands in Chillán alone rests on 20 August; one that
also lands in San Carlos does not, because its deadline binds people in a
comuna that works that day (the stricter reading, which never lets a
deadline slip past a day some of its parties work).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class LocalHoliday:
    """A holiday of some comunas: ``key`` names it in a commitment's
    ``local_calendar``; ``first_year`` is the first year it was observed;
    ``package_subdivision`` and ``package_name`` identify the entry the
    ``holidays`` package gives the whole región instead (removed there)."""

    key: str
    law: str
    law_file: str
    month: int
    day: int
    name: str
    comunas: frozenset[str]
    comuna_names: tuple[str, ...]
    first_year: int
    package_subdivision: str
    package_name: str

    def falls_on(self, day: date) -> bool:
        return (day.month, day.day) == (self.month, self.day) and day.year >= self.first_year


LOCAL_HOLIDAYS: tuple[LocalHoliday, ...] = (
    LocalHoliday(
        key="ley-20768",
        law="Ley 20.768",
        law_file="ley_20768.txt",
        month=8,
        day=20,
        name="Nacimiento del Prócer de la Independencia (Chillán y Chillán Viejo)",
        comunas=frozenset({"16101", "16103"}),
        comuna_names=("Chillán", "Chillán Viejo"),
        # Promulgated in Chillán Viejo on 20 August 2014 and in force from its
        # publication afterwards: the first 20 August it made a holiday is
        # 2015's (the package starts in 2014).
        first_year=2015,
        package_subdivision="NB",
        package_name="Chillán y Chillán Viejo",
    ),
)

RULES_BY_KEY: dict[str, LocalHoliday] = {rule.key: rule for rule in LOCAL_HOLIDAYS}


def local_calendar_key(comuna_codes: Iterable[str]) -> str:
    """The local rules that apply to a place, as the comma-joined keys a
    commitment stores (``""`` when none does, or the place is unknown)."""
    place = frozenset(comuna_codes)
    if not place:
        return ""
    return ",".join(sorted(rule.key for rule in LOCAL_HOLIDAYS if place <= rule.comunas))


def rules_of(key: str) -> tuple[LocalHoliday, ...]:
    """The rules a stored ``local_calendar`` names (unknown keys raise)."""
    if not key:
        return ()
    return tuple(RULES_BY_KEY[part] for part in key.split(","))
