"""The daily cycle as a Prefect flow that runs the same steps as the
direct path (:func:`flows.cycle.run_steps`) in its own body: one flow run
per cycle and no task runs, so Prefect's API is asked only to create the
flow run and record its states (each task run cost its own state
transitions, an engine and a settings load, for steps that retry
themselves after transient database errors). Imported only when Prefect
runs the cycle.

The flow reads the settings from the environment (``CUMPLE_*``), as a
Prefect worker does; :func:`run_through_prefect` passes the caller's
settings that way, so no secret travels as a flow parameter. Results are
not persisted: the cycle's record is the ``CycleRun`` row."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime

from prefect import flow

from config import Settings, load_settings
from flows.cycle import CycleReport, resilient, run_steps
from models.calendar import local_date
from models.db import make_engine
from notifications.delivery import deliver


@flow(name="ciclo-diario", log_prints=False, persist_result=False)
async def daily_cycle(day_iso: str | None = None) -> dict[str, object]:
    """Plan the reminders of ``day_iso`` (default: today in
    ``CUMPLE_TIMEZONE``, as a scheduled run asks), build the packages due
    and deliver the outbox."""
    settings = load_settings()
    engine = make_engine(settings.database_url)
    day = date.fromisoformat(day_iso) if day_iso else local_date(datetime.now(UTC), settings.zone)
    try:
        report = await run_steps(engine, settings, day, orchestrator="prefect")
    finally:
        engine.dispose()
    return report.record()


@flow(name="entrega-pendiente", log_prints=False, persist_result=False)
async def pending_delivery() -> dict[str, int]:
    """Deliver what is due in the outbox (retries after temporary failures)."""
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        report = await resilient(
            "entregar",
            lambda: deliver(
                engine, settings, now=datetime.now(UTC), concurrency=settings.smtp_concurrency
            ),
        )
    finally:
        engine.dispose()
    return asdict(report)


async def run_through_prefect(settings: Settings, day: date) -> CycleReport:
    """Run :func:`daily_cycle` through Prefect's engine in this process
    (inside :func:`flows.cycle.prefect_environment`)."""
    result = await daily_cycle(day.isoformat())
    data = dict(result)
    data["day"] = date.fromisoformat(str(data["day"]))
    return CycleReport(**data)  # type: ignore[arg-type]
