"""The subject of a digest: the territory and the most urgent fact first,
``Loa Emprende: 2 compromisos vencidos, 1 vence hoy``; with several
territories, the most urgent one and how many more (``Loa Emprende y 2
territorios más: …``). A pure function of the digest's entries, in es-CL
with plurals through gettext."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from config import i18n
from planning.policy import Entry

plural = functools.lru_cache(maxsize=4096)(i18n.plural)
""":func:`config.i18n.plural`, cached: a national cycle words the same few
counts over a thousand subjects, and Babel formats each number in ~15 µs."""


@dataclass(frozen=True)
class Counts:
    """What a group of digest entries holds, by urgency."""

    overdue: int = 0
    returned: int = 0
    today: int = 0
    to_verify: int = 0
    upcoming: int = 0
    earliest: date = date.max

    @staticmethod
    def of(entries: Sequence[Entry]) -> Counts:
        overdue = returned = today = to_verify = upcoming = 0
        earliest = date.max
        for e in entries:  # one pass: a national cycle counts ~17,000 entries
            if e.to_verify:
                to_verify += 1
            else:
                earliest = min(earliest, e.due_date)
                if e.overdue:
                    overdue += 1
                elif e.today:
                    today += 1
                else:
                    upcoming += 1
            returned += bool(e.returned_reason)
        return Counts(overdue, returned, today, to_verify, upcoming, earliest)

    def urgency(self) -> tuple[int, int, int, int, date]:
        """Sorts the most urgent first (more overdue, more returned, more
        due today, more to verify, the nearest due date)."""
        return (-self.overdue, -self.returned, -self.today, -self.to_verify, self.earliest)


def _facts(counts: Counts) -> list[str]:
    """The facts of ``counts``, most urgent first; the first one names the
    noun (``2 compromisos vencidos, 1 vence hoy``)."""
    facts: list[str] = []
    if counts.overdue:
        facts.append(plural(counts.overdue, "{n} compromiso vencido", "{n} compromisos vencidos"))
    if counts.returned:
        facts.append(plural(counts.returned, "{n} informe devuelto", "{n} informes devueltos"))
    if counts.today:
        if facts:
            facts.append(plural(counts.today, "{n} vence hoy", "{n} vencen hoy"))
        else:
            facts.append(
                plural(counts.today, "{n} compromiso vence hoy", "{n} compromisos vencen hoy")
            )
    if counts.to_verify:
        facts.append(
            plural(counts.to_verify, "{n} informe por verificar", "{n} informes por verificar")
        )
    if counts.upcoming:
        if facts:
            facts.append(plural(counts.upcoming, "{n} por vencer", "{n} por vencer"))
        else:
            facts.append(
                plural(counts.upcoming, "{n} compromiso por vencer", "{n} compromisos por vencer")
            )
    return facts


def digest_subject(entries: Sequence[Entry]) -> str:
    """The subject of a digest with ``entries`` (at least one).

    One entry: its territory and its distance to the due date
    (``Loa Emprende: compromiso vencido hace 3 días hábiles``) or the report
    to verify. Several: the counts of the whole digest, most urgent first."""
    if not entries:
        raise ValueError("a digest has at least one entry")
    territories: dict[str, list[Entry]] = {}
    for entry in entries:
        territories.setdefault(entry.territory, []).append(entry)
    ranked = (
        sorted(territories, key=lambda name: (Counts.of(territories[name]).urgency(), name))
        if len(territories) > 1
        else list(territories)
    )
    head = ranked[0]
    others = len(ranked) - 1
    if others:
        more = plural(others, "{n} territorio más", "{n} territorios más")
        head = f"{head} y {more}"
    if len(entries) == 1:
        only = entries[0]
        if only.to_verify:
            return f"{head}: informe de cumplimiento por verificar"
        fact = f"compromiso {only.distance}"
        if only.returned_reason:
            fact = f"informe devuelto, {fact}"
        return f"{head}: {fact}"
    return f"{head}: {', '.join(_facts(Counts.of(entries)))}"
