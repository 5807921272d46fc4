"""People who log in to the web application, with a role and a scope:
``admin`` sees everything; ``gerente`` works on the territorios assigned to
them; ``gore`` reads one región."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.timestamps import timestamp_field


class Role(StrEnum):
    ADMIN = "admin"
    GERENTE = "gerente"
    GORE = "gore"


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    password_hash: str = Field(max_length=300)
    role: str = Field(max_length=20)
    region_id: int | None = Field(default=None, foreign_key="region.id")
    active: bool = True
    created_at: datetime = timestamp_field()


class UserTerritory(SQLModel, table=True):
    """A territorio a gerente works on."""

    __tablename__ = "app_user_territory"
    __table_args__ = (UniqueConstraint("user_id", "territory_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    territory_id: int = Field(foreign_key="territory.id")


class ApiToken(SQLModel, table=True):
    """A token for other systems (``Authorization: Bearer …``); only its
    SHA-256 is stored."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    token_sha256: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=100)
    created_at: datetime = timestamp_field()
