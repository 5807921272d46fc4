"""What the SMTP server told us about its limits, shared by every
dispatcher: one row (``id`` 1) with the adaptive rate and any throttle."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from models.timestamps import UTCDateTime, timestamp_field

STATE_ID = 1


class SmtpLimitState(SQLModel, table=True):
    """The provider's limits as learnt from its refusals.

    ``rate`` is the adaptive cap in messages per minute (``None``: the
    configured ``CUMPLE_SMTP_RATE_PER_MINUTE``, or none); delivery sends
    nothing before ``throttled_until``. Claims lock this row, so two
    dispatchers count the caps one after the other."""

    __tablename__ = "smtp_limit_state"

    id: int | None = Field(default=None, primary_key=True)
    rate: int | None = None
    server_rate: int | None = None
    """The per-minute limit the server named in its last refusal: the rate
    climbs back no higher for a day."""
    throttled_until: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    last_refusal_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    last_raise_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    refusals: int = 0
    last_reply: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    updated_at: datetime = timestamp_field()
