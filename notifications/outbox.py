"""The outbox as a queue: claim with a conditional update before sending,
record the outcome after. A row is only ever sent by the claimer whose
token is on it; a claim left behind by a crashed process expires after
``LEASE`` and the message goes back to the queue."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement

from models.reminders import OutboxMessage, OutboxStatus, ReminderDelivery
from models.stages import Audience
from notifications.limits import THROTTLED_PREFIX, Caps, allowance

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


def _requeue(connection: Connection, claims: ColumnElement[bool], now: datetime) -> int:
    """Put the ``sending`` rows matching ``claims`` back in the queue, due now."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    result = connection.execute(
        update(table)
        .where(table.c.status == OutboxStatus.SENDING, claims)
        .values(status=OutboxStatus.PENDING, claimed_by=None, next_attempt_at=now)
    )
    return result.rowcount or 0


def release_expired(engine: Engine, now: datetime) -> int:
    """Put back in the queue the messages whose claimer vanished: claims
    older than ``LEASE`` (a claimer on any host), and at once the claims of
    processes of this host that are no longer running (see
    :func:`dead_claimers`)."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        released = _requeue(connection, table.c.claimed_at < now - LEASE, now)
        claimers = connection.execute(
            select(table.c.claimed_by).where(table.c.status == OutboxStatus.SENDING).distinct()
        ).scalars()
        dead = dead_claimers(claimers, HOST, _running)
        if dead:
            released += _requeue(connection, table.c.claimed_by.in_(dead), now)
    return released


def release_claims_of(engine: Engine, worker: str, now: datetime) -> int:
    """Put back the messages claimed by ``worker`` (a delivery of this
    process that failed and will not finish them)."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        return _requeue(
            connection, table.c.claimed_by.startswith(f"{worker}:", autoescape=True), now
        )


HOST = os.uname().nodename[:40]


def worker_name(call: str | None = None) -> str:
    """``host:pid:call`` — who claims a batch. ``call`` tells apart two
    deliveries running at once in one process (the scheduler's jobs)."""
    return f"{HOST}:{os.getpid()}:{call or uuid.uuid4().hex[:8]}"


def _running(pid: int, signal: Callable[[int, int], None] = os.kill) -> bool:
    """Whether a process exists (signal 0 probes it; a process of another
    user answers "not permitted", which still means it exists)."""
    try:
        signal(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead_claimers(
    tokens: Iterable[str | None], host: str, running: Callable[[int], bool]
) -> list[str]:
    """The claim tokens (``host:pid:call:nonce``) taken on ``host`` by a
    process that is no longer ``running``: killed or crashed, its claims
    need not wait for the lease. Claims of other hosts wait for the lease."""
    dead = []
    for token in tokens:
        if not token:
            continue
        parts = token.split(":")
        if len(parts) != 4 or parts[0] != host or not parts[1].isdigit():
            continue
        if not running(int(parts[1])):
            dead.append(token)
    return dead


def claim(
    engine: Engine,
    now: datetime,
    worker: str,
    limit: int,
    *,
    ignore_backoff: bool = False,
    caps: Caps | None = None,
    since: datetime | None = None,
) -> list[Claimed]:
    """Claim up to ``limit`` due messages for ``worker``: one conditional
    update (only rows still ``pending``) tagged with a fresh token, then read
    back exactly the rows that carry the token. When another dispatcher
    took every chosen row first, choose again: an empty answer means that
    nothing is due. ``ignore_backoff`` takes messages waiting for a retry
    too (the operator fixed the server).

    With ``caps`` (the provider's limits are engaged) the claim first locks
    the shared limits row and takes no more than fits under the rate, the
    daily quota and any throttle (an empty answer may then mean "no room":
    see :func:`notifications.limits.next_room`), packages and escalations
    first, then by age. ``since`` is when the calling delivery started
    (``ignore_backoff`` does not take again what it tried since then)."""
    while True:
        chosen, rows = _claim_once(engine, now, worker, limit, ignore_backoff, caps, since)
        if rows or not chosen:
            return rows


def priority() -> ColumnElement[int]:
    """0 for packages and escalations (a digest to a gerente or a
    director), 1 for routine reminders: what goes first when the quota is
    short."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    links = ReminderDelivery.__table__  # type: ignore[attr-defined]
    escalation = exists().where(
        links.c.outbox_id == table.c.id, links.c.audience != Audience.RESPONSABLE.value
    )
    return case((table.c.kind == "package", 0), (escalation, 0), else_=1)


def _claim_once(
    engine: Engine,
    now: datetime,
    worker: str,
    limit: int,
    ignore_backoff: bool,
    caps: Caps | None = None,
    since: datetime | None = None,
) -> tuple[int, list[Claimed]]:
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    token = f"{worker}:{uuid.uuid4().hex[:12]}"
    with engine.begin() as connection:
        order: list[ColumnElement[object]] = [table.c.id]
        if caps is not None:
            room = allowance(connection, caps, now).count
            if room is not None:
                if room <= 0:
                    return 0, []
                limit = min(limit, room)
                order = [priority(), table.c.id]
        ready = table.c.next_attempt_at <= now
        if ignore_backoff:
            # Every waiting message once, not again those this call has
            # just tried (their claimed_at is ``now``).
            start = since or now
            ready = or_(ready, table.c.claimed_at.is_(None), table.c.claimed_at < start)
        due = and_(table.c.status == OutboxStatus.PENDING, ready)
        candidates = select(table.c.id).where(due).order_by(*order).limit(limit)
        if connection.dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        ids = list(connection.execute(candidates).scalars())
        if not ids:
            return 0, []
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
    claimed = [
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
    return len(ids), claimed


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


def mark_throttled(engine: Engine, message: Claimed, until: datetime, reply: str) -> None:
    """Back to the queue after the server said "too many": due at
    ``until``, and the attempt is not counted (the message was not tried)."""
    _finish(
        engine,
        message,
        status=OutboxStatus.PENDING,
        attempts=max(message.attempts - 1, 0),
        next_attempt_at=until,
        last_error=f"{THROTTLED_PREFIX}{reply}"[:500],
    )


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
