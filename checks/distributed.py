"""``make distributed-check``: cumple in distributed mode on loopback. A
real Prefect server on PostgreSQL, a process work pool, ``cumple deploy``,
a real worker; then a run of the ``ciclo-diario`` deployment, executed by
the worker against cumple's PostgreSQL database, mailing a recording SMTP
server. Passes when the worker completed the run, the cycle is recorded as
finished by Prefect and every message reached the server once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

from sqlalchemy import select

from checks.harness import (
    ROOT,
    cumple_env,
    database,
    pg_execute,
    postgres_available,
    postgres_url,
    run_cumple,
    tally,
)
from models.reminders import CycleRun
from testbed.processes import Recorder, free_port
from testbed.workbook import write_workbook

POOL = "cumple-check"
DAY = date(2026, 11, 24)


def _prefect_env(folder: Path, api_port: int, database_name: str) -> dict[str, str]:
    url = postgres_url(database_name).replace("postgresql+psycopg", "postgresql+asyncpg")
    return {
        "PREFECT_HOME": str(folder / "prefect"),
        "PREFECT_API_URL": f"http://127.0.0.1:{api_port}/api",
        "PREFECT_API_DATABASE_CONNECTION_URL": url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_WORKER_QUERY_SECONDS": "2",
        "DO_NOT_TRACK": "1",
    }


def _wait_healthy(api: str, server: subprocess.Popen[bytes], timeout: float = 180) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if server.poll() is not None:
            raise RuntimeError(f"el servidor de Prefect terminó (código {server.returncode})")
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("el servidor de Prefect no respondió a tiempo")


async def _run_and_wait(deployment: str, day: date) -> tuple[str, str, list[str]]:
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    flow_run = await run_deployment(
        deployment, parameters={"day_iso": day.isoformat()}, timeout=600
    )
    async with get_client() as client:
        flow_run = await client.read_flow_run(flow_run.id)
        schedules = []
        for name in ("ciclo-diario/ciclo-diario", "entrega-pendiente/entrega-pendiente"):
            found = await client.read_deployment_by_name(name)
            for item in found.schedules:
                schedules.append(f"{name}: {item.schedule.cron} {item.schedule.timezone}")  # type: ignore[union-attr]
    state = flow_run.state.type.value if flow_run.state else "?"
    return str(flow_run.id), f"{state} (worker: {flow_run.work_pool_name})", schedules


def main() -> None:
    reason = postgres_available()
    if reason is not None:
        print(f"distributed-check: PostgreSQL no responde ({reason})")
        raise SystemExit(1)
    folder = ROOT / "var" / "distributed"
    folder.mkdir(parents=True, exist_ok=True)
    prefect_db = f"cumple_chk_prefect_{os.getpid()}"
    pg_execute(f"CREATE DATABASE {prefect_db}")
    processes: list[subprocess.Popen[bytes]] = []
    recorder = Recorder(folder).start()
    try:
        with database("postgresql", folder) as db:
            workbook = folder / "actas.xlsx"
            write_workbook(workbook, 2000)
            env = cumple_env(db, folder / "data", recorder.port)
            loaded = run_cumple(["import", str(workbook)], env)
            if loaded.returncode != 0:
                raise RuntimeError(loaded.stderr)
            api_port = free_port()
            prefect = _prefect_env(folder, api_port, prefect_db)
            env.update(prefect)
            env["CUMPLE_ORCHESTRATION"] = "auto"
            bin_dir = Path(sys.executable).parent
            with (folder / "server.log").open("wb") as server_log:
                server = subprocess.Popen(
                    [str(bin_dir / "prefect"), "server", "start", "--host", "127.0.0.1",
                     "--port", str(api_port), "--no-ui"],
                    env=env, stdout=server_log, stderr=subprocess.STDOUT,
                )  # fmt: skip
            processes.append(server)
            ready = _wait_healthy(prefect["PREFECT_API_URL"], server)
            print(f"servidor Prefect en {prefect['PREFECT_API_URL']} (PostgreSQL "
                  f"{prefect_db}) listo en {ready:.0f} s", flush=True)  # fmt: skip
            deployed = run_cumple(["deploy", "--work-pool", POOL], env)
            print(deployed.stdout.strip(), flush=True)
            if deployed.returncode != 0:
                raise RuntimeError(deployed.stderr)
            with (folder / "worker.log").open("wb") as worker_log:
                worker = subprocess.Popen(
                    [str(bin_dir / "prefect"), "worker", "start", "--pool", POOL,
                     "--type", "process", "--name", "cumple-worker-1"],
                    env=env, stdout=worker_log, stderr=subprocess.STDOUT,
                )  # fmt: skip
            processes.append(worker)
            os.environ.update(prefect)
            started = time.monotonic()
            run_id, state, schedules = asyncio.run(_run_and_wait("ciclo-diario/ciclo-diario", DAY))
            took = time.monotonic() - started
            for line in schedules:
                print(f"horario registrado: {line}")
            engine = db.engine()
            with engine.connect() as connection:
                run = connection.execute(
                    select(CycleRun.orchestrator, CycleRun.messages, CycleRun.sent).where(
                        CycleRun.finished_at.is_not(None)  # type: ignore[union-attr]
                    )
                ).first()
            result = tally("distribuido", engine, recorder.received(), set(), 1, False)
            engine.dispose()
            print(f"ejecución {run_id}: {state} en {took:.0f} s; ciclo registrado: {run}")
            ok = state.startswith("COMPLETED") and run is not None and run[0] == "prefect"
            ok = ok and result.ok and result.messages > 0
            print(
                f"distributed-check: {'bien' if ok else 'FALLA'} — ciclo del {DAY} completado por "
                f"un worker de Prefect contra PostgreSQL; correos={result.messages} "
                f"perdidos={result.lost} duplicados={result.duplicates}"
            )
            if not ok:
                raise SystemExit(1)
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        recorder.stop()
        pg_execute(f"DROP DATABASE IF EXISTS {prefect_db} WITH (FORCE)")


if __name__ == "__main__":
    main()
