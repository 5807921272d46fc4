"""Regiones and comunas of Chile, with their Códigos Únicos Territoriales."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel


class Region(SQLModel, table=True):
    """One of Chile's 16 regiones. ``id`` is the CUT number (2 for
    Antofagasta); ``code`` the zero-padded CUT string ("02"); ``iso_code``
    the ISO 3166-2 subdivision the ``holidays`` package uses ("AN")."""

    __tablename__ = "region"

    id: int = Field(primary_key=True)
    code: str = Field(max_length=2, unique=True)
    name: str = Field(max_length=120)
    abbreviation: str = Field(max_length=10)
    iso_code: str = Field(max_length=2, unique=True)
    roman: str = Field(max_length=5)

    @property
    def official_name(self) -> str:
        """``Región de Antofagasta``, ``Región del Maule``,
        ``Región Metropolitana de Santiago``."""
        if self.code == "13":
            return f"Región {self.name}"
        article = "del" if self.code in {"06", "07", "08"} else "de"
        return f"Región {article} {self.name}"


class RegionAlias(SQLModel, table=True):
    """A folded name by which a región may be written in a spreadsheet."""

    __tablename__ = "region_alias"

    alias: str = Field(primary_key=True, max_length=120)
    region_id: int = Field(foreign_key="region.id", index=True)


class Comuna(SQLModel, table=True):
    """A comuna with its CUT code ("01101") and its provincia."""

    __tablename__ = "comuna"

    code: str = Field(primary_key=True, max_length=5)
    name: str = Field(max_length=120)
    province_code: str = Field(max_length=3)
    province_name: str = Field(max_length=120)
    region_id: int = Field(foreign_key="region.id", index=True)


class TerritoryComuna(SQLModel, table=True):
    """A comuna of a territorio (set by ``cumple territory set`` or by the
    first import that names comunas for it)."""

    __tablename__ = "territory_comuna"

    territory_id: int = Field(foreign_key="territory.id", primary_key=True)
    comuna_code: str = Field(foreign_key="comuna.code", primary_key=True, max_length=5)


class CommitmentComuna(SQLModel, table=True):
    """A comuna where a commitment's action and money land, fixed when the
    commitment is registered (the import's ``comunas`` column, else the
    territorio's comunas at that moment). ``amount`` is the part of the
    commitment's amount planned there when the import says so; ``None``
    splits the amount evenly (see :func:`models.comuna_split.split_amount`)."""

    __tablename__ = "commitment_comuna"

    commitment_id: int = Field(foreign_key="commitment.id", primary_key=True)
    comuna_code: str = Field(foreign_key="comuna.code", primary_key=True, max_length=5)
    amount: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
