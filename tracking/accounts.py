"""Accounts: creating users with their role and scope and checking
passwords (argon2). What an account may see is :mod:`tracking.scope`."""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select
from sqlmodel import Session

from models.accounts import Role, User, UserTerritory
from tracking.errors import InvalidChange
from tracking.lookup import find_region, find_territories

MIN_PASSWORD = 10


@functools.cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@dataclass(frozen=True)
class Account:
    """A logged-in user and the scope of what they may see and change."""

    id: int
    email: str
    role: Role
    region_id: int | None
    territory_ids: frozenset[int]

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.ADMIN, Role.GERENTE)


def add_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: str,
    territories: list[str],
    region: str | None,
) -> User:
    """Create a user, or reset the password, role and scope of an existing
    one. The caller commits."""
    try:
        address = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise InvalidChange(f"«{email}» no es un correo electrónico válido.") from None
    try:
        chosen = Role(role)
    except ValueError:
        raise InvalidChange(f"El rol «{role}» no existe; use admin, gerente o gore.") from None
    if len(password) < MIN_PASSWORD:
        raise InvalidChange(f"La contraseña debe tener al menos {MIN_PASSWORD} caracteres.")
    region_id = None
    territory_ids: list[int] = []
    if chosen is Role.GORE:
        if not region:
            raise InvalidChange("Un usuario gore necesita --region.")
        region_id = find_region(session, region).id
    if chosen is Role.GERENTE:
        if not territories:
            raise InvalidChange("Un gerente necesita al menos un --territory.")
        scope = find_region(session, region) if region else None
        for name in territories:
            found = find_territories(session, name, scope)
            if len(found) > 1:
                raise InvalidChange(
                    f"Hay {len(found)} territorios «{name}» en distintas regiones; "
                    "indique --region."
                )
            territory_ids.append(found[0].id)  # type: ignore[arg-type]
    user = session.scalars(select(User).where(User.email == address)).first()
    hashed = _hasher().hash(password)
    if user is None:
        user = User(email=address, password_hash=hashed, role=chosen.value, region_id=region_id)
    else:
        user.password_hash, user.role, user.region_id = hashed, chosen.value, region_id
        user.active = True
    session.add(user)
    session.flush()
    session.execute(delete(UserTerritory).where(UserTerritory.user_id == user.id))
    for territory_id in territory_ids:
        session.add(UserTerritory(user_id=user.id, territory_id=territory_id))
    session.flush()
    return user


def account_for(session: Session, user: User) -> Account:
    assert user.id is not None
    territory_ids = frozenset(
        session.scalars(select(UserTerritory.territory_id).where(UserTerritory.user_id == user.id))
    )
    return Account(user.id, user.email, Role(user.role), user.region_id, territory_ids)


def authenticate(session: Session, email: str, password: str) -> Account | None:
    """The account when the password matches an active user, else ``None``
    (the same answer, and about the same time, for an unknown e-mail)."""
    user = session.scalars(
        select(User).where(User.email == email.strip().lower(), User.active.is_(True))  # type: ignore[attr-defined]
    ).first()
    hasher = _hasher()
    if user is None:
        with contextlib.suppress(VerificationError):
            hasher.verify(_dummy_hash(), password)
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return account_for(session, user)


@functools.cache
def _dummy_hash() -> str:
    return _hasher().hash("cumple-usuario-inexistente")


def load_account(session: Session, user_id: int) -> Account | None:
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    return account_for(session, user)


def token_digest(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


def new_api_token(session: Session, email: str, name: str) -> str:
    """Create a token for an existing user; returns it (shown once)."""
    import secrets

    from models.accounts import ApiToken

    user = session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None or user.id is None:
        raise InvalidChange(f"No existe el usuario «{email}»; créelo con «cumple users add».")
    token = f"cumple_{secrets.token_urlsafe(32)}"
    session.add(ApiToken(user_id=user.id, token_sha256=token_digest(token), name=name[:100]))
    session.flush()
    return token


def account_for_token(session: Session, token: str) -> Account | None:
    from models.accounts import ApiToken

    user_id = session.scalars(
        select(ApiToken.user_id).where(ApiToken.token_sha256 == token_digest(token))
    ).first()
    return load_account(session, user_id) if user_id is not None else None
