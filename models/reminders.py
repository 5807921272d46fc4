"""What the daily cycle records: each stage sent per commitment and due
date, the outbox of messages to deliver, and each cycle run."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.timestamps import UTCDateTime, timestamp_field


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class ReminderKind(StrEnum):
    """What a reminder is about."""

    DEADLINE = "plazo"
    """A deadline stage: ``due_date`` is the effective due date, ``stage``
    the offset in business days from it."""
    VERIFICATION = "verificacion"
    """A report waiting for the gerente: ``due_date`` is the reported date,
    ``stage`` the business days after it."""
    RETURNED = "devolucion"
    """A report returned to the responsable: ``due_date`` is the date of
    the return, ``stage`` the position of the return in the history."""


class Reminder(SQLModel, table=True):
    """A stage of a commitment's reminders, planned once per commitment,
    kind, date and stage, with the digest that carries it."""

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("commitment_id", "kind", "due_date", "stage", name="uq_reminder_stage"),
    )

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="commitment.id", index=True)
    kind: str = Field(default=ReminderKind.DEADLINE, max_length=20)
    due_date: date
    stage: int
    stage_on: date
    cycle_date: date = Field(index=True)
    created_at: datetime = timestamp_field()


class ReminderDelivery(SQLModel, table=True):
    """Which outbox message carries a reminder to which recipient."""

    __tablename__ = "reminder_delivery"
    __table_args__ = (UniqueConstraint("reminder_id", "outbox_id"),)

    id: int | None = Field(default=None, primary_key=True)
    reminder_id: int = Field(foreign_key="reminder.id", index=True)
    outbox_id: int = Field(foreign_key="outbox.id", index=True)
    audience: str = Field(max_length=20)


class OutboxMessage(SQLModel, table=True):
    """A rendered message waiting for (or done with) delivery.

    ``key`` makes planning idempotent; ``message_id`` is fixed at planning so
    that a message delivered twice after a crash carries the same
    Message-ID. Delivery claims a row with a conditional update
    (``pending`` → ``sending``) before it sends and records the outcome
    after."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # What was sent in the last minute and today (the provider's caps).
        Index("ix_outbox_sent_at", "sent_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=30)
    cycle_date: date | None = Field(default=None, index=True)
    recipient: str = Field(max_length=254)
    recipient_name: str | None = Field(default=None, max_length=200)
    subject: str = Field(max_length=300)
    body_text: str = Field(sa_column=Column(Text, nullable=False))
    body_html: str = Field(sa_column=Column(Text, nullable=False))
    message_id: str = Field(max_length=200)
    status: str = Field(default=OutboxStatus.PENDING, max_length=20)
    attempts: int = 0
    next_attempt_at: datetime = timestamp_field()
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    attachments: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """JSON list of file paths attached at delivery (information packages)."""
    created_at: datetime = timestamp_field()


class CycleRun(SQLModel, table=True):
    """One daily cycle for a business date: when it ran and what it did."""

    __tablename__ = "cycle_run"

    id: int | None = Field(default=None, primary_key=True)
    cycle_date: date = Field(index=True)
    started_at: datetime = timestamp_field()
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    reminders: int = 0
    messages: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    packages: int = 0
    orchestrator: str = Field(default="direct", max_length=20)


class FailureKind(StrEnum):
    PACKAGE = "paquete"
    MESSAGE = "correo"


class CycleFailure(SQLModel, table=True):
    """Something one daily cycle could not do (one región's package, one
    message) while it went on with the rest; ``cumple status`` and the web
    show the unresolved ones. ``resolved_at`` is set when a later cycle
    succeeds at the same thing."""

    __tablename__ = "cycle_failure"

    id: int | None = Field(default=None, primary_key=True)
    cycle_date: date = Field(index=True)
    kind: str = Field(max_length=20)
    region_id: int | None = Field(default=None, foreign_key="region.id")
    period: str | None = Field(default=None, max_length=20)
    subject: str = Field(max_length=300)
    """What failed, in Spanish (e.g. "Paquete 2026-Q3 de la Región de Atacama")."""
    error: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = timestamp_field()
    resolved_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
