"""Accounts: creating users with their role and scope, checking passwords
(argon2), and ending access: sessions (``session_version``), calendar feeds
(``feed_version``), API tokens (``revoked_at``) and whole accounts
(``active``). What an account may see is :mod:`tracking.scope`."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select
from sqlalchemy import update as sql_update
from sqlmodel import Session

from models.accounts import ApiToken, Role, User, UserTerritory
from models.timestamps import utc_now
from tracking.errors import InvalidChange
from tracking.lookup import find_region, find_territories
from tracking.passwords import MIN_PASSWORD, check_new_password

__all__ = ["MIN_PASSWORD", "Account", "add_user", "authenticate", "normal_email"]


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
    session_version: int = 0
    feed_version: int = 0

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.ADMIN, Role.GERENTE)


def normal_email(text: str) -> str:
    """The form of an e-mail that logins are looked up and counted by:
    trimmed and lower-cased (``" Ana@X.cl "`` and ``"ana@x.cl"`` are one)."""
    return text.strip().lower()


def _find_user(session: Session, email: str) -> User:
    user = session.scalars(select(User).where(User.email == normal_email(email))).first()
    if user is None or user.id is None:
        raise InvalidChange(f"No existe el usuario «{email}»; créelo con «cumple users add».")
    return user


def _scope(
    session: Session, chosen: Role, territories: list[str], region: str | None
) -> tuple[int | None, list[int]]:
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
    return region_id, territory_ids


def add_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: str,
    territories: list[str],
    region: str | None,
    update: bool = False,
) -> User:
    """Create a user, or set a new password for an existing one (which ends
    every session of that user and enables the account again). An existing
    user's role and scope change only with ``update``; without it a
    different role or scope is refused. The caller commits."""
    try:
        address = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise InvalidChange(f"«{email}» no es un correo electrónico válido.") from None
    try:
        chosen = Role(role)
    except ValueError:
        raise InvalidChange(f"El rol «{role}» no existe; use admin, gerente o gore.") from None
    check_new_password(password)
    region_id, territory_ids = _scope(session, chosen, territories, region)
    user = session.scalars(select(User).where(User.email == address)).first()
    hashed = _hasher().hash(password)
    if user is None:
        user = User(email=address, password_hash=hashed, role=chosen.value, region_id=region_id)
    else:
        stored = set(
            session.scalars(
                select(UserTerritory.territory_id).where(UserTerritory.user_id == user.id)
            )
        )
        same = (user.role, user.region_id, stored) == (chosen.value, region_id, set(territory_ids))
        if not same and not update:
            raise InvalidChange(
                f"El usuario {address} ya existe con otro rol o alcance; para cambiarlo "
                "agregue --update."
            )
        user.password_hash, user.role, user.region_id = hashed, chosen.value, region_id
        user.active = True
        user.session_version += 1  # a new password ends every open session
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
    return Account(
        user.id, user.email, Role(user.role), user.region_id, territory_ids,
        user.session_version, user.feed_version,
    )  # fmt: skip


def authenticate(session: Session, email: str, password: str) -> Account | None:
    """The account when the password matches an active user, else ``None``
    (the same answer, and about the same time, for an unknown e-mail)."""
    user = session.scalars(
        select(User).where(User.email == normal_email(email), User.active.is_(True))  # type: ignore[attr-defined]
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


def load_account(
    session: Session, user_id: int, session_version: int | None = None
) -> Account | None:
    """The account of an active user, or ``None``; with ``session_version``
    also ``None`` when that is not the user's current version (the session
    was ended by a logout, a new password or disabling)."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    if session_version is not None and user.session_version != session_version:
        return None
    return account_for(session, user)


def end_sessions(session: Session, user_id: int) -> None:
    """Every session cookie of this user stops working. The caller commits."""
    session.execute(
        sql_update(User).where(User.id == user_id).values(session_version=User.session_version + 1)
    )


def rotate_feeds(session: Session, user_id: int) -> None:
    """Every calendar feed link given to this user stops working. The
    caller commits."""
    session.execute(
        sql_update(User).where(User.id == user_id).values(feed_version=User.feed_version + 1)
    )


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_api_token(session: Session, email: str, name: str) -> str:
    """Create a token for an existing user; returns it (shown once)."""
    user = _find_user(session, email)
    token = f"cumple_{secrets.token_urlsafe(32)}"
    session.add(ApiToken(user_id=user.id, token_sha256=token_digest(token), name=name[:100]))  # type: ignore[arg-type]
    session.flush()
    return token


def account_for_token(session: Session, token: str) -> Account | None:
    """The account of a token that is not revoked and whose user is
    active, else ``None``."""
    user_id = session.scalars(
        select(ApiToken.user_id).where(
            ApiToken.token_sha256 == token_digest(token),
            ApiToken.revoked_at.is_(None),  # type: ignore[union-attr]
        )
    ).first()
    return load_account(session, user_id) if user_id is not None else None


@dataclass(frozen=True)
class TokenInfo:
    """What may be shown of an API token: never the token itself."""

    name: str
    created_at: datetime
    revoked_at: datetime | None


def list_tokens(session: Session, email: str) -> list[TokenInfo]:
    """The API tokens of a user, oldest first."""
    user = _find_user(session, email)
    rows = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)  # type: ignore[arg-type]
    )
    return [TokenInfo(t.name, t.created_at, t.revoked_at) for t in rows]


def revoke_tokens(session: Session, email: str, name: str | None = None) -> int:
    """Revoke the user's active tokens called ``name`` (every active one
    when ``None``); returns how many. An unknown name is an error. The
    caller commits."""
    user = _find_user(session, email)
    query = sql_update(ApiToken).where(
        ApiToken.user_id == user.id,  # type: ignore[arg-type]
        ApiToken.revoked_at.is_(None),  # type: ignore[union-attr]
    )
    if name is not None:
        known = session.scalars(
            select(ApiToken.id).where(ApiToken.user_id == user.id, ApiToken.name == name)  # type: ignore[arg-type]
        ).first()
        if known is None:
            raise InvalidChange(f"{user.email} no tiene un token llamado «{name}».")
        query = query.where(ApiToken.name == name)  # type: ignore[arg-type]
    return session.execute(query.values(revoked_at=utc_now())).rowcount  # type: ignore[attr-defined,no-any-return]


def disable_user(session: Session, email: str) -> int:
    """Disable an account at once: no login, every session and calendar
    feed ended, every API token revoked. Returns the tokens revoked. The
    caller commits."""
    user = _find_user(session, email)
    user.active = False
    user.session_version += 1
    user.feed_version += 1
    session.add(user)
    session.flush()
    return revoke_tokens(session, user.email)
