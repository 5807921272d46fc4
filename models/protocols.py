"""The protocol agreed with a región's government: who receives its
information package and how often."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.timestamps import timestamp_field


class Periodicity(StrEnum):
    """How often a región receives its package."""

    QUARTER = "quarter"
    SEMESTER = "semester"
    FOUR_MONTHS = "four-months"
    MONTH = "month"
    ARI = "ari"
    """Once a year, the Anteproyecto Regional de Inversión of the next year
    (due the first business day of April)."""
    IRAL = "iral"
    """Once a year, the Inversión Regional de Asignación Local of the next
    year (due the first business day of December)."""


PERIODICITY_LABELS: dict[str, str] = {
    Periodicity.QUARTER: "trimestral",
    Periodicity.SEMESTER: "semestral",
    Periodicity.FOUR_MONTHS: "cuatrimestral",
    Periodicity.MONTH: "mensual",
    Periodicity.ARI: "anual (ARI del año siguiente, en abril)",
    Periodicity.IRAL: "anual (IRAL del año siguiente, en diciembre)",
}

ANNUAL_INSTRUMENTS = (Periodicity.ARI, Periodicity.IRAL)
"""Periodicities that are instruments of their own: a región has a
protocol for its periodic package and, beside it, one for each of these."""

PERIODIC = "periodic"


def instrument_of(every: str) -> str:
    """The instrument a protocol of periodicity ``every`` is a version of:
    ``"ari"``, ``"iral"``, or ``"periodic"`` for the periodic package (a
    change between quarter, semester, four-months and month is a new
    version of the same protocol)."""
    return every if every in ANNUAL_INSTRUMENTS else PERIODIC


class Protocol(SQLModel, table=True):
    """One version of a región's agreement: it applies to the periods that
    start on or after ``since`` and before the next version's ``since``.
    A change is a new version; the periods begun under an earlier version
    are still built and sent to that version's recipients.
    ``recipient_title`` addresses the Oficio."""

    __tablename__ = "protocol"
    __table_args__ = (
        UniqueConstraint("region_id", "instrument", "since", name="uq_protocol_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    every: str = Field(default=Periodicity.QUARTER, max_length=20)
    instrument: str = Field(default=PERIODIC, max_length=20)
    """``instrument_of(every)``: versions are per región and instrument."""
    since: date
    recipient_title: str = Field(max_length=200)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class ProtocolRecipient(SQLModel, table=True):
    """An address that receives a región's package."""

    __tablename__ = "protocol_recipient"
    __table_args__ = (UniqueConstraint("protocol_id", "email"),)

    id: int | None = Field(default=None, primary_key=True)
    protocol_id: int = Field(foreign_key="protocol.id", index=True)
    email: str = Field(max_length=254)
