"""The embedded scheduler of ``cumple serve``: APScheduler 3 with its job
store in the application database, the settings' time zone, coalescing and
a misfire grace time, so that after downtime one catch-up cycle runs (the
cycle itself sends the current state, not the backlog)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select
from sqlalchemy.engine import Engine

from config import Settings
from flows.schedules import schedules
from models.calendar import local_date
from models.reminders import CycleRun

MISFIRE_GRACE_SECONDS = 12 * 3600


def build_scheduler(settings: Settings) -> BackgroundScheduler:
    """A scheduler with every declared schedule (not started)."""
    scheduler = BackgroundScheduler(
        jobstores={
            "default": SQLAlchemyJobStore(url=settings.database_url, tablename="apscheduler_jobs")
        },
        timezone=settings.zone,
        job_defaults={
            "coalesce": True,
            "misfire_grace_time": MISFIRE_GRACE_SECONDS,
            "max_instances": 1,
        },
    )
    for schedule in schedules(settings):
        scheduler.add_job(
            schedule.job,
            CronTrigger(timezone=settings.zone, **schedule.cron_fields()),
            id=schedule.name,
            name=schedule.description,
            replace_existing=True,
        )
    return scheduler


def missed_today(engine: Engine, settings: Settings, now: datetime | None = None) -> bool:
    """Whether today's cycle time has passed without a cycle for today
    (the server was down at the hour): then it runs at start-up."""
    moment = now or datetime.now(UTC)
    today = local_date(moment, settings.zone)
    hour, minute = (int(part) for part in settings.cycle_time.split(":"))
    if moment.astimezone(settings.zone).time() < time(hour, minute):
        return False
    with engine.connect() as connection:
        ran = connection.execute(
            select(CycleRun.id).where(CycleRun.cycle_date == today).limit(1)  # type: ignore[arg-type]
        ).first()
    return ran is None
