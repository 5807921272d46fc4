"""The mail provider's limits: a per-minute rate and a daily quota
(``CUMPLE_SMTP_RATE_PER_MINUTE``, ``CUMPLE_SMTP_DAILY_QUOTA``) and what
the server says when pushed (421, 451 4.7.x, 452 "too many").

Usage is counted from the database, so every dispatcher shares the caps:
the messages being sent (claimed, not yet recorded) plus those recorded
sent in the last minute, or since local midnight. A claim locks the one
:class:`SmtpLimitState` row first, so two claims count one after the
other. A refusal for rate records a throttle (until when, a lower rate)
in that row; after a quiet period the rate climbs back step by step."""

from __future__ import annotations

import asyncio
import math
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from config import Settings
from models.reminders import OutboxMessage, OutboxStatus
from models.smtp_limits import STATE_ID, SmtpLimitState

MINUTE = timedelta(minutes=1)
QUIET = timedelta(minutes=5)
"""No refusal for this long, and the adaptive rate starts to climb back."""
RELEASE_UNCAPPED = timedelta(minutes=30)
"""With no configured rate, an adaptive one is dropped after this quiet."""
SERVER_LIMIT_HOLDS = timedelta(days=1)
"""A limit the server named is not exceeded again for this long."""
DEFAULT_PAUSE = timedelta(minutes=1)
"""How long to wait after a refusal that names no time."""
MAX_WAIT = timedelta(minutes=15)
"""A delivery waits for the rate or a throttle up to this long; beyond it
the messages stay queued for a later delivery."""
IN_FLIGHT = timedelta(minutes=10)
"""Claims younger than this count as being sent (the outbox's lease)."""

STATE = SmtpLimitState.__table__  # type: ignore[attr-defined]
OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]


class Clock:
    """The delivery's clock: ``start`` advancing with real time times
    ``scale``. ``scale`` is a test-only knob (300 makes a minute pass in
    0.2 s); production uses 1."""

    def __init__(self, start: datetime, scale: float = 1.0) -> None:
        self.start = start
        self.scale = scale
        self._origin = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self._origin) * self.scale)

    async def sleep_until(self, moment: datetime) -> None:
        seconds = (moment - self.now()).total_seconds() / self.scale
        if seconds > 0:
            await asyncio.sleep(seconds)


@dataclass(frozen=True)
class Caps:
    """The configured caps and the local day they count in."""

    per_minute: int | None
    daily: int | None
    zone: ZoneInfo

    @classmethod
    def of(cls, settings: Settings) -> Caps:
        return cls(settings.smtp_rate_per_minute, settings.smtp_daily_quota, settings.zone)

    def day_start(self, now: datetime) -> datetime:
        local = now.astimezone(self.zone)
        midnight = datetime(local.year, local.month, local.day, tzinfo=self.zone)
        return midnight.astimezone(UTC)

    def next_day(self, now: datetime) -> datetime:
        local = now.astimezone(self.zone).date() + timedelta(days=1)
        return datetime(local.year, local.month, local.day, tzinfo=self.zone).astimezone(UTC)


@dataclass(frozen=True)
class LimitState:
    rate: int | None = None
    server_rate: int | None = None
    throttled_until: datetime | None = None
    last_refusal_at: datetime | None = None
    last_raise_at: datetime | None = None
    refusals: int = 0
    last_reply: str | None = None


@dataclass(frozen=True)
class Usage:
    last_minute: int
    today: int


@dataclass(frozen=True)
class Refusal:
    """A "too many" answer: how long the server asked to wait, the rate it
    named, and whether it is the day's quota."""

    reply: str
    retry_after: timedelta | None = None
    per_minute: int | None = None
    daily: bool = False


RATE_WORDS = re.compile(
    r"rate|too many|limit|quota|throttl|exceed|try again|slow down|busy|frecuencia|cuota",
    re.IGNORECASE,
)
ENHANCED_POLICY = re.compile(r"\b4\.7\.\d+\b")
RETRY_AFTER = re.compile(
    r"(?:try again|retry|reintente)\D{0,20}?(\d+)\s*(s\b|sec|seg|min)", re.IGNORECASE
)
PER_MINUTE = re.compile(
    r"(\d+)\s*(?:messages?|msgs?|mensajes?|emails?)?\s*(?:per|/|por|a)\s*(?:minute|min)",
    re.IGNORECASE,
)
DAILY = re.compile(r"daily|per day|24 ?h|/day|por d[ií]a|diari", re.IGNORECASE)


def classify(code: int | None, reply: str, *, burst: bool) -> Refusal | None:
    """Whether a temporary failure is the server saying "too many" (pure):
    421, 451 or 452 with rate or quota wording or a 4.7.x status, or a bare
    421/452 while we were sending in a burst."""
    if code not in (421, 451, 452):
        return None
    worded = bool(RATE_WORDS.search(reply) or ENHANCED_POLICY.search(reply))
    if not worded and not (burst and code in (421, 452)):
        return None
    retry_after = None
    if found := RETRY_AFTER.search(reply):
        amount = int(found.group(1))
        unit = found.group(2).lower()
        retry_after = timedelta(minutes=amount) if unit == "min" else timedelta(seconds=amount)
    per_minute = None
    if found := PER_MINUTE.search(reply):
        per_minute = max(1, int(found.group(1)))
    return Refusal(
        " ".join(reply.split())[:300], retry_after, per_minute, bool(DAILY.search(reply))
    )


def ensure_state(engine: Engine) -> LimitState:
    """The shared row, created on first use; returns its values."""
    with engine.begin() as connection:
        row = connection.execute(select(STATE).where(STATE.c.id == STATE_ID)).first()
    if row is None:
        try:
            with engine.begin() as connection:
                connection.execute(
                    insert(STATE).values(id=STATE_ID, refusals=0, updated_at=datetime.now(UTC))
                )
        except IntegrityError:  # another dispatcher created it first
            pass
        return LimitState()
    return _state(row)


def _state(row: object) -> LimitState:
    return LimitState(
        row.rate,  # type: ignore[attr-defined]
        row.server_rate,  # type: ignore[attr-defined]
        row.throttled_until,  # type: ignore[attr-defined]
        row.last_refusal_at,  # type: ignore[attr-defined]
        row.last_raise_at,  # type: ignore[attr-defined]
        row.refusals,  # type: ignore[attr-defined]
        row.last_reply,  # type: ignore[attr-defined]
    )


def read_state(connection: Connection) -> LimitState:
    row = connection.execute(select(STATE).where(STATE.c.id == STATE_ID)).first()
    return _state(row) if row is not None else LimitState()


def engaged(caps: Caps, state: LimitState) -> bool:
    """Whether claims must count: a cap is configured or the server
    throttled us (a refusal always leaves an adaptive rate)."""
    return bool(caps.per_minute or caps.daily or state.rate)


def usage(connection: Connection, caps: Caps, now: datetime) -> Usage:
    """Messages handed (or being handed) to the server in the last minute
    and since local midnight, by every dispatcher."""
    day = caps.day_start(now)
    sent = OUTBOX.c.status == OutboxStatus.SENT
    in_flight = select(func.count()).where(
        OUTBOX.c.status == OutboxStatus.SENDING, OUTBOX.c.claimed_at > now - IN_FLIGHT
    )
    flying = connection.execute(in_flight).scalar_one()
    minute = connection.execute(
        select(func.count()).where(sent, OUTBOX.c.sent_at > now - MINUTE)
    ).scalar_one()
    today = connection.execute(
        select(func.count()).where(sent, OUTBOX.c.sent_at >= day)
    ).scalar_one()
    return Usage(int(minute) + int(flying), int(today) + int(flying))


def effective_rate(caps: Caps, state: LimitState) -> int | None:
    """The rate in force: the lower of the configured and the adaptive."""
    rates = [rate for rate in (caps.per_minute, state.rate) if rate]
    return min(rates) if rates else None


def _recover(caps: Caps, state: LimitState, now: datetime) -> dict[str, object]:
    """The adaptive rate's next step up after a quiet period, if due."""
    if not state.rate or state.last_refusal_at is None:
        return {}
    quiet = now - state.last_refusal_at
    named = state.server_rate if quiet < SERVER_LIMIT_HOLDS else None
    if named is not None and state.rate >= named:
        return {}  # probing above what the server said only earns refusals
    if caps.per_minute is None and named is None and quiet >= RELEASE_UNCAPPED:
        return {"rate": None, "last_raise_at": now}
    if quiet < QUIET or (state.last_raise_at and now - state.last_raise_at < MINUTE):
        return {}
    raised = state.rate + max(1, math.ceil(state.rate / 4))
    if named is not None:
        raised = min(raised, named)
    if caps.per_minute is not None and raised >= caps.per_minute:
        return {"rate": None, "last_raise_at": now}
    return {"rate": raised, "last_raise_at": now}


@dataclass(frozen=True)
class Allowance:
    count: int | None
    """How many may be claimed now (``None``: no limit)."""
    state: LimitState
    usage: Usage | None = None


def allowance(connection: Connection, caps: Caps, now: datetime) -> Allowance:
    """Lock the shared row and say how many messages fit now under the
    caps, the adaptive rate and any throttle. Must run in the claim's
    transaction, before it chooses rows."""
    locked = connection.execute(
        update(STATE).where(STATE.c.id == STATE_ID).values(updated_at=now)
    ).rowcount
    state = read_state(connection) if locked else LimitState()
    step = _recover(caps, state, now)
    if step:
        connection.execute(update(STATE).where(STATE.c.id == STATE_ID).values(**step))
        state = read_state(connection)
    if not engaged(caps, state):
        return Allowance(None, state)
    if state.throttled_until is not None and state.throttled_until > now:
        return Allowance(0, state)
    used = usage(connection, caps, now)
    room: list[int] = []
    rate = effective_rate(caps, state)
    if rate is not None:
        room.append(rate - used.last_minute)
    if caps.daily is not None:
        room.append(caps.daily - used.today)
    return Allowance(max(0, min(room)) if room else None, state, used)


def next_room(engine: Engine, caps: Caps, now: datetime) -> datetime | None:
    """When a claim may find room again, for a delivery that found none
    while messages are due: the end of a throttle, or when the oldest
    message of the last minute leaves it. ``None`` when the day's quota is
    spent or nothing is due (the delivery ends; the rest stays queued)."""
    with engine.connect() as connection:
        state = read_state(connection)
        due = connection.execute(
            select(func.count()).where(
                OUTBOX.c.status == OutboxStatus.PENDING, OUTBOX.c.next_attempt_at <= now
            )
        ).scalar_one()
        held = connection.execute(
            select(func.min(OUTBOX.c.next_attempt_at)).where(
                OUTBOX.c.status == OutboxStatus.PENDING,
                OUTBOX.c.next_attempt_at > now,
                OUTBOX.c.next_attempt_at <= (state.throttled_until or now),
            )
        ).scalar()
        if not due and held is None:
            return None
        used = usage(connection, caps, now)
        if caps.daily is not None and used.today >= caps.daily:
            return None
        if state.throttled_until is not None and state.throttled_until > now:
            return state.throttled_until
        if held is not None and not due:
            return held
        oldest = connection.execute(
            select(func.min(OUTBOX.c.sent_at)).where(
                OUTBOX.c.status == OutboxStatus.SENT, OUTBOX.c.sent_at > now - MINUTE
            )
        ).scalar()
    if oldest is None:  # only messages in flight fill the minute
        return now + timedelta(seconds=1)
    return oldest + MINUTE + timedelta(milliseconds=1)


def record_refusal(
    engine: Engine, caps: Caps, refusal: Refusal, now: datetime, sent_last_minute: int
) -> datetime:
    """Record a "too many" answer: a throttle until the server's time (or
    the next local day for a daily quota, or a minute), and a lower rate —
    the server's own when it names one, else half of what we were sending.
    Returns when sending may resume."""
    if refusal.daily and refusal.retry_after is None:
        until = caps.next_day(now)
    else:
        until = now + (refusal.retry_after or DEFAULT_PAUSE)
    with engine.begin() as connection:
        connection.execute(update(STATE).where(STATE.c.id == STATE_ID).values(updated_at=now))
        state = read_state(connection)
        current = effective_rate(caps, state) or max(sent_last_minute, 2)
        rate = max(1, current // 2)
        if refusal.per_minute is not None:
            rate = refusal.per_minute
        if state.throttled_until is not None and state.throttled_until > until:
            until = state.throttled_until
        connection.execute(
            update(STATE)
            .where(STATE.c.id == STATE_ID)
            .values(
                rate=rate,
                server_rate=refusal.per_minute,
                throttled_until=until,
                last_refusal_at=now,
                last_raise_at=None,
                refusals=STATE.c.refusals + 1,
                last_reply=refusal.reply,
            )
        )
    return until


def waiting_for_caps(connection: Connection, caps: Caps, now: datetime) -> int:
    """Messages held back by the caps or a throttle: those requeued after a
    refusal, and every due one while the quota is spent or a throttle is on."""
    state = read_state(connection)
    pending = OUTBOX.c.status == OutboxStatus.PENDING
    held = OUTBOX.c.last_error.startswith(THROTTLED_PREFIX, autoescape=True)
    spent = caps.daily is not None and usage(connection, caps, now).today >= caps.daily
    throttled = state.throttled_until is not None and state.throttled_until > now
    condition = or_(held, OUTBOX.c.next_attempt_at <= now) if spent or throttled else held
    return int(connection.execute(select(func.count()).where(pending, condition)).scalar_one())


THROTTLED_PREFIX = "límite del servidor: "
"""How ``last_error`` marks a message requeued after a "too many"."""
