"""Prefect deployments made from the schedules declared once
(:mod:`flows.schedules`): the same names, the same cron lines in the same
time zone. Workers of a *process* work pool run them; the flows are found
by module path, so a worker needs cumple installed and its ``CUMPLE_*``
settings in its environment (secrets never travel through Prefect)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from config import Settings
from flows.schedules import schedules

DEFAULT_WORK_POOL = "cumple"


@dataclass(frozen=True)
class DeploymentSpec:
    name: str
    flow: str
    cron: str
    timezone: str
    description: str

    @property
    def full_name(self) -> str:
        """``flow-name/deployment-name`` as Prefect addresses it (both are
        the schedule's name)."""
        return f"{self.name}/{self.name}"


def deployment_specs(settings: Settings) -> list[DeploymentSpec]:
    """One deployment per declared schedule (pure)."""
    return [
        DeploymentSpec(s.name, s.flow, s.cron, settings.timezone, s.description)
        for s in schedules(settings)
    ]


def _flow_object(path: str) -> object:
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)


async def ensure_work_pool(name: str) -> bool:
    """Create the process work pool ``name`` unless it exists; ``True``
    when it was created."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists

    async with get_client() as client:
        try:
            await client.create_work_pool(
                WorkPoolCreate(name=name, type="process", description="cumple")
            )
        except ObjectAlreadyExists:
            return False
    return True


async def deploy(settings: Settings, work_pool: str, *, paused: bool = False) -> list[str]:
    """Register (or update) every deployment on the configured Prefect
    API; returns their ``flow/deployment`` names. Each runs at most once at
    a time (``concurrency_limit=1``)."""
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    await ensure_work_pool(work_pool)
    names = []
    for spec in deployment_specs(settings):
        flow = _flow_object(spec.flow)
        deployment = await flow.ato_deployment(  # type: ignore[attr-defined]
            name=spec.name,
            schedules=[Cron(spec.cron, timezone=spec.timezone)],
            paused=paused,
            concurrency_limit=1,
            description=spec.description,
            tags=["cumple"],
            work_pool_name=work_pool,
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
        await deployment.apply(work_pool_name=work_pool)
        names.append(spec.full_name)
    return names
