"""Delivering the outbox: claim a batch, send it over a few persistent
connections at once, record each outcome as soon as it is known."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.mime.multipart import MIMEMultipart
from pathlib import Path

from sqlalchemy.engine import Engine

from config import Settings
from notifications.compose import compose, list_id_for
from notifications.limits import (
    MAX_WAIT,
    MINUTE,
    Caps,
    Clock,
    classify,
    engaged,
    ensure_state,
    next_room,
    record_refusal,
)
from notifications.outbox import (
    Claimed,
    claim,
    mark_failed,
    mark_retry,
    mark_sent,
    mark_throttled,
    release_claims_of,
    release_expired,
    worker_name,
)
from notifications.reply import Address, replies_for
from notifications.transports import (
    PermanentFailure,
    TemporaryFailure,
    Transport,
    transport_for,
)

BATCH = 200

log = logging.getLogger("cumple.delivery")


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    deferred: int = 0
    """Put back in the queue, no attempt counted, after the server said
    "too many" (they go after the throttle)."""

    def __add__(self, other: DeliveryReport) -> DeliveryReport:
        return DeliveryReport(
            self.sent + other.sent,
            self.retrying + other.retrying,
            self.failed + other.failed,
            self.deferred + other.deferred,
        )


@dataclass
class Gate:
    """The provider's limits as one delivery call sees them: whether
    claims count (``limited``), its clock, the recent sends (a refusal
    during a burst is a "too many") and a throttle met in this call."""

    caps: Caps
    clock: Clock
    limited: bool
    held_until: datetime | None = None
    halted: bool = False
    """A refusal came during the current batch."""
    reply: str = ""
    recent: deque[datetime] = field(default_factory=deque)

    def sent_last_minute(self, now: datetime) -> int:
        while self.recent and self.recent[0] <= now - MINUTE:
            self.recent.popleft()
        return len(self.recent)


def _label(message: Claimed) -> str:
    folder = str(message.cycle_date) if message.cycle_date else message.kind
    return f"{folder}/{message.id:07d}-{message.recipient}"


MIME_TYPES = {
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".json": "application/json",
}


def _attachments(message: Claimed) -> list[tuple[str, str, bytes]]:
    """The files an outbox row names, read at delivery time."""
    if not message.attachments:
        return []
    files = []
    for name in json.loads(message.attachments):
        path = Path(name)
        mime = MIME_TYPES.get(path.suffix, "application/octet-stream")
        files.append((path.name, mime, path.read_bytes()))
    return files


def _compose(
    settings: Settings, message: Claimed, now: datetime, reply_to: list[Address] | None = None
) -> MIMEMultipart:
    """The MIME message of an outbox row. ``now`` is only a provisional
    ``Date``: the transport stamps the real instant it hands it over."""
    return compose(
        mail_from=settings.mail_from,
        recipient=message.recipient,
        recipient_name=message.recipient_name,
        subject=message.subject,
        text=message.body_text,
        html=message.body_html,
        message_id=message.message_id,
        date=now,
        attachments=_attachments(message),
        reply_to=reply_to,
        list_id=list_id_for(settings.base_url),
    )


async def _send_batch(
    engine: Engine,
    settings: Settings,
    batch: list[Claimed],
    make_transport: Callable[[], Transport],
    now: datetime,
    concurrency: int,
    gate: Gate,
) -> DeliveryReport:
    report = DeliveryReport()
    gate.halted = False
    replies = await asyncio.to_thread(replies_for, engine, settings, batch)
    queue: asyncio.Queue[Claimed] = asyncio.Queue()
    for message in batch:
        queue.put_nowait(message)

    async def work() -> None:
        async with make_transport() as transport:
            while True:
                try:
                    message = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                if gate.halted and gate.held_until is not None:
                    # The server said "too many": the rest of this batch
                    # (claimed before the caps counted) goes back untried.
                    await asyncio.to_thread(
                        mark_throttled, engine, message, gate.held_until, gate.reply
                    )
                    report.deferred += 1
                    continue
                try:
                    mime = _compose(settings, message, now, replies.get(message.id))
                except OSError as exc:
                    mark_failed(engine, message, f"adjunto ilegible: {exc}")
                    report.failed += 1
                    continue
                except Exception as exc:  # one broken row must not stop the batch
                    error = f"no se pudo armar el mensaje: {type(exc).__name__}: {exc}"
                    mark_failed(engine, message, " ".join(error.split())[:500])
                    report.failed += 1
                    log.error("correo no armado", exc_info=exc, extra=_fields(message))
                    continue
                try:
                    await transport.send(mime, label=_label(message))
                except TemporaryFailure as exc:
                    if await _throttled(engine, gate, message, exc):
                        report.deferred += 1
                        continue
                    if await asyncio.to_thread(mark_retry, engine, message, now, str(exc)):
                        report.retrying += 1
                        log.debug("correo en reintento", extra=_fields(message, error=str(exc)))
                    else:
                        report.failed += 1
                        log.error("correo fallido", extra=_fields(message, error=str(exc)))
                except PermanentFailure as exc:
                    await asyncio.to_thread(mark_failed, engine, message, str(exc))
                    report.failed += 1
                    log.error("correo rechazado", extra=_fields(message, error=str(exc)))
                else:
                    # Recorded off the event loop: the other connections keep
                    # sending while the database commits this outcome.
                    # When it left (the call's ``now`` advanced): the
                    # minute's count must see what the server saw.
                    moment = gate.clock.now()
                    gate.recent.append(moment)
                    await asyncio.to_thread(mark_sent, engine, message, moment)
                    report.sent += 1

    workers = max(1, min(concurrency, len(batch)))
    await asyncio.gather(*(work() for _ in range(workers)))
    return report


async def _throttled(engine: Engine, gate: Gate, message: Claimed, exc: TemporaryFailure) -> bool:
    """If ``exc`` is the server saying "too many": record the throttle and
    the lower rate for every dispatcher, requeue ``message`` for after it
    without counting the attempt, and hold the rest of this call."""
    at = gate.clock.now()
    sent = gate.sent_last_minute(at)
    refusal = classify(exc.code, str(exc), burst=sent > 0)
    if refusal is None:
        return False
    until = await asyncio.to_thread(record_refusal, engine, gate.caps, refusal, at, sent)
    gate.held_until = max(until, gate.held_until or until)
    gate.halted = True
    gate.reply = refusal.reply
    gate.limited = True
    await asyncio.to_thread(mark_throttled, engine, message, until, refusal.reply)
    log.warning(
        "servidor SMTP pide esperar",
        extra=_fields(message, error=refusal.reply, until=until.isoformat()),
    )
    return True


def _fields(message: Claimed, **extra: object) -> dict[str, object]:
    return {
        "outbox_id": message.id,
        "message_id": message.message_id,
        "attempt": message.attempts,
        **extra,
    }


async def deliver(
    engine: Engine,
    settings: Settings,
    *,
    now: datetime,
    concurrency: int = 4,
    make_transport: Callable[[], Transport] | None = None,
    worker: str | None = None,
    ignore_backoff: bool = False,
    clock: Clock | None = None,
) -> DeliveryReport:
    """Send every message due at ``now`` (with ``ignore_backoff``, also
    those waiting for a retry). Messages that fail temporarily are
    rescheduled with backoff and left for a later delivery run, so one call
    always ends. If the call fails (the database went away), its claims are
    put back before the error propagates, so a retry resends them.

    Under the provider's limits (configured caps, or a server that said
    "too many") claims take only what fits, and the call waits for room in
    the minute or for a throttle up to ``MAX_WAIT``; what does not fit (the
    day's quota spent, a long throttle) stays queued for a later call.
    ``clock`` (default: ``now`` advancing with real time) times the caps;
    tests pass a faster one."""
    factory = make_transport or (lambda: transport_for(settings))
    name = worker or worker_name()
    released = release_expired(engine, now)
    if released:
        log.warning("reclamos liberados", extra={"messages": released})
    log.info("entrega iniciada", extra={"worker": name})
    total = DeliveryReport()
    caps = Caps.of(settings)
    gate = Gate(caps, clock or Clock(now), engaged(caps, ensure_state(engine)))
    try:
        while True:
            at = gate.clock.now() if gate.limited else now
            batch = claim(
                engine, at, name, BATCH, ignore_backoff=ignore_backoff,
                caps=caps if gate.limited else None, since=now,
            )  # fmt: skip
            if not batch:
                if not gate.limited:
                    break
                room = next_room(engine, caps, gate.clock.now())
                if room is None or room - gate.clock.now() > MAX_WAIT:
                    break
                await gate.clock.sleep_until(room)
                continue
            total = total + await _send_batch(
                engine, settings, batch, factory, now, concurrency, gate
            )
    except Exception:
        _release_after_failure(engine, name, now)
        raise
    log.info(
        "entrega terminada",
        extra={"worker": name, "sent": total.sent, "retrying": total.retrying,
               "failed": total.failed, "deferred": total.deferred},
    )  # fmt: skip
    return total


def _release_after_failure(engine: Engine, worker: str, now: datetime) -> None:
    try:
        released = release_claims_of(engine, worker, now)
    except Exception:  # the database is still away: the lease will do it
        log.exception("no se pudieron liberar los reclamos", extra={"worker": worker})
        return
    log.warning("reclamos devueltos a la cola", extra={"worker": worker, "messages": released})
