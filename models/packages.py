"""Information packages built for a región and a period, and who received
which files, when."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.timestamps import timestamp_field


class Package(SQLModel, table=True):
    """A built package. The daily cycle builds each protocol period once
    (``automatic``); on-demand builds are recorded too."""

    __tablename__ = "package"
    __table_args__ = (UniqueConstraint("region_id", "period", "automatic_key"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    period: str = Field(max_length=20)
    period_start: date
    period_end: date
    folder: str = Field(max_length=500)
    manifest_sha256: str = Field(max_length=64)
    commitments: int = 0
    automatic_key: str = Field(default="", max_length=20)
    """``"protocolo"`` for the cycle's own build (at most one per región and
    period); a random key for builds on demand."""
    preliminary: bool = False
    """Built before the period ended (``--preliminar``): never closes it."""
    generated_at: datetime = timestamp_field()


class PackageDelivery(SQLModel, table=True):
    """A package mailed to one recipient: the outbox message and the files."""

    __tablename__ = "package_delivery"

    id: int | None = Field(default=None, primary_key=True)
    package_id: int = Field(foreign_key="package.id", index=True)
    outbox_id: int = Field(foreign_key="outbox.id", index=True)
    recipient: str = Field(max_length=254)
    files: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = timestamp_field()
