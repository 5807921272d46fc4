"""The login limit, shared by every process of the service through the
``login_attempt`` table.

An attempt is *reserved* (its rows inserted and committed) before the
password is checked, under two keys: the client address and the e-mail as
:func:`tracking.accounts.normal_email` writes it (the same form the login
looks the user up by, so ``"Ana@x.cl "`` and ``"ana@x.cl"`` share one
count). It may go on only when, after its own commit, no key has more than
``attempts`` rows within the window. Every attempt that goes on committed
before it counted, so the k-th one to commit sees at least k rows: however
many arrive at once, at most ``attempts`` passwords are checked per key and
window. A refused attempt takes its rows back; a success removes the
e-mail's rows and its own address row (an office behind one address is not
blocked by its colleagues' successful logins)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.accounts import LoginAttempt
from models.timestamps import utc_now
from tracking.accounts import normal_email

KEY_LENGTH = 300


@dataclass(frozen=True)
class LoginLimits:
    """At most ``attempts`` password checks per address and per e-mail
    within ``window`` (settings ``login_attempts``, ``login_window_minutes``)."""

    attempts: int
    window: timedelta


@dataclass(frozen=True)
class Reservation:
    """An attempt's rows; ``allowed`` says whether the password may be checked."""

    address_key: str
    email_key: str
    ids: tuple[int, ...]
    allowed: bool


def _key(kind: str, value: str) -> str:
    key = f"{kind}:{value}"
    if len(key) <= KEY_LENGTH:
        return key
    # Longer than the column: a digest keeps distinct values distinct.
    return f"{kind}#{hashlib.sha256(value.encode()).hexdigest()}"


def reserve(
    engine: Engine, address: str, email: str, limits: LoginLimits, now: datetime | None = None
) -> Reservation:
    """Reserve one attempt for ``address`` and ``email`` (committed), prune
    rows older than the window, and say whether it is within the limit. A
    refused reservation is removed again."""
    moment = now or utc_now()
    since = moment - limits.window
    keys = (_key("ip", address), _key("email", normal_email(email)))
    with Session(engine) as session:
        session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at < since))  # type: ignore[arg-type]
        rows = [LoginAttempt(key=key, attempted_at=moment) for key in keys]
        session.add_all(rows)
        session.commit()
        ids = tuple(int(row.id) for row in rows)  # type: ignore[arg-type]
        counts = session.execute(
            select(LoginAttempt.key, func.count())
            .where(LoginAttempt.key.in_(keys), LoginAttempt.attempted_at >= since)  # type: ignore[attr-defined]
            .group_by(LoginAttempt.key)
        ).all()
        allowed = all(count <= limits.attempts for _, count in counts)
        if not allowed:
            session.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(ids)))  # type: ignore[union-attr]
            session.commit()
    return Reservation(keys[0], keys[1], ids, allowed)


def release(engine: Engine, reservation: Reservation) -> None:
    """Take back a reservation whose password was never checked."""
    with Session(engine) as session:
        session.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(reservation.ids)))  # type: ignore[union-attr]
        session.commit()


def succeeded(engine: Engine, reservation: Reservation) -> None:
    """A correct password: the e-mail's count starts again, and this
    attempt no longer counts against its address."""
    with Session(engine) as session:
        session.execute(
            delete(LoginAttempt).where(
                (LoginAttempt.key == reservation.email_key) | (LoginAttempt.id.in_(reservation.ids))  # type: ignore[union-attr]
            )
        )
        session.commit()


def attempts_counted(engine: Engine, key: str) -> int:
    """How many attempts are stored under ``key``."""
    with Session(engine) as session:
        return int(
            session.scalar(select(func.count()).where(LoginAttempt.key == key)) or 0  # type: ignore[arg-type]
        )
