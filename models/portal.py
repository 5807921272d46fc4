"""What the public transparency portal may show: publication is a decision.

Nothing is public by default. A región appears under ``/publico/`` only
while it has a :class:`PublishedRegion` row (``cumple portal enable``); a
commitment of a published región is left out of every public page while it
has a :class:`WithheldCommitment` row (``cumple portal withhold``), for
instance because its text names a person (Ley 19.628)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from models.timestamps import timestamp_field


class PublishedRegion(SQLModel, table=True):
    """A región whose commitments the public portal shows, since when and
    on whose decision."""

    __tablename__ = "published_region"

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", unique=True)
    enabled_at: datetime = timestamp_field()
    enabled_by: str = Field(max_length=200)


class WithheldCommitment(SQLModel, table=True):
    """A commitment kept out of the public portal, why, by whom and when."""

    __tablename__ = "withheld_commitment"

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="commitment.id", unique=True)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    withheld_by: str = Field(max_length=200)
    withheld_at: datetime = timestamp_field()


class PublicEvidence(SQLModel, table=True):
    """A medio de verificación the gerencia marked public: the portal shows
    it (its name, type, size and SHA-256, and for a file its content) on
    the commitment's public page, by whose decision and since when. Evidence
    is private unless it has this row."""

    __tablename__ = "public_evidence"

    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(foreign_key="evidence.id", unique=True)
    published_by: str = Field(max_length=200)
    published_at: datetime = timestamp_field()
