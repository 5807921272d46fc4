"""What an operator asks first: how much mail is waiting, when the last
cycle finished, what failed (messages, and packages or messages a cycle
could not make) and when the next runs are. Read-only queries
plus a pure computation of the next runs from the declared schedules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from config import Settings
from flows.schedules import Schedule, schedules
from models.reminders import CycleRun, OutboxMessage, OutboxStatus
from notifications.limits import Caps, effective_rate, read_state, usage, waiting_for_caps
from tracking.failures import OpenFailure, open_failures

STALE_RUN = timedelta(hours=6)
"""A cycle started this long ago and not finished was interrupted."""


@dataclass(frozen=True)
class CycleSummary:
    cycle_date: date
    started_at: datetime
    finished_at: datetime | None
    orchestrator: str
    messages: int
    sent: int
    failed: int


@dataclass(frozen=True)
class FailedMessage:
    id: int
    recipient: str
    subject: str
    attempts: int
    error: str | None


@dataclass(frozen=True)
class NextRun:
    name: str
    description: str
    at: datetime


@dataclass(frozen=True)
class MailLimits:
    """The provider's caps and how they stand: messages handed to the
    server today against the daily quota, the configured rate and the one
    in force (lower after the server said "too many"), any throttle, and
    how many messages wait for the caps."""

    used_today: int
    daily_quota: int | None
    rate_cap: int | None
    current_rate: int | None
    throttled_until: datetime | None
    waiting: int
    refusals: int
    last_reply: str | None


@dataclass(frozen=True)
class Status:
    queue: dict[str, int]
    due_now: int
    oldest_waiting: datetime | None
    last_success: CycleSummary | None
    interrupted: list[CycleSummary]
    failed: list[FailedMessage]
    next_runs: list[NextRun] = field(default_factory=list)
    failures: list[OpenFailure] = field(default_factory=list)
    """What cycles could not do (a región's package, a message) and no
    later cycle has done yet, newest first."""
    mail_limits: MailLimits | None = None
    """Present when a cap is configured or the server ever throttled us."""


ORCHESTRATORS = {"direct": "directo", "prefect": "Prefect"}
"""How each orchestrator of a cycle is named to a person (JSON keeps the value)."""


def orchestrator_label(value: str) -> str:
    """``direct`` → ``directo``: the orchestrator as a person reads it."""
    return ORCHESTRATORS.get(value, value)


def next_runs(declared: list[Schedule], zone: object, now: datetime) -> list[NextRun]:
    """When each declared schedule fires next, strictly after ``now`` (pure)."""
    runs = []
    for schedule in declared:
        trigger = CronTrigger(timezone=zone, **schedule.cron_fields())
        after = (now + timedelta(microseconds=1)).astimezone(trigger.timezone)
        at = trigger.get_next_fire_time(None, after)
        if at is not None:
            runs.append(NextRun(schedule.name, schedule.description, at))
    return sorted(runs, key=lambda run: run.at)


def _summary(row: CycleRun) -> CycleSummary:
    return CycleSummary(
        row.cycle_date, row.started_at, row.finished_at, row.orchestrator,
        row.messages, row.sent, row.failed,
    )  # fmt: skip


def gather_status(engine: Engine, settings: Settings, now: datetime) -> Status:
    """The installation's status at ``now``."""
    outbox = OutboxMessage.__table__  # type: ignore[attr-defined]
    runs = CycleRun.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        queue = {status.value: 0 for status in OutboxStatus} | dict(
            connection.execute(  # type: ignore[arg-type]
                select(outbox.c.status, func.count()).group_by(outbox.c.status)
            ).all()
        )
        waiting = outbox.c.status == OutboxStatus.PENDING
        due_now = connection.execute(
            select(func.count()).where(waiting, outbox.c.next_attempt_at <= now)
        ).scalar_one()
        oldest = connection.execute(select(func.min(outbox.c.created_at)).where(waiting)).scalar()
        last = connection.execute(
            select(runs)
            .where(runs.c.finished_at.is_not(None))
            .order_by(runs.c.finished_at.desc())
            .limit(1)
        ).first()
        stale = connection.execute(
            select(runs)
            .where(runs.c.finished_at.is_(None), runs.c.started_at < now - STALE_RUN)
            .order_by(runs.c.started_at.desc())
            .limit(10)
        ).all()
        failed = connection.execute(
            select(
                outbox.c.id,
                outbox.c.recipient,
                outbox.c.subject,
                outbox.c.attempts,
                outbox.c.last_error,
            )
            .where(outbox.c.status == OutboxStatus.FAILED)
            .order_by(outbox.c.id.desc())
            .limit(10)
        ).all()
        limits = _mail_limits(connection, settings, now)
    return Status(
        queue=queue,
        due_now=int(due_now),
        oldest_waiting=oldest,
        last_success=_summary(last) if last else None,  # type: ignore[arg-type]
        interrupted=[_summary(row) for row in stale],  # type: ignore[arg-type]
        failed=[
            FailedMessage(r.id, r.recipient, r.subject, r.attempts, r.last_error) for r in failed
        ],
        next_runs=next_runs(schedules(settings), settings.zone, now),
        failures=open_failures(engine),
        mail_limits=limits,
    )


def _mail_limits(connection: Connection, settings: Settings, now: datetime) -> MailLimits | None:
    caps = Caps.of(settings)
    state = read_state(connection)
    if not (caps.per_minute or caps.daily or state.rate or state.refusals):
        return None
    throttled = state.throttled_until
    return MailLimits(
        used_today=usage(connection, caps, now).today,
        daily_quota=caps.daily,
        rate_cap=caps.per_minute,
        current_rate=effective_rate(caps, state),
        throttled_until=throttled if throttled is not None and throttled > now else None,
        waiting=waiting_for_caps(connection, caps, now),
        refusals=state.refusals,
        last_reply=state.last_reply,
    )
