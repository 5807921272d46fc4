"""Every schedule of cumple, declared once. The embedded scheduler
(``cumple serve``) and the Prefect deployments (``cumple deploy``) both
read this list."""

from __future__ import annotations

from dataclasses import dataclass

from config import Settings


@dataclass(frozen=True)
class Schedule:
    name: str
    job: str
    """``module:function`` of a plain function (what a persistent job store
    can reload)."""
    flow: str
    """``module:function`` of the Prefect flow a deployment runs."""
    cron: str
    """Five-field cron in the settings' time zone."""
    description: str

    def cron_fields(self) -> dict[str, str]:
        minute, hour, day, month, day_of_week = self.cron.split()
        return {
            "minute": minute,
            "hour": hour,
            "day": day,
            "month": month,
            "day_of_week": day_of_week,
        }


def schedules(settings: Settings) -> list[Schedule]:
    """The daily cycle every day at ``CUMPLE_CYCLE_TIME`` (each región's
    non-business days are skipped by the cycle itself, since holidays differ
    between regiones), and a delivery pass every five minutes for retries."""
    hour, minute = settings.cycle_time.split(":")
    return [
        Schedule(
            name="ciclo-diario",
            job="flows.jobs:daily_cycle_job",
            flow="flows.prefect_flows:daily_cycle",
            cron=f"{int(minute)} {int(hour)} * * *",
            description="Plazos, recordatorios y envío del día",
        ),
        Schedule(
            name="entrega-pendiente",
            job="flows.jobs:delivery_job",
            flow="flows.prefect_flows:pending_delivery",
            cron="*/5 * * * *",
            description="Reintento de correos pendientes",
        ),
    ]
