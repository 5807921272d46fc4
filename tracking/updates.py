"""Recorded changes to a commitment. What may change, and which history
entries a change produces, is decided by :func:`plan_change` (pure); the
database part only locks the row, applies the plan and stores the events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from models.calendar import BusinessCalendar, calendar_for
from models.commitments import (
    Acta,
    Commitment,
    CommitmentDeadline,
    CommitmentEvent,
    StoredStatus,
)
from models.dates import DateError, check_range, format_long
from models.geography import Region
from models.stages import first_stage_on
from models.timestamps import utc_now
from tracking.errors import InvalidChange, NotFound

SETTABLE = {status.value for status in StoredStatus}


@dataclass(frozen=True)
class Change:
    """What a user asks to change. ``on`` is the business date of the fact
    (fulfilled, paid, agreed); ``None`` means today."""

    status: str | None = None
    executed_amount: int | None = None
    due_date: date | None = None
    reason: str | None = None
    note: str | None = None
    on: date | None = None


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str | None
    new: str | None
    reason: str | None


@dataclass(frozen=True)
class Plan:
    """The new values of the commitment and the history entries to store."""

    effective_on: date
    status: str
    fulfilled_on: date | None
    cancelled_on: date | None
    executed_amount: int
    plazo: date
    due_date: date
    plazo_text: str
    entries: list[FieldChange]


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = " ".join(text.split())
    return cleaned or None


def plan_change(
    commitment: Commitment,
    acta_date: date,
    change: Change,
    today: date,
    calendar: BusinessCalendar,
    last_agreed_on: date | None = None,
) -> Plan:
    """Validate ``change`` against ``commitment`` and return what to store.
    ``last_agreed_on`` is the date of the latest due-date agreement (the
    acta's date when there was none since). Raises :class:`InvalidChange`
    with a Spanish message."""
    reason = _clean(change.reason)
    note = _clean(change.note)
    if reason is not None and change.status is None and change.due_date is None:
        raise InvalidChange("--reason explica un cambio de --status o de --due-date; indique cuál.")
    nothing = change.status is None and change.executed_amount is None
    if nothing and change.due_date is None and note is None:
        raise InvalidChange(
            "Indique al menos un cambio: --status, --executed-amount, --due-date o --note."
        )
    try:
        for given in (change.on, change.due_date):
            if given is not None:
                check_range(given)
    except DateError as exc:
        raise InvalidChange(f"{str(exc).capitalize()}.") from None
    on = change.on or today
    if on > today:
        raise InvalidChange(
            f"La fecha --on ({on.isoformat()}) es posterior a hoy ({today.isoformat()}); "
            "registre los hechos cuando ocurran."
        )
    if on < acta_date:
        raise InvalidChange(
            f"La fecha --on ({on.isoformat()}) es anterior al acta ({acta_date.isoformat()})."
        )
    if change.due_date is not None and reason is None:
        raise InvalidChange("Para cambiar el plazo indique el motivo con --reason.")
    entries: list[FieldChange] = []
    status = commitment.status
    fulfilled_on = commitment.fulfilled_on
    cancelled_on = commitment.cancelled_on
    if change.status is not None:
        wanted = change.status.strip().lower()
        if wanted not in SETTABLE:
            if wanted in {"por_vencer", "vencido"}:
                raise InvalidChange(
                    f"El estado «{wanted}» se calcula con el plazo; use pendiente, "
                    "cumplido o cancelado."
                )
            raise InvalidChange(
                f"El estado «{change.status}» no existe; use pendiente, cumplido o cancelado."
            )
        if wanted != status:
            entries.append(FieldChange("status", status, wanted, reason))
            status = wanted
            fulfilled_on = on if wanted == StoredStatus.CUMPLIDO else None
            cancelled_on = on if wanted == StoredStatus.CANCELADO else None
    executed = commitment.executed_amount
    if change.executed_amount is not None:
        if change.executed_amount < 0:
            raise InvalidChange("El monto ejecutado no puede ser negativo.")
        if change.executed_amount != executed:
            entries.append(
                FieldChange("executed_amount", str(executed), str(change.executed_amount), None)
            )
            executed = change.executed_amount
    plazo, due_date, plazo_text = commitment.plazo, commitment.due_date, commitment.plazo_text
    if change.due_date is not None:
        if change.due_date < acta_date:
            raise InvalidChange(
                f"El nuevo plazo ({format_long(change.due_date)}) es anterior al acta "
                f"({format_long(acta_date)})."
            )
        if last_agreed_on is not None and on < last_agreed_on:
            raise InvalidChange(
                f"El plazo vigente se acordó el {format_long(last_agreed_on)}; un nuevo plazo "
                "debe acordarse en esa fecha o después (--on)."
            )
        if change.due_date != plazo:
            entries.append(
                FieldChange("plazo", plazo.isoformat(), change.due_date.isoformat(), reason)
            )
            plazo = change.due_date
            due_date = calendar.roll_forward(plazo)
            plazo_text = plazo.isoformat()
    if note is not None:
        entries.append(FieldChange("note", None, note, None))
    if not entries:
        raise InvalidChange("Nada cambió: el compromiso ya tiene esos valores.")
    return Plan(
        effective_on=on,
        status=status,
        fulfilled_on=fulfilled_on,
        cancelled_on=cancelled_on,
        executed_amount=executed,
        plazo=plazo,
        due_date=due_date,
        plazo_text=plazo_text,
        entries=entries,
    )


def _next_stage_on(
    commitment: Commitment, plan: Plan, calendar: BusinessCalendar, acta_date: date
) -> date | None:
    """Closed commitments leave the reminder index; a new due date or a
    reopening starts the stages again (those already sent stay recorded)."""
    if plan.status != StoredStatus.PENDIENTE:
        return None
    restart = any(entry.field in {"plazo", "status"} for entry in plan.entries)
    if restart or commitment.next_stage_on is None:
        return first_stage_on(plan.due_date, calendar, acta_date)
    return commitment.next_stage_on


def apply_change(
    session: Session, commitment_id: int, change: Change, actor: str, today: date
) -> Plan:
    """Lock the commitment, apply ``change`` and record its history. The
    caller commits."""
    commitment = session.get(Commitment, commitment_id, with_for_update=True)
    if commitment is None:
        raise NotFound(f"No existe el compromiso N° {commitment_id}.")
    acta_date = session.scalars(select(Acta.held_on).where(Acta.id == commitment.acta_id)).one()
    iso = session.scalars(select(Region.iso_code).where(Region.id == commitment.region_id)).one()
    last_agreed_on = session.scalars(
        select(func.max(CommitmentDeadline.agreed_on)).where(
            CommitmentDeadline.commitment_id == commitment_id
        )
    ).one()
    calendar = calendar_for(iso)
    plan = plan_change(commitment, acta_date, change, today, calendar, last_agreed_on)
    now = utc_now()
    commitment.status = plan.status
    commitment.fulfilled_on = plan.fulfilled_on
    commitment.cancelled_on = plan.cancelled_on
    commitment.executed_amount = plan.executed_amount
    commitment.plazo = plan.plazo
    commitment.due_date = plan.due_date
    commitment.plazo_text = plan.plazo_text
    commitment.updated_at = now
    commitment.next_stage_on = _next_stage_on(commitment, plan, calendar, acta_date)
    session.add(commitment)
    if any(entry.field == "plazo" for entry in plan.entries):
        session.add(
            CommitmentDeadline(
                commitment_id=commitment_id,
                agreed_on=plan.effective_on,
                plazo=plan.plazo,
                due_date=plan.due_date,
                reason=_clean(change.reason),
                recorded_at=now,
            )
        )
    for entry in plan.entries:
        session.add(
            CommitmentEvent(
                commitment_id=commitment_id,
                recorded_at=now,
                effective_on=plan.effective_on,
                actor=actor,
                field=entry.field,
                old_value=entry.old,
                new_value=entry.new,
                reason=entry.reason,
            )
        )
    session.flush()
    return plan
