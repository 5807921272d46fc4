"""The daily plan as a pure function of the due commitments, what was
already sent, the contacts and the day (no database, no clock).

Three kinds of reminder (``models.reminders.ReminderKind``):
- deadline stages of open commitments (``models.stages``), to the
  responsable, the gerente after the due date and the director from E+10;
- a report waiting for verification (``informado``): the territory's
  gerente hears of it on the business day after the reported date and again
  every :data:`VERIFY_EVERY` business days while it waits ("Por
  verificar"); the responsable is no longer reminded of it;
- a report returned by the gerente: the responsable reads the reason in the
  next digest, once.
Each person gets one digest a day with one entry per commitment."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from models.calendar import BusinessCalendar, calendar_for
from models.reminders import ReminderKind
from models.stages import (
    Audience,
    Stage,
    distance_words,
    first_stage_on,
    latest_stage,
    next_offset,
    stage_on,
)

T = TypeVar("T")
VERIFY_EVERY = 5
"""Business days between reminders of a report waiting for verification."""
ROLE_WORDS = {
    Audience.RESPONSABLE: "responsable",
    Audience.GERENTE: "gerente del territorio",
    Audience.DIRECTOR: "director(a) regional de la institución",
}


@dataclass(frozen=True)
class Returned:
    """The gerente's latest return of a report: when, why, and its place in
    the history (a return is announced once)."""

    on: date
    reason: str
    position: int


@dataclass(frozen=True)
class DueCommitment:
    """An open commitment whose next reminder date has come."""

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
    status: str = "pendiente"
    reported_on: date | None = None
    returned: Returned | None = None
    local_calendar: str = ""
    """The commitment's local holidays (``Commitment.local_calendar``)."""


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


ReminderKey = tuple[str, date, int]
"""``(kind, date, stage)`` of a reminder of one commitment."""


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
    """Business days since the due date (negative before it); for a report
    to verify, business days since the report."""
    kind: str = ReminderKind.DEADLINE
    reported_on: date | None = None
    returned_reason: str | None = None
    keys: tuple[ReminderKey, ...] = ()
    responsable: Person | None = None
    """Who answers for the commitment (named in escalations)."""
    gerentes: tuple[Person, ...] = ()
    """The territory's gerentes (named in escalations; a responsable's
    replies go to them)."""

    @property
    def overdue(self) -> bool:
        return self.kind == ReminderKind.DEADLINE and self.stage > 0

    @property
    def today(self) -> bool:
        return self.kind == ReminderKind.DEADLINE and self.stage == 0

    @property
    def to_verify(self) -> bool:
        return self.kind == ReminderKind.VERIFICATION


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
        content = ",".join(
            f"{e.commitment_id}:{key[0]}:{key[1]}:{key[2]}" for e in self.entries for key in e.keys
        )
        return hashlib.sha256(content.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class PlannedReminder:
    commitment_id: int
    due_date: date
    stage: Stage
    kind: str = ReminderKind.DEADLINE


@dataclass
class DayPlan:
    reminders: list[PlannedReminder] = field(default_factory=list)
    digests: list[Digest] = field(default_factory=list)
    next_stage_on: dict[int, date] = field(default_factory=dict)


def _sort_key(entry: Entry) -> tuple[bool, date, int]:
    # Reports to verify first, then by due date: the most overdue, those due
    # today, the nearest upcoming.
    return (not entry.to_verify, entry.due_date, entry.commitment_id)


Linker = Callable[[int, Audience], str]
"""The link an entry carries, by commitment and audience."""
Sent = set[tuple[int, str, date, int]]
"""``(commitment id, kind, date, stage)`` of every reminder already planned."""


def verification_stage(reported_on: date, day: date, calendar: BusinessCalendar) -> Stage | None:
    """The reminder of a report waiting on ``day``: the business days
    ``reported_on + 1``, ``+ 6``, ``+ 11``…; ``None`` before the first."""
    waited = calendar.between(reported_on, day)
    if waited < 1:
        return None
    offset = 1 + (waited - 1) // VERIFY_EVERY * VERIFY_EVERY
    return Stage(offset, calendar.add(reported_on, offset))


def plan_day(
    day: date,
    due: list[DueCommitment],
    sent: Sent,
    contacts: Contacts,
    link: Linker,
) -> DayPlan:
    """For each due commitment, what is due on ``day`` and not sent yet,
    grouped into one digest per recipient with one entry per commitment.
    ``link`` gives each entry its link (a responsable's is signed, to report
    without an account)."""
    plan = DayPlan()
    digests: dict[str, Digest] = {}
    for commitment in due:
        calendar = calendar_for(commitment.region_iso, commitment.local_calendar)
        if not calendar.is_business_day(day):
            continue  # nothing is sent on a non-business day of the commitment's place
        if commitment.status == "informado":
            lines = _verification(commitment, day, sent, calendar, plan)
        else:
            lines = _deadline(commitment, day, sent, calendar, plan)
        for audience, entry in lines:
            for person in _people(commitment, audience, contacts):
                digest = digests.setdefault(person.email, Digest(person.email, person.name))
                if commitment.id in digest.audiences:
                    continue  # one entry per commitment, whatever the roles
                digest.audiences[commitment.id] = audience
                words = ROLE_WORDS[audience]
                digest.entries.append(
                    Entry(
                        **entry,
                        link=link(commitment.id, audience),
                        role=words,
                        responsable=contacts.responsables.get(commitment.responsable_id),
                        gerentes=tuple(contacts.gerentes.get(commitment.territory_id, [])),
                    )
                )
    for digest in digests.values():
        digest.entries.sort(key=_sort_key)
    plan.digests = sorted(digests.values(), key=lambda d: d.recipient)
    return plan


def reply_gerentes(
    recipient: str, answered: Iterable[tuple[T, Sequence[Person]]]
) -> list[tuple[Person, T]]:
    """Whom a recipient's reply reaches: the gerentes of the territories
    (``T``, a name or an id) of the commitments the recipient answers for as
    responsable, each once, in order, never the recipient. Empty when there
    are none (a gerente's or director's digest, a territory without
    gerente): the reply then goes to the programme's coordination."""
    found: list[tuple[Person, T]] = []
    seen = {recipient.lower()}
    for territory, gerentes in answered:
        for gerente in gerentes:
            if gerente.email.lower() not in seen:
                seen.add(gerente.email.lower())
                found.append((gerente, territory))
    return found


def digest_reply_gerentes(digest: Digest) -> list[tuple[Person, str]]:
    """:func:`reply_gerentes` of a planned digest, by territory name."""
    return reply_gerentes(
        digest.recipient,
        (
            (entry.territory, entry.gerentes)
            for entry in digest.entries
            if digest.audiences.get(entry.commitment_id) is Audience.RESPONSABLE
        ),
    )


def _base(commitment: DueCommitment, day: date, calendar: BusinessCalendar) -> dict[str, object]:
    return {
        "commitment_id": commitment.id,
        "text": commitment.text,
        "institution": commitment.institution,
        "territory": commitment.territory,
        "amount": commitment.amount,
        "plazo": commitment.plazo,
        "due_date": commitment.due_date,
        "distance": distance_words(commitment.due_date, day, calendar),
        "acta": commitment.acta_label,
    }


def _verification(
    commitment: DueCommitment, day: date, sent: Sent, calendar: BusinessCalendar, plan: DayPlan
) -> list[tuple[Audience, dict[str, object]]]:
    reported = commitment.reported_on
    if reported is None:  # an informado row always has its date; never guess one
        raise ValueError(f"commitment {commitment.id} is informado without a reported date")
    stage = verification_stage(reported, day, calendar)
    if stage is None:
        plan.next_stage_on[commitment.id] = calendar.add(reported, 1)
        return []
    plan.next_stage_on[commitment.id] = calendar.add(reported, stage.offset + VERIFY_EVERY)
    key = (ReminderKind.VERIFICATION.value, reported, stage.offset)
    if (commitment.id, *key) in sent:
        return []
    plan.reminders.append(
        PlannedReminder(commitment.id, reported, stage, ReminderKind.VERIFICATION)
    )
    entry = {
        **_base(commitment, day, calendar),
        "stage": stage.offset,
        "kind": ReminderKind.VERIFICATION.value,
        "reported_on": reported,
        "keys": (key,),
    }
    return [(Audience.GERENTE, entry)]


def _deadline(
    commitment: DueCommitment, day: date, sent: Sent, calendar: BusinessCalendar, plan: DayPlan
) -> list[tuple[Audience, dict[str, object]]]:
    stage = latest_stage(commitment.due_date, day, calendar, commitment.acta_date)
    if stage is None:
        plan.next_stage_on[commitment.id] = _next_after(commitment, calendar)
    else:
        plan.next_stage_on[commitment.id] = stage_on(
            commitment.due_date, next_offset(stage.offset), calendar
        )
    keys: list[tuple[str, date, int]] = []
    audiences: tuple[Audience, ...] = ()
    if stage is not None:
        key = (ReminderKind.DEADLINE.value, commitment.due_date, stage.offset)
        if (commitment.id, *key) not in sent:
            plan.reminders.append(PlannedReminder(commitment.id, commitment.due_date, stage))
            keys.append(key)
            audiences = stage.audiences
    returned = commitment.returned
    reason = None
    if returned is not None and returned.on >= day:
        announce = calendar.add(returned.on, 1)
        plan.next_stage_on[commitment.id] = min(plan.next_stage_on[commitment.id], announce)
    if returned is not None and returned.on < day:
        key = (ReminderKind.RETURNED.value, returned.on, returned.position)
        if (commitment.id, *key) not in sent:
            plan.reminders.append(
                PlannedReminder(
                    commitment.id, returned.on, Stage(returned.position, returned.on),
                    ReminderKind.RETURNED,
                )
            )  # fmt: skip
            keys.append(key)
            reason = returned.reason
            if Audience.RESPONSABLE not in audiences:
                audiences = (Audience.RESPONSABLE, *audiences)
    if not keys:
        return []
    entry = {
        **_base(commitment, day, calendar),
        "stage": calendar.between(commitment.due_date, day),
        "kind": ReminderKind.DEADLINE.value,
        "returned_reason": reason,
        "keys": tuple(keys),
    }
    return [(audience, entry) for audience in audiences]


def _next_after(commitment: DueCommitment, calendar: BusinessCalendar) -> date:
    """Where a commitment with no stage on a business day goes next: its
    first stage not dated before the acta. (No stage on the day means either
    that the first stage is still to come, or that the latest one predates
    the acta; in both cases the first stage after the acta is later than
    the day.)"""
    return first_stage_on(commitment.due_date, calendar, commitment.acta_date)


def _people(commitment: DueCommitment, audience: Audience, contacts: Contacts) -> list[Person]:
    if audience is Audience.RESPONSABLE:
        person = contacts.responsables.get(commitment.responsable_id)
        return [person] if person else []
    if audience is Audience.GERENTE:
        return contacts.gerentes.get(commitment.territory_id, [])
    return contacts.directors.get((commitment.institution_id, commitment.region_id), [])
