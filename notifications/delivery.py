"""Delivering the outbox: claim a batch, send it over a few persistent
connections at once, record each outcome as soon as it is known."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.mime.multipart import MIMEMultipart
from pathlib import Path

from sqlalchemy.engine import Engine

from config import Settings
from notifications.compose import compose, list_id_for
from notifications.outbox import (
    Claimed,
    claim,
    mark_failed,
    mark_retry,
    mark_sent,
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

    def __add__(self, other: DeliveryReport) -> DeliveryReport:
        return DeliveryReport(
            self.sent + other.sent, self.retrying + other.retrying, self.failed + other.failed
        )


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
) -> DeliveryReport:
    report = DeliveryReport()
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
                    await asyncio.to_thread(mark_sent, engine, message, now)
                    report.sent += 1

    workers = max(1, min(concurrency, len(batch)))
    await asyncio.gather(*(work() for _ in range(workers)))
    return report


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
) -> DeliveryReport:
    """Send every message due at ``now`` (with ``ignore_backoff``, also
    those waiting for a retry). Messages that fail temporarily are
    rescheduled with backoff and left for a later delivery run, so one call
    always ends. If the call fails (the database went away), its claims are
    put back before the error propagates, so a retry resends them."""
    factory = make_transport or (lambda: transport_for(settings))
    name = worker or worker_name()
    released = release_expired(engine, now)
    if released:
        log.warning("reclamos liberados", extra={"messages": released})
    log.info("entrega iniciada", extra={"worker": name})
    total = DeliveryReport()
    try:
        while True:
            batch = claim(engine, now, name, BATCH, ignore_backoff=ignore_backoff)
            if not batch:
                break
            total = total + await _send_batch(engine, settings, batch, factory, now, concurrency)
    except Exception:
        _release_after_failure(engine, name, now)
        raise
    log.info(
        "entrega terminada",
        extra={"worker": name, "sent": total.sent, "retrying": total.retrying,
               "failed": total.failed},
    )  # fmt: skip
    return total


def _release_after_failure(engine: Engine, worker: str, now: datetime) -> None:
    try:
        released = release_claims_of(engine, worker, now)
    except Exception:  # the database is still away: the lease will do it
        log.exception("no se pudieron liberar los reclamos", extra={"worker": worker})
        return
    log.warning("reclamos devueltos a la cola", extra={"worker": worker, "messages": released})
