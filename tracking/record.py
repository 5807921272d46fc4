"""Appending to a commitment's history: the one place that writes it.

Every recorded change (an update, a report, a verification, a return, a
reopening, a piece of evidence) becomes history entries appended to the
commitment's chain under its row lock; then the state intervals are
replayed from the whole history and the commitment row keeps the last one.
The unique (commitment, position) pair stops two writers from forking a
chain even where the database has no row locks (SQLite)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import delete, exists, func, insert, or_, select
from sqlmodel import Session

from models.calendar import BusinessCalendar, calendar_for
from models.chain import GENESIS, link_hash
from models.commitments import Acta, Commitment, CommitmentDeadline, CommitmentEvent
from models.geography import Region
from models.history import (
    STATE_FIELDS,
    CommitmentState,
    Fact,
    Interval,
    State,
    initial_state,
    replay,
    state_rows,
)
from models.packages import Package, PackageDelivery
from models.stages import first_stage_on
from tracking.errors import NotFound


@dataclass(frozen=True)
class Entry:
    """A history entry to append."""

    field: str
    old: str | None
    new: str | None
    reason: str | None
    effective_on: date
    rectifies: str | None = None


@dataclass(frozen=True)
class ClosedPeriod:
    """A period of the región whose package was already sent."""

    key: str
    start: date
    end: date


@dataclass
class Loaded:
    """A commitment locked for a change, with what the rules need."""

    commitment: Commitment
    acta_date: date
    calendar: BusinessCalendar
    events: list[CommitmentEvent]
    closed: list[ClosedPeriod] = field(default_factory=list)

    @property
    def state(self) -> State:
        return current_state(self.commitment)

    def latest(self) -> dict[str, date]:
        """The latest business date recorded for each state field."""
        found: dict[str, date] = {}
        for event in self.events:
            if event.field in STATE_FIELDS:
                found[event.field] = max(found.get(event.field, event.effective_on),
                                         event.effective_on)  # fmt: skip
        return found

    def closed_period(self, day: date) -> str | None:
        """The key of a sent period that contains ``day``, if any."""
        for period in self.closed:
            if period.start <= day <= period.end:
                return period.key
        return None


def current_state(commitment: Commitment) -> State:
    """The state kept on the commitment row (the last replayed interval)."""
    return State(
        status=commitment.status,
        executed_amount=commitment.executed_amount,
        plazo=commitment.plazo,
        due_date=commitment.due_date,
        fulfilled_on=commitment.fulfilled_on,
        cancelled_on=commitment.cancelled_on,
        reported_on=commitment.reported_on,
        verified_on=commitment.verified_on,
        verified_by=commitment.verified_by,
    )


def closed_periods(session: Session, region_id: int) -> list[ClosedPeriod]:
    """Periods of the región whose package went to its government: the
    cycle's own builds and on-demand builds that were mailed."""
    mailed = exists().where(PackageDelivery.package_id == Package.id)
    rows = session.execute(
        select(Package.period, Package.period_start, Package.period_end)
        .where(
            Package.region_id == region_id,
            ~Package.preliminary,  # type: ignore[arg-type]
            or_(Package.automatic_key == "protocolo", mailed),
        )
        .order_by(Package.period_start, Package.period)
    ).all()
    return [ClosedPeriod(key, start, end) for key, start, end in rows]


def load(session: Session, commitment_id: int) -> Loaded:
    """Lock the commitment and read its history (raises :class:`NotFound`)."""
    commitment = session.get(Commitment, commitment_id, with_for_update=True)
    if commitment is None:
        raise NotFound(f"No existe el compromiso N° {commitment_id}.")
    acta_date = session.scalars(select(Acta.held_on).where(Acta.id == commitment.acta_id)).one()
    iso = session.scalars(select(Region.iso_code).where(Region.id == commitment.region_id)).one()
    events = list(
        session.scalars(
            select(CommitmentEvent)
            .where(CommitmentEvent.commitment_id == commitment_id)
            .order_by(CommitmentEvent.position)  # type: ignore[arg-type]
        )
    )
    return Loaded(
        commitment,
        acta_date,
        calendar_for(iso, commitment.local_calendar),
        events,
        closed_periods(session, commitment.region_id),
    )


def facts_of(events: Sequence[CommitmentEvent]) -> list[Fact]:
    return [
        Fact(event.effective_on, event.position, event.field, event.new_value, event.actor)
        for event in events
    ]


def replay_commitment(
    commitment: Commitment, acta_date: date, calendar: BusinessCalendar, facts: Sequence[Fact]
) -> list[Interval]:
    return replay(initial_state(commitment.original_plazo, calendar), acta_date, facts, calendar)


def record(
    session: Session, loaded: Loaded, entries: Sequence[Entry], actor: str, now: datetime
) -> list[CommitmentEvent]:
    """Append ``entries`` to the commitment's chain, rebuild its state
    intervals and its row. The caller commits."""
    commitment = loaded.commitment
    assert commitment.id is not None
    position = commitment.history_length
    previous = commitment.history_head or GENESIS
    added: list[CommitmentEvent] = []
    for entry in entries:
        position += 1
        event = CommitmentEvent(
            commitment_id=commitment.id,
            position=position,
            recorded_at=now,
            effective_on=entry.effective_on,
            actor=actor,
            field=entry.field,
            old_value=entry.old,
            new_value=entry.new,
            reason=entry.reason,
            rectifies=entry.rectifies,
            previous_hash=previous,
            hash="",
        )
        event.hash = link_hash(previous, event.chain_content())
        previous = event.hash
        session.add(event)
        added.append(event)
        if entry.field == "plazo" and entry.new:
            plazo = date.fromisoformat(entry.new)
            session.add(
                CommitmentDeadline(
                    commitment_id=commitment.id,
                    agreed_on=entry.effective_on,
                    plazo=plazo,
                    due_date=loaded.calendar.roll_forward(plazo),
                    reason=entry.reason,
                    recorded_at=now,
                )
            )
    loaded.events.extend(added)
    before = current_state(commitment)
    intervals = replay_commitment(commitment, loaded.acta_date, loaded.calendar,
                                  facts_of(loaded.events))  # fmt: skip
    write_state(session, commitment.id, intervals)
    after = intervals[-1].state
    _keep_row(commitment, after)
    commitment.history_head = previous
    commitment.history_length = position
    commitment.updated_at = now
    commitment.next_stage_on = _next_stage_on(commitment, before, after, entries, loaded)
    session.add(commitment)
    session.flush()
    return added


def write_state(session: Session, commitment_id: int, intervals: Sequence[Interval]) -> None:
    """Replace the stored intervals of one commitment."""
    session.execute(delete(CommitmentState).where(CommitmentState.commitment_id == commitment_id))  # type: ignore[arg-type]
    session.execute(insert(CommitmentState), state_rows(commitment_id, intervals))


def _keep_row(commitment: Commitment, state: State) -> None:
    commitment.status = state.status
    commitment.executed_amount = state.executed_amount
    commitment.plazo = state.plazo
    commitment.due_date = state.due_date
    commitment.fulfilled_on = state.fulfilled_on
    commitment.cancelled_on = state.cancelled_on
    commitment.reported_on = state.reported_on
    commitment.verified_on = state.verified_on
    commitment.verified_by = state.verified_by


def _next_stage_on(
    commitment: Commitment, before: State, after: State, entries: Sequence[Entry], loaded: Loaded
) -> date | None:
    """Where the daily query picks the commitment up again: closed ones
    leave the reminder index; a report is due to the gerente from the next
    business day; a new due date, a return or a reopening start the
    stages again (those already sent stay recorded and are not resent)."""
    if not after.is_open:
        return None
    calendar = loaded.calendar
    changed = before.status != after.status or before.due_date != after.due_date
    if after.status == "informado":
        if before.status != "informado" and after.reported_on is not None:
            return calendar.add(after.reported_on, 1)
        return commitment.next_stage_on
    if changed or commitment.next_stage_on is None:
        first = first_stage_on(after.due_date, calendar, loaded.acta_date)
        returned = [e.effective_on for e in entries if e.field == "status" and e.old == "informado"]
        if returned:
            return min(first, calendar.add(returned[-1], 1))
        return first
    return commitment.next_stage_on


def head_of(session: Session, commitment_id: int) -> tuple[int, str]:
    """``(length, head hash)`` of a commitment's chain as stored in its history."""
    row = session.execute(
        select(func.max(CommitmentEvent.position)).where(
            CommitmentEvent.commitment_id == commitment_id
        )
    ).scalar()
    if not row:
        return 0, GENESIS
    digest = session.scalars(
        select(CommitmentEvent.hash).where(
            CommitmentEvent.commitment_id == commitment_id, CommitmentEvent.position == row
        )
    ).one()
    return int(row), digest
