"""Actas, the commitments signed in them, and the audit trail of each
commitment, with the pure rules that give a commitment's status on a date."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.calendar import BusinessCalendar
from models.history import StoredStatus
from models.timestamps import timestamp_field

DUE_SOON_BUSINESS_DAYS = 10
"""A commitment is ``por_vencer`` when due within this many business days."""


class ActaKind(StrEnum):
    """The kind of document a commitment comes from."""

    ACTA = "acta"
    PROTOCOLO = "protocolo"
    CONVENIO = "convenio"
    RESOLUCION = "resolución"
    OFICIO = "oficio"


class Status(StrEnum):
    """A commitment's status on a given date (the contract's six words)."""

    PENDIENTE = "pendiente"
    POR_VENCER = "por_vencer"
    VENCIDO = "vencido"
    INFORMADO = "informado"
    CUMPLIDO = "cumplido"
    CANCELADO = "cancelado"


STATUS_LABELS: dict[str, str] = {
    Status.PENDIENTE: "Pendiente",
    Status.POR_VENCER: "Por vencer",
    Status.VENCIDO: "Vencido",
    Status.INFORMADO: "Informado, por verificar",
    Status.CUMPLIDO: "Cumplido",
    Status.CANCELADO: "Cancelado",
}

OPEN_STATUSES = (Status.PENDIENTE, Status.POR_VENCER, Status.VENCIDO, Status.INFORMADO)
"""Statuses of a commitment still to be done (``informado`` waits for the
gerente's verification and never counts as fulfilled before it)."""


class Acta(SQLModel, table=True):
    """A meeting record (or protocolo, convenio, resolución, oficio) of a
    territory's instancia. Identity: territorio, date, instancia, number."""

    __tablename__ = "acta"
    __table_args__ = (UniqueConstraint("territory_id", "held_on", "instance_key", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    territory_id: int = Field(foreign_key="territory.id", index=True)
    kind: str = Field(default=ActaKind.ACTA, max_length=20)
    instance: str = Field(max_length=200)
    instance_key: str = Field(max_length=200)
    number: str = Field(default="", max_length=100)
    held_on: date
    created_at: datetime = timestamp_field()


class Commitment(SQLModel, table=True):
    """One promise of an acta: an institution, an action, maybe an amount,
    a due date.

    ``plazo`` is the due date as agreed (the latest agreement);
    ``due_date`` is the effective one: ``plazo`` moved to the next business
    day of its place (región and comunas) when it is not one. ``original_plazo`` is the acta's
    agreement and ``plazo_text`` what the acta said (``"20 días hábiles"``);
    neither ever changes. The state columns (status, amounts, dates of
    fulfilment, report and verification) are the latest interval of
    :func:`models.history.replay`, kept here for the daily query; the
    history is the record, chained by ``history_head``.
    """

    __tablename__ = "commitment"
    __table_args__ = (
        UniqueConstraint("acta_id", "institution_id", "text_key"),
        Index("ix_commitment_open_due", "status", "due_date"),
        # Covers the dashboard's recount (tracking.totals.status_totals).
        Index(
            "ix_commitment_figures",
            "region_id",
            "territory_id",
            "status",
            "due_date",
            "fulfilled_on",
            "cancelled_on",
            "amount",
            "executed_amount",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    acta_id: int = Field(foreign_key="acta.id", index=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    territory_id: int = Field(foreign_key="territory.id", index=True)
    institution_id: int = Field(foreign_key="institution.id", index=True)
    responsable_id: int = Field(foreign_key="contact.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    text_key: str = Field(max_length=64)
    amount: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    executed_amount: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    source: str | None = Field(default=None, max_length=300)
    programme: str | None = Field(default=None, max_length=200)
    products: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    beneficiaries: int | None = None
    plazo_text: str = Field(max_length=100)
    original_plazo: date
    plazo: date
    due_date: date
    status: str = Field(default=StoredStatus.PENDIENTE, max_length=20)
    fulfilled_on: date | None = None
    cancelled_on: date | None = None
    reported_on: date | None = None
    verified_on: date | None = None
    verified_by: str | None = Field(default=None, max_length=200)
    next_stage_on: date | None = Field(default=None, index=True)
    history_head: str = Field(default="", max_length=64)
    """Hash of the last entry of the history chain."""
    history_length: int = 0
    local_calendar: str = Field(default="", max_length=60)
    """The local holidays of the commitment's comunas
    (:func:`models.local_holidays.local_calendar_key`), fixed with its
    comunas when it is registered: its business calendar is
    ``calendar_for(región's ISO code, local_calendar)``."""
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()

    def status_on(
        self,
        day: date,
        calendar: BusinessCalendar,
        deadlines: Sequence[Deadline] | None = None,
    ) -> Status:
        """The status on ``day`` by business dates (see :func:`status_on`).
        With ``deadlines`` (the commitment's agreements), the due date is
        the one in force on ``day``; without, the current one."""
        due = self.due_date if deadlines is None else due_date_on(day, deadlines)
        return status_on(
            stored=self.status,
            due_date=due,
            fulfilled_on=self.fulfilled_on,
            cancelled_on=self.cancelled_on,
            day=day,
            calendar=calendar,
        )


class CommitmentDeadline(SQLModel, table=True):
    """One agreement on a commitment's due date: the acta's own (agreed on
    the acta date) and every later one (agreed on the date it was agreed).
    The one in force on a date is the latest agreed on or before it."""

    __tablename__ = "commitment_deadline"
    __table_args__ = (Index("ix_commitment_deadline_in_force", "commitment_id", "agreed_on"),)

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="commitment.id")
    agreed_on: date
    plazo: date
    due_date: date
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    recorded_at: datetime = timestamp_field()


Deadline = tuple[date, int, date]
"""``(agreed_on, order, due_date)`` of one agreement; ``order`` breaks ties
between agreements of the same day (later recorded wins)."""


def due_date_on(day: date, deadlines: Sequence[Deadline]) -> date:
    """The effective due date in force on ``day``: the latest agreement made
    on or before ``day``; before the first agreement, the first one."""
    if not deadlines:
        raise ValueError("a commitment has at least its acta's deadline")
    ordered = sorted(deadlines)
    in_force = [deadline for deadline in ordered if deadline[0] <= day]
    return (in_force[-1] if in_force else ordered[0])[2]


class CommitmentEvent(SQLModel, table=True):
    """One entry of a commitment's history: what changed, from what to what,
    who typed it in and when (``recorded_at``), and the business date the
    fact happened (``effective_on``). ``position`` numbers the entries of a
    commitment from 1; ``hash`` chains each to ``previous_hash`` (see
    :mod:`models.chain`). ``rectifies`` names the period whose package was
    already sent when a fact dated inside it was recorded."""

    __tablename__ = "commitment_event"
    __table_args__ = (
        UniqueConstraint("commitment_id", "position", name="uq_commitment_event_position"),
        # The portal's feed of changes reads the newest entries first.
        Index("ix_commitment_event_recorded", "recorded_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="commitment.id", index=True)
    position: int
    recorded_at: datetime = timestamp_field()
    effective_on: date
    actor: str = Field(max_length=200)
    field: str = Field(max_length=40)
    old_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    new_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    rectifies: str | None = Field(default=None, max_length=20)
    previous_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)

    def chain_content(self) -> dict[str, object]:
        """What the chain hashes of this entry (see :mod:`models.chain`)."""
        return event_content(
            commitment_id=self.commitment_id,
            position=self.position,
            recorded_at=self.recorded_at,
            effective_on=self.effective_on,
            actor=self.actor,
            field=self.field,
            old_value=self.old_value,
            new_value=self.new_value,
            reason=self.reason,
            rectifies=self.rectifies,
        )


def event_content(
    *,
    commitment_id: int,
    position: int,
    recorded_at: datetime,
    effective_on: date,
    actor: str,
    field: str,
    old_value: str | None,
    new_value: str | None,
    reason: str | None,
    rectifies: str | None,
) -> dict[str, object]:
    """The canonical content of a history entry (Spanish keys, as stored
    in the chain since migration 0007)."""
    return {
        "compromiso": commitment_id,
        "posicion": position,
        "registrado": recorded_at,
        "fecha": effective_on,
        "autor": actor,
        "campo": field,
        "anterior": old_value,
        "nuevo": new_value,
        "motivo": reason,
        "rectifica": rectifies,
    }


def created_value(
    *,
    acta_id: int,
    institution_id: int,
    responsable_id: int,
    text: str,
    amount: int | None,
    plazo: date,
    plazo_text: str,
    source: str | None,
    programme: str | None,
    products: str | None,
    beneficiaries: int | None,
) -> str:
    """The ``created`` entry's value: what the acta says of the commitment,
    as canonical JSON (the chain then covers the commitment's own data)."""
    content = {
        "acta": acta_id,
        "institucion": institution_id,
        "responsable": responsable_id,
        "compromiso": text,
        "monto": amount,
        "plazo": plazo.isoformat(),
        "plazo_texto": plazo_text,
        "fuente": source,
        "programa": programme,
        "productos": products,
        "beneficiarios": beneficiaries,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def commitment_created_value(commitment: Commitment) -> str:
    """:func:`created_value` of a stored commitment's acta data."""
    return created_value(
        acta_id=commitment.acta_id,
        institution_id=commitment.institution_id,
        responsable_id=commitment.responsable_id,
        text=commitment.text,
        amount=commitment.amount,
        plazo=commitment.original_plazo,
        plazo_text=commitment.plazo_text,
        source=commitment.source,
        programme=commitment.programme,
        products=commitment.products,
        beneficiaries=commitment.beneficiaries,
    )


def acta_label(kind: str, instance: str, number: str, held_on: date) -> str:
    """``Acta de Consejo Público-Privado N° 12 del 15 de junio de 2026``."""
    from models.dates import format_long

    label = instance + (f" N° {number}" if number else "")
    name = "Acta" if kind == ActaKind.ACTA else kind.capitalize()
    return f"{name} de {label} del {format_long(held_on)}"


def status_on(
    *,
    stored: str,
    due_date: date,
    fulfilled_on: date | None,
    cancelled_on: date | None,
    day: date,
    calendar: BusinessCalendar,
) -> Status:
    """A commitment's status on ``day``, by business dates only, from its
    recorded state on that day.

    Fulfilled or cancelled on or before ``day``: that. Reported and waiting
    for verification: ``informado``. Otherwise it was open on ``day``:
    ``vencido`` when its effective due date is before ``day``,
    ``por_vencer`` when it falls within the next
    :data:`DUE_SOON_BUSINESS_DAYS` business days (today included), else
    ``pendiente``.
    """
    if stored == StoredStatus.CUMPLIDO and fulfilled_on is not None and fulfilled_on <= day:
        return Status.CUMPLIDO
    if stored == StoredStatus.CANCELADO and cancelled_on is not None and cancelled_on <= day:
        return Status.CANCELADO
    if stored == StoredStatus.INFORMADO:
        return Status.INFORMADO
    if due_date < day:
        return Status.VENCIDO
    if due_date <= calendar.add(day, DUE_SOON_BUSINESS_DAYS):
        return Status.POR_VENCER
    return Status.PENDIENTE
