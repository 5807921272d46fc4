"""The outbox as a queue: claim with a conditional update before sending,
record the outcome after. A row is only ever sent by the claimer whose
token is on it; a claim left behind by a crashed process expires after
``LEASE`` and the message goes back to the queue."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select, update
from sqlalchemy.engine import Engine

from models.reminders import OutboxMessage, OutboxStatus

LEASE = timedelta(minutes=10)
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
MAX_ATTEMPTS = 30  # about a day of retries at the capped backoff


@dataclass(frozen=True)
class Claimed:
    id: int
    key: str
    kind: str
    cycle_date: object
    recipient: str
    recipient_name: str | None
    subject: str
    body_text: str
    body_html: str
    message_id: str
    attempts: int
    attachments: str | None = None


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt after ``attempts`` failed ones."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def release_expired(engine: Engine, now: datetime) -> int:
    """Put back in the queue the messages whose claimer vanished."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        result = connection.execute(
            update(table)
            .where(table.c.status == OutboxStatus.SENDING, table.c.claimed_at < now - LEASE)
            .values(status=OutboxStatus.PENDING, claimed_by=None, next_attempt_at=now)
        )
    return result.rowcount or 0


def claim(engine: Engine, now: datetime, worker: str, limit: int) -> list[Claimed]:
    """Claim up to ``limit`` due messages for ``worker``: one conditional
    update (only rows still ``pending``) tagged with a fresh token, then read
    back exactly the rows that carry the token."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    token = f"{worker[:60]}:{uuid.uuid4().hex}"
    with engine.begin() as connection:
        candidates = (
            select(table.c.id)
            .where(table.c.status == OutboxStatus.PENDING, table.c.next_attempt_at <= now)
            .order_by(table.c.id)
            .limit(limit)
        )
        if connection.dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        ids = list(connection.execute(candidates).scalars())
        if not ids:
            return []
        connection.execute(
            update(table)
            .where(table.c.id.in_(ids), table.c.status == OutboxStatus.PENDING)
            .values(
                status=OutboxStatus.SENDING,
                claimed_by=token,
                claimed_at=now,
                attempts=table.c.attempts + 1,
            )
        )
        rows = connection.execute(
            select(table).where(table.c.claimed_by == token).order_by(table.c.id)
        ).all()
    return [
        Claimed(
            id=row.id,
            key=row.key,
            kind=row.kind,
            cycle_date=row.cycle_date,
            recipient=row.recipient,
            recipient_name=row.recipient_name,
            subject=row.subject,
            body_text=row.body_text,
            body_html=row.body_html,
            message_id=row.message_id,
            attempts=row.attempts,
            attachments=row.attachments,
        )
        for row in rows
    ]


def _finish(engine: Engine, message: Claimed, **values: object) -> None:
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(
            update(table)
            .where(and_(table.c.id == message.id, table.c.status == OutboxStatus.SENDING))
            .values(claimed_by=None, **values)
        )


def mark_sent(engine: Engine, message: Claimed, now: datetime) -> None:
    _finish(engine, message, status=OutboxStatus.SENT, sent_at=now, last_error=None)


def mark_retry(engine: Engine, message: Claimed, now: datetime, error: str) -> bool:
    """Back to the queue after a temporary failure; ``False`` when the
    attempts are exhausted and the message is recorded as failed."""
    if message.attempts >= MAX_ATTEMPTS:
        mark_failed(engine, message, f"reintentos agotados; último error: {error}")
        return False
    _finish(
        engine,
        message,
        status=OutboxStatus.PENDING,
        next_attempt_at=now + backoff(message.attempts),
        last_error=error,
    )
    return True


def mark_failed(engine: Engine, message: Claimed, error: str) -> None:
    _finish(engine, message, status=OutboxStatus.FAILED, last_error=error)


def counts(engine: Engine) -> dict[str, int]:
    """Messages per status."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        rows = connection.execute(
            select(table.c.status, func.count()).group_by(table.c.status)
        ).all()
    return {status: count for status, count in rows}


def by_status(engine: Engine, status: str, limit: int = 500) -> Sequence[OutboxMessage]:
    """The latest messages in ``status`` (newest first)."""
    from sqlmodel import Session

    with Session(engine) as session:
        return session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == status)
            .order_by(OutboxMessage.id.desc())  # type: ignore[union-attr]
            .limit(limit)
        ).all()
