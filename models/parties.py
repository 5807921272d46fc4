"""Who takes part: territorios, institutions and their contacts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.timestamps import timestamp_field


class ContactRole(StrEnum):
    """What a contact is for: reminders, escalations, or the territory."""

    RESPONSABLE = "responsable"
    DIRECTOR = "director"
    GERENTE = "gerente"


class Territory(SQLModel, table=True):
    """A group of comunas of one región working on a common plan."""

    __tablename__ = "territory"
    __table_args__ = (UniqueConstraint("region_id", "name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)
    created_at: datetime = timestamp_field()


class Institution(SQLModel, table=True):
    """Who commits: a public service, a municipality, an association, a firm
    or a community. ``rut`` is stored formatted (``61.202.000-0``)."""

    __tablename__ = "institution"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200, unique=True)
    rut: str | None = Field(default=None, max_length=12, unique=True)
    created_at: datetime = timestamp_field()


class Contact(SQLModel, table=True):
    """A person reached by e-mail, in a role, within one región.

    Responsables and directors belong to an institution *in a región* (FOSIS
    Antofagasta and FOSIS Atacama have different directors); a gerente
    belongs to a territorio. ``scope`` ("i:<id>" or "t:<id>") keeps the
    uniqueness rule free of NULL comparisons.
    """

    __tablename__ = "contact"
    __table_args__ = (UniqueConstraint("role", "region_id", "scope", "email"),)

    id: int | None = Field(default=None, primary_key=True)
    role: str = Field(max_length=20)
    email: str = Field(max_length=254, index=True)
    name: str | None = Field(default=None, max_length=200)
    region_id: int = Field(foreign_key="region.id")
    institution_id: int | None = Field(default=None, foreign_key="institution.id", index=True)
    territory_id: int | None = Field(default=None, foreign_key="territory.id", index=True)
    scope: str = Field(max_length=24)
    created_at: datetime = timestamp_field()

    @staticmethod
    def scope_for(institution_id: int | None, territory_id: int | None) -> str:
        if institution_id is not None:
            return f"i:{institution_id}"
        if territory_id is not None:
            return f"t:{territory_id}"
        raise ValueError("a contact belongs to an institution or a territory")
