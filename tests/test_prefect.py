"""The same cycle through Prefect's engine (a real, local Prefect API from
prefect_test_harness): the flow and its coarse tasks run and are recorded."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from flows.cycle import run_cycle, uses_prefect
from importer import import_file
from tests.cycle_helpers import settings_for
from tests.helpers import row, write_csv


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    home = tmp_path_factory.mktemp("prefect-home")
    os.environ.update(
        {
            "PREFECT_HOME": str(home),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        }
    )
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        from prefect.settings import PREFECT_API_URL

        # What an operator does: point PREFECT_API_URL at a server.
        os.environ["PREFECT_API_URL"] = str(PREFECT_API_URL.value())
        yield
        del os.environ["PREFECT_API_URL"]


@pytest.mark.slow
def test_cycle_runs_through_prefect_when_an_api_is_configured(
    prefect_api: None, engine: Engine, database_url: str, tmp_path: Path
) -> None:
    rows = [row(plazo="2026-09-21", responsable_email="r1@a.cl")]
    import_file(engine, write_csv(tmp_path / "a.csv", rows), actor="prueba")
    settings = settings_for(tmp_path, database_url, None)
    assert os.environ.get("PREFECT_API_URL")
    assert uses_prefect(settings)
    report = asyncio.run(run_cycle(settings, date(2026, 9, 21)))
    assert report.orchestrator == "prefect"
    assert report.sent == report.messages == 1  # on the due date, the responsable only
    again = asyncio.run(run_cycle(settings, date(2026, 9, 21)))
    assert again.sent == 0

    from prefect.client.orchestration import get_client

    async def flow_runs() -> list[str]:
        async with get_client() as client:
            runs = await client.read_flow_runs()
            return [run.state.type.value for run in runs if run.state]

    states = asyncio.run(flow_runs())
    assert states.count("COMPLETED") >= 2
