"""Delivery throughput: the product's delivery of planned digests against
raw aiosmtplib sending the same messages, prebuilt, over 10 concurrent
persistent connections; both to one loopback aiosmtpd server in its own
process (``testbed.smtp_recorder``), in the same run."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
from sqlalchemy import select

from config import load_settings
from models.db import make_engine
from models.reminders import OutboxMessage
from notifications.compose import compose
from notifications.delivery import deliver
from testbed.processes import Recorder

CONNECTIONS = 10


def _prebuilt(url: str, mail_from: str) -> list[EmailMessage]:
    engine = make_engine(url)
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        rows = connection.execute(select(table)).all()
    engine.dispose()
    now = datetime.now(UTC)
    return [
        compose(
            mail_from=mail_from, recipient=row.recipient, recipient_name=row.recipient_name,
            subject=row.subject, text=row.body_text, html=row.body_html,
            message_id=row.message_id, date=now, attachments=[],
        )
        for row in rows
    ]  # fmt: skip


async def _raw(port: int, messages: list[EmailMessage]) -> float:
    queue: asyncio.Queue[EmailMessage] = asyncio.Queue()
    for message in messages:
        queue.put_nowait(message)

    async def worker() -> None:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port)
        await client.connect()
        while True:
            try:
                message = queue.get_nowait()
            except asyncio.QueueEmpty:
                break
            await client.send_message(message)
        await client.quit()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
    return time.perf_counter() - started


def measure(planned_url: str, folder: Path) -> dict[str, float]:
    """``planned_url`` holds a planned, undelivered outbox."""
    recorder = Recorder(folder).start()
    try:
        settings = load_settings(
            database_url=planned_url, data_dir=folder, smtp_host="127.0.0.1",
            smtp_port=recorder.port, smtp_concurrency=CONNECTIONS,
        )  # fmt: skip
        messages = _prebuilt(planned_url, settings.mail_from)
        raw_seconds = asyncio.run(_raw(recorder.port, messages))
        engine = make_engine(planned_url)
        started = time.perf_counter()
        report = asyncio.run(
            deliver(engine, settings, now=datetime.now(UTC), concurrency=CONNECTIONS)
        )
        product_seconds = time.perf_counter() - started
        engine.dispose()
    finally:
        recorder.stop()
    count = len(messages)
    return {
        "messages": count,
        "sent": report.sent,
        "raw_per_s": count / raw_seconds,
        "product_per_s": report.sent / product_seconds,
    }
