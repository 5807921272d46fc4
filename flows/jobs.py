"""Module-level entry points for scheduled jobs: plain functions that a
persistent job store references as ``flows.jobs:<name>``. They read the
settings from the environment, like any worker."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from config import load_settings
from flows.cycle import run_cycle
from models.calendar import local_date
from models.db import make_engine
from notifications.delivery import deliver

log = logging.getLogger("cumple.jobs")


def daily_cycle_job() -> None:
    """The cycle of today (in ``CUMPLE_TIMEZONE``)."""
    settings = load_settings()
    day = local_date(datetime.now(UTC), settings.zone)
    report = asyncio.run(run_cycle(settings, day))
    log.info("ciclo %s: %s", day.isoformat(), report.record())


def delivery_job() -> None:
    """Deliver what is due in the outbox (retries after temporary failures)."""
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        report = asyncio.run(
            deliver(engine, settings, now=datetime.now(UTC), concurrency=settings.smtp_concurrency)
        )
    finally:
        engine.dispose()
    if report.sent or report.retrying or report.failed:
        log.info("entrega: %s", report)
