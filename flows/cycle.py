"""The daily cycle as plain steps: open the run, plan reminders, deliver
the outbox, close the run. ``flows.prefect_flows`` wraps the same steps as
Prefect tasks; :func:`run_cycle` picks the engine (see README, "Daily
cycle")."""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import tomllib
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import insert, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from config import Settings
from models.db import make_engine
from models.reminders import CycleRun, FailureKind
from notifications.delivery import DeliveryReport, deliver
from notifications.transports import Transport
from planning.cycle import PlanReport, plan_cycle
from tracking.failures import describe, package_subject, record_failure, resolve_failures

log = logging.getLogger("cumple.cycle")
T = TypeVar("T")
STEP_ATTEMPTS = 5
FIRST_WAIT = 1.0


@dataclass(frozen=True)
class CycleReport:
    day: date
    orchestrator: str
    due: int
    reminders: int
    messages: int
    sent: int
    retrying: int
    failed: int
    packages: int = 0
    package_failures: int = 0

    def record(self) -> dict[str, object]:
        data = asdict(self)
        data["day"] = self.day.isoformat()
        return data


def uses_prefect(settings: Settings) -> bool:
    """Prefect's engine runs the cycle when asked to, or (``auto``) when a
    Prefect API is configured; otherwise the same steps run in-process, so
    a one-off run does not start Prefect's ephemeral server."""
    if settings.orchestration == "prefect":
        return True
    return settings.orchestration == "auto" and prefect_api_configured()


def prefect_api_configured() -> bool:
    """Whether ``PREFECT_API_URL`` is set, in the environment or in the
    active Prefect profile, read without importing Prefect (which costs
    most of a second)."""
    if os.environ.get("PREFECT_API_URL"):
        return True
    home = Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()
    path = Path(os.environ.get("PREFECT_PROFILES_PATH", home / "profiles.toml")).expanduser()
    try:
        profiles = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return False
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active", "ephemeral")
    profile = profiles.get("profiles", {}).get(active, {})
    return bool(isinstance(profile, dict) and profile.get("PREFECT_API_URL"))


def open_run(engine: Engine, day: date, orchestrator: str) -> int:
    table = CycleRun.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        result = connection.execute(
            insert(table).values(
                cycle_date=day, started_at=datetime.now(UTC), orchestrator=orchestrator
            )
        )
        return int(result.inserted_primary_key[0])


@dataclass(frozen=True)
class PackageOutcome:
    built: int
    failed: int


def package_step(engine: Engine, settings: Settings, day: date, now: datetime) -> PackageOutcome:
    """Build and queue every information package due by ``day``, each on
    its own: a package that cannot be built or queued is recorded as a
    :class:`~models.reminders.CycleFailure` (and logged with its traceback)
    and the others go on; it is due again the next day, and its failure is
    resolved when it is built. A transient database error is not the
    package's fault and propagates, so :func:`resilient` retries the step.
    Then the public versions of the published regiones' packages that are
    missing or stale are built (each on its own, the same way)."""
    from reports.build import build_package
    from reports.dispatch import due_packages, record_package
    from reports.public_package import refresh_public_packages

    built_count = failed = 0
    for due in due_packages(engine, day):
        region_id, period_key = due.region.id, due.period.key
        subject = package_subject(period_key, due.region.official_name)
        try:
            built = build_package(engine, settings, due.region, due.period, now=now)
            package_id = record_package(
                engine, settings, built, due.recipients, due.recipient_title, now, automatic=True
            )
        except Exception as exc:
            if isinstance(exc, DBAPIError) and transient(exc):
                raise
            failed += _package_failed(engine, day, now, subject, region_id, period_key, exc)
            continue
        built_count += package_id is not None
        resolve_failures(
            engine, kind=FailureKind.PACKAGE, region_id=region_id, period=period_key, now=now
        )
    refresh_public_packages(engine, settings, day=day, now=now)
    return PackageOutcome(built_count, failed)


def _package_failed(
    engine: Engine,
    day: date,
    now: datetime,
    subject: str,
    region_id: int,
    period_key: str,
    exc: Exception,
) -> int:
    log.error(
        "paquete no armado", exc_info=exc,
        extra={"region_id": region_id, "period": period_key, "error": describe(exc)[:300]},
    )  # fmt: skip
    record_failure(
        engine, day=day, kind=FailureKind.PACKAGE, subject=subject, error=describe(exc),
        now=now, region_id=region_id, period=period_key,
    )  # fmt: skip
    return 1


def close_run(
    engine: Engine, run_id: int, plan: PlanReport, delivery: DeliveryReport, packages: int = 0
) -> None:
    table = CycleRun.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(
            update(table)
            .where(table.c.id == run_id)
            .values(
                finished_at=datetime.now(UTC),
                reminders=plan.reminders,
                messages=plan.messages,
                sent=delivery.sent,
                retrying=delivery.retrying,
                failed=delivery.failed,
                packages=packages,
            )
        )


def transient(exc: BaseException) -> bool:
    """A database error worth retrying: the connection dropped, the
    server restarted, the database was locked for longer than the wait."""
    return isinstance(exc, OperationalError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    )


async def resilient(
    step: str,
    call: Callable[[], T | Awaitable[T]],
    *,
    attempts: int = STEP_ATTEMPTS,
    first_wait: float = FIRST_WAIT,
) -> T:
    """Run one step of the cycle, again after a transient database error
    (waiting 1, 2, 4… s). Every step can run again safely: planning is one
    transaction, packages are recorded under a unique key, a failed
    delivery puts its claims back."""
    for attempt in range(1, attempts + 1):
        try:
            result = call()
            if inspect.isawaitable(result):
                result = await result
            return result  # type: ignore[return-value]
        except DBAPIError as exc:
            if attempt == attempts or not transient(exc):
                raise
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            log.warning(
                "paso interrumpido por la base de datos; se reintenta",
                extra={"step": step, "attempt": attempt, "error": reason[:300]},
            )
            await asyncio.sleep(first_wait * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


async def run_steps(
    engine: Engine,
    settings: Settings,
    day: date,
    *,
    orchestrator: str = "direct",
    now: datetime | None = None,
    make_transport: Callable[[], Transport] | None = None,
) -> CycleReport:
    """The cycle of ``day`` with the steps called directly."""
    moment = now or datetime.now(UTC)
    log.info("ciclo iniciado", extra={"day": day.isoformat(), "orchestrator": orchestrator})
    run_id = await resilient("abrir", lambda: open_run(engine, day, orchestrator))
    plan = await resilient("planificar", lambda: plan_cycle(engine, settings, day, moment))
    outcome = await resilient("paquetes", lambda: package_step(engine, settings, day, moment))
    delivery = await resilient(
        "entregar",
        lambda: deliver(
            engine,
            settings,
            now=moment,
            concurrency=settings.smtp_concurrency,
            make_transport=make_transport,
        ),
    )
    await resilient("cerrar", lambda: close_run(engine, run_id, plan, delivery, outcome.built))
    report = CycleReport(
        day, orchestrator, plan.due, plan.reminders, plan.messages,
        delivery.sent, delivery.retrying, delivery.failed, outcome.built, outcome.failed,
    )  # fmt: skip
    log.info("ciclo terminado", extra=report.record())
    return report


@contextmanager
def prefect_environment(settings: Settings) -> Iterator[None]:
    """The caller's settings as ``CUMPLE_*`` variables (Prefect tasks read
    them as a worker would) and Prefect's housekeeping: its home under the
    data dir, no telemetry (there is no internet), a startup timeout that
    fits a cold ephemeral server, no shipping of Prefect's log lines to its
    API (each a default the environment can override). Set before Prefect is imported."""
    forced = {
        "CUMPLE_DATABASE_URL": settings.database_url,
        "CUMPLE_DATA_DIR": str(Path(settings.data_dir).resolve()),
    }
    defaults = {
        "PREFECT_HOME": str((Path(settings.data_dir) / "prefect").resolve()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        # Prefect's own run lines ("Beginning flow run…") would be shipped
        # to its API in extra round trips; cumple's logs go to its own
        # handlers and the cycle's record is the CycleRun row.
        "PREFECT_LOGGING_TO_API_ENABLED": "false",
    }
    saved = {name: os.environ.get(name) for name in [*forced, *defaults]}
    os.environ.update(forced)
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    # Prefect's ephemeral server keeps its SQLite file there and cannot
    # create the folder itself.
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


async def run_cycle(settings: Settings, day: date) -> CycleReport:
    """One daily cycle for ``day`` (``cumple run``, the scheduler)."""
    if uses_prefect(settings):
        with prefect_environment(settings):
            from flows.prefect_flows import run_through_prefect

            return await run_through_prefect(settings, day)
    engine = make_engine(settings.database_url)
    try:
        return await run_steps(engine, settings, day)
    finally:
        engine.dispose()
