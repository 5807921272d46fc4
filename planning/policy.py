"""The daily plan as a pure function of the due commitments, what was
already sent, the contacts and the day (no database, no clock)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from models.calendar import calendar_for
from models.stages import (
    Audience,
    Stage,
    distance_words,
    first_stage_on,
    latest_stage,
    next_offset,
    stage_on,
)

ROLE_WORDS = {
    Audience.RESPONSABLE: "responsable",
    Audience.GERENTE: "gerente del territorio",
    Audience.DIRECTOR: "director(a) regional de la institución",
}


@dataclass(frozen=True)
class DueCommitment:
    """An open commitment whose next stage date has come."""

    id: int
    region_id: int
    region_iso: str
    territory_id: int
    territory: str
    institution_id: int
    institution: str
    responsable_id: int
    text: str
    amount: int | None
    plazo: date
    due_date: date
    acta_date: date
    acta_label: str


@dataclass(frozen=True)
class Person:
    email: str
    name: str | None


@dataclass(frozen=True)
class Contacts:
    """Who to reach: responsables by contact id, gerentes by territorio,
    directors by (institution, región)."""

    responsables: dict[int, Person]
    gerentes: dict[int, list[Person]]
    directors: dict[tuple[int, int], list[Person]]


@dataclass(frozen=True)
class Entry:
    """One line of a digest."""

    commitment_id: int
    text: str
    institution: str
    territory: str
    amount: int | None
    plazo: date
    due_date: date
    distance: str
    acta: str
    link: str
    role: str
    stage: int

    @property
    def overdue(self) -> bool:
        return self.stage > 0

    @property
    def today(self) -> bool:
        return self.stage == 0


@dataclass
class Digest:
    recipient: str
    recipient_name: str | None
    entries: list[Entry] = field(default_factory=list)
    audiences: dict[int, Audience] = field(default_factory=dict)

    @property
    def key_suffix(self) -> str:
        """Identifies the content: planning the same stages again gives the
        same key, and so no second message."""
        content = ",".join(f"{e.commitment_id}:{e.due_date}:{e.stage}" for e in self.entries)
        return hashlib.sha256(content.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class PlannedReminder:
    commitment_id: int
    due_date: date
    stage: Stage


@dataclass
class DayPlan:
    reminders: list[PlannedReminder] = field(default_factory=list)
    digests: list[Digest] = field(default_factory=list)
    next_stage_on: dict[int, date] = field(default_factory=dict)


def _sort_key(entry: Entry) -> tuple[int, date, int]:
    # Most overdue first, then due today, then the nearest upcoming.
    return (-entry.stage if entry.stage > 0 else 0, entry.due_date, entry.commitment_id)


Linker = Callable[[int, Audience], str]
"""The link an entry carries, by commitment and audience."""


def plan_day(
    day: date,
    due: list[DueCommitment],
    sent: set[tuple[int, date, int]],
    contacts: Contacts,
    link: Linker,
) -> DayPlan:
    """For each due commitment, its latest stage on ``day`` unless already
    sent; grouped into one digest per recipient. ``link`` gives each entry
    its link (a responsable's is signed, to report without an account)."""
    plan = DayPlan()
    digests: dict[str, Digest] = {}
    for commitment in due:
        calendar = calendar_for(commitment.region_iso)
        if not calendar.is_business_day(day):
            continue  # nothing is sent on a non-business day of the región
        stage = latest_stage(commitment.due_date, day, calendar, commitment.acta_date)
        if stage is None:
            plan.next_stage_on[commitment.id] = _next_after(commitment, day)
            continue
        plan.next_stage_on[commitment.id] = stage_on(
            commitment.due_date, next_offset(stage.offset), calendar
        )
        if (commitment.id, commitment.due_date, stage.offset) in sent:
            continue
        plan.reminders.append(PlannedReminder(commitment.id, commitment.due_date, stage))
        distance = distance_words(commitment.due_date, day, calendar)
        for audience, person in _recipients(commitment, stage, contacts):
            digest = digests.setdefault(person.email, Digest(person.email, person.name))
            if commitment.id in digest.audiences:
                continue  # one entry per commitment, whatever the roles
            digest.audiences[commitment.id] = audience
            digest.entries.append(
                Entry(
                    commitment_id=commitment.id,
                    text=commitment.text,
                    institution=commitment.institution,
                    territory=commitment.territory,
                    amount=commitment.amount,
                    plazo=commitment.plazo,
                    due_date=commitment.due_date,
                    distance=distance,
                    acta=commitment.acta_label,
                    link=link(commitment.id, audience),
                    role=ROLE_WORDS[audience],
                    stage=stage.offset,
                )
            )
    for digest in digests.values():
        digest.entries.sort(key=_sort_key)
    plan.digests = sorted(digests.values(), key=lambda d: d.recipient)
    return plan


def _next_after(commitment: DueCommitment, day: date) -> date:
    """The first stage date after ``day`` (for a commitment with no stage
    on ``day``: before its first stage, or its stage predates the acta)."""
    calendar = calendar_for(commitment.region_iso)
    on = first_stage_on(commitment.due_date, calendar, commitment.acta_date)
    offset = calendar.between(commitment.due_date, on)
    while on <= day:
        offset = next_offset(offset)
        on = stage_on(commitment.due_date, offset, calendar)
    return on


def _recipients(
    commitment: DueCommitment, stage: Stage, contacts: Contacts
) -> list[tuple[Audience, Person]]:
    found: list[tuple[Audience, Person]] = []
    for audience in stage.audiences:
        if audience is Audience.RESPONSABLE:
            person = contacts.responsables.get(commitment.responsable_id)
            people = [person] if person else []
        elif audience is Audience.GERENTE:
            people = contacts.gerentes.get(commitment.territory_id, [])
        else:
            people = contacts.directors.get((commitment.institution_id, commitment.region_id), [])
        found.extend((audience, person) for person in people)
    return found
