"""People who log in to the web application, with a role and a scope:
``admin`` sees everything; ``gerente`` works on the territorios assigned to
them; ``gore`` reads one región."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.timestamps import UTCDateTime, timestamp_field


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
    """False once disabled (``cumple users disable``): no login, no session,
    no API token, no calendar feed."""
    session_version: int = 0
    """Raised by logout, a password change or disabling: every session
    cookie carrying an older version stops working."""
    feed_version: int = 0
    """Raised to revoke (rotate) every calendar feed link of this user."""
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
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    """Set by ``cumple users revoke`` or ``disable``: the token stops working."""


class LoginAttempt(SQLModel, table=True):
    """A login attempt, reserved before the password is checked, keyed by
    client address (``ip:…``) and by normalised e-mail (``email:…``); kept in
    the database so every process of the service counts the same attempts."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300, index=True)
    attempted_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
