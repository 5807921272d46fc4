"""The state of a commitment on any date, replayed from its history.

A commitment's history starts with its ``created`` entry (the acta's
values) and goes on with recorded facts, each dated by the business date it
happened (``effective_on``). The state on a date D is what the facts dated
on or before D make of the acta's values, applied in date order (facts of
one date in the order they were recorded). :func:`replay` is that one
reconstruction; ``commitment_state`` stores its result as intervals so that
lists, dashboards, the API and the packages select "the state on D" in SQL.

Only three fields change the state: ``status``, ``executed_amount`` and
``plazo``. Notes and evidence are history without state.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from models.calendar import BusinessCalendar


class StoredStatus(StrEnum):
    """What is recorded about a commitment; the rest is derived on a date."""

    PENDIENTE = "pendiente"
    INFORMADO = "informado"
    CUMPLIDO = "cumplido"
    CANCELADO = "cancelado"


STATE_FIELDS = frozenset({"status", "executed_amount", "plazo"})
"""History fields that change a commitment's state."""


@dataclass(frozen=True, slots=True)
class State:
    """A commitment's recorded state on a date (business dates only)."""

    status: str
    executed_amount: int
    plazo: date
    due_date: date
    fulfilled_on: date | None = None
    cancelled_on: date | None = None
    reported_on: date | None = None
    verified_on: date | None = None
    verified_by: str | None = None

    @property
    def is_open(self) -> bool:
        """Still to be done: pending, or reported and waiting for verification."""
        return self.status in (StoredStatus.PENDIENTE, StoredStatus.INFORMADO)


@dataclass(frozen=True, slots=True)
class Fact:
    """One history entry as the replay reads it."""

    effective_on: date
    position: int
    field: str
    new_value: str | None
    actor: str


@dataclass(frozen=True, slots=True)
class Interval:
    """The state from ``valid_from`` until the day before ``valid_to``
    (``None``: until a later fact)."""

    valid_from: date
    valid_to: date | None
    state: State


def initial_state(plazo: date, calendar: BusinessCalendar) -> State:
    """A commitment as its acta left it: pending, nothing executed."""
    return State(
        status=StoredStatus.PENDIENTE,
        executed_amount=0,
        plazo=plazo,
        due_date=calendar.roll_forward(plazo),
    )


def _status(state: State, fact: Fact) -> State:
    wanted = fact.new_value or StoredStatus.PENDIENTE
    on = fact.effective_on
    cleared = replace(
        state,
        status=wanted,
        fulfilled_on=None,
        cancelled_on=None,
        reported_on=None,
        verified_on=None,
        verified_by=None,
    )
    if wanted == StoredStatus.INFORMADO:
        return replace(cleared, reported_on=on)
    if wanted == StoredStatus.CUMPLIDO:
        # A verified report keeps the date the responsable reported as the
        # fulfilment date; a fulfilment recorded directly is verified by the
        # same act, on its own date.
        reported = state.reported_on  # set only while informado
        return replace(
            cleared,
            fulfilled_on=reported or on,
            reported_on=reported,
            verified_on=on,
            verified_by=fact.actor,
        )
    if wanted == StoredStatus.CANCELADO:
        return replace(cleared, cancelled_on=on)
    return cleared


def apply_fact(state: State, fact: Fact, calendar: BusinessCalendar) -> State:
    """The state after one fact."""
    if fact.field == "status":
        return _status(state, fact)
    if fact.field == "executed_amount":
        return replace(state, executed_amount=int(str(fact.new_value)))
    if fact.field == "plazo" and fact.new_value:
        plazo = date.fromisoformat(fact.new_value)
        return replace(state, plazo=plazo, due_date=calendar.roll_forward(plazo))
    return state


def ordered(facts: Iterable[Fact]) -> list[Fact]:
    """Facts in the order the replay applies them."""
    return sorted(facts, key=lambda fact: (fact.effective_on, fact.position))


def replay(
    initial: State, start: date, facts: Iterable[Fact], calendar: BusinessCalendar
) -> list[Interval]:
    """The commitment's states from ``start`` (its acta date) on: one
    interval per date on which some fact changed it."""
    intervals: list[Interval] = []
    current, since = initial, start
    for fact in ordered(f for f in facts if f.field in STATE_FIELDS):
        on = max(fact.effective_on, start)
        after = apply_fact(current, fact, calendar)
        if after == current:
            continue
        if on > since:
            intervals.append(Interval(since, on, current))
            since = on
        current = after
    intervals.append(Interval(since, None, current))
    return intervals


def state_on(intervals: Sequence[Interval], day: date) -> State | None:
    """The state on ``day``, or ``None`` before the commitment existed."""
    for interval in intervals:
        if interval.valid_from <= day and (interval.valid_to is None or day < interval.valid_to):
            return interval.state
    return None


class CommitmentState(SQLModel, table=True):
    """:func:`replay`'s intervals, stored: the state of a commitment from
    ``valid_from`` until the day before ``valid_to`` (open-ended when
    ``None``). Rewritten whole for a commitment whenever its history grows."""

    __tablename__ = "commitment_state"
    __table_args__ = (
        Index("ix_commitment_state_on", "commitment_id", "valid_from"),
        Index("ix_commitment_state_valid_from", "valid_from"),
    )

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="commitment.id")
    valid_from: date
    valid_to: date | None = None
    status: str = Field(max_length=20)
    executed_amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    plazo: date
    due_date: date
    fulfilled_on: date | None = None
    cancelled_on: date | None = None
    reported_on: date | None = None
    verified_on: date | None = None
    verified_by: str | None = Field(default=None, max_length=200)


def state_rows(commitment_id: int, intervals: Sequence[Interval]) -> list[dict[str, object]]:
    """The ``commitment_state`` rows of a commitment's intervals."""
    return [
        {
            "commitment_id": commitment_id,
            "valid_from": interval.valid_from,
            "valid_to": interval.valid_to,
            "status": interval.state.status,
            "executed_amount": interval.state.executed_amount,
            "plazo": interval.state.plazo,
            "due_date": interval.state.due_date,
            "fulfilled_on": interval.state.fulfilled_on,
            "cancelled_on": interval.state.cancelled_on,
            "reported_on": interval.state.reported_on,
            "verified_on": interval.state.verified_on,
            "verified_by": interval.state.verified_by,
        }
        for interval in intervals
    ]
