"""The daily cycle as a Prefect flow of a few coarse tasks (plan, deliver),
never one task per commitment. Imported only when Prefect runs the cycle.

Tasks read the settings from the environment (``CUMPLE_*``), as a Prefect
worker does; :func:`run_through_prefect` passes the caller's settings that
way, so no secret travels as a flow parameter."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from config import Settings, load_settings
from flows.cycle import CycleReport, close_run, open_run, package_step, resilient
from models.calendar import local_date
from models.db import make_engine
from notifications.delivery import DeliveryReport, deliver
from planning.cycle import PlanReport, plan_cycle


@task(name="planificar", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def plan_task(day_iso: str) -> dict[str, int]:
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        return asdict(plan_cycle(engine, settings, date.fromisoformat(day_iso)))
    finally:
        engine.dispose()


@task(name="paquetes", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def packages_task(day_iso: str) -> dict[str, int]:
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        day = date.fromisoformat(day_iso)
        return asdict(package_step(engine, settings, day, datetime.now(UTC)))
    finally:
        engine.dispose()


@task(name="entregar", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
async def deliver_task() -> dict[str, int]:
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        report = await deliver(
            engine, settings, now=datetime.now(UTC), concurrency=settings.smtp_concurrency
        )
        return asdict(report)
    finally:
        engine.dispose()


@flow(name="ciclo-diario", log_prints=False)
async def daily_cycle(day_iso: str | None = None) -> dict[str, object]:
    """Plan the reminders of ``day_iso`` (default: today in
    ``CUMPLE_TIMEZONE``, as a scheduled run asks) and deliver the outbox."""
    settings = load_settings()
    engine = make_engine(settings.database_url)
    day = date.fromisoformat(day_iso) if day_iso else local_date(datetime.now(UTC), settings.zone)
    day_iso = day.isoformat()
    try:
        run_id = await resilient("abrir", lambda: open_run(engine, day, "prefect"))
        plan = PlanReport(**plan_task(day_iso))
        packages = packages_task(day_iso)
        delivery = DeliveryReport(**(await deliver_task()))
        built = packages["built"]
        await resilient("cerrar", lambda: close_run(engine, run_id, plan, delivery, built))
    finally:
        engine.dispose()
    report = CycleReport(
        day, "prefect", plan.due, plan.reminders, plan.messages,
        delivery.sent, delivery.retrying, delivery.failed, packages["built"], packages["failed"],
    )  # fmt: skip
    return report.record()


@flow(name="entrega-pendiente", log_prints=False)
async def pending_delivery() -> dict[str, int]:
    """Deliver what is due in the outbox (retries after temporary failures)."""
    return await deliver_task()


async def run_through_prefect(settings: Settings, day: date) -> CycleReport:
    """Run :func:`daily_cycle` through Prefect's engine in this process
    (inside :func:`flows.cycle.prefect_environment`)."""
    result = await daily_cycle(day.isoformat())
    data = dict(result)
    data["day"] = date.fromisoformat(str(data["day"]))
    return CycleReport(**data)  # type: ignore[arg-type]
