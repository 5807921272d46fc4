"""Running an installation: claims of dead processes, retry-now, resilient
cycle steps, ``cumple status``, structured logs, backup and restore, the
Prefect deployments made from the declared schedules, and a short run of
the kill -9 fault injection (``make faults`` runs hundreds)."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import random
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

from config import load_settings
from flows.cycle import resilient
from flows.deployments import deployment_specs
from flows.schedules import schedules
from models.reminders import CycleRun, OutboxMessage
from notifications.outbox import HOST, claim, dead_claimers, release_expired, worker_name
from notifications.transports import TemporaryFailure
from operations.backup import BackupError, backup, restore
from operations.logs import JsonFormatter, configure_logging
from operations.status import gather_status, next_runs
from tests.helpers import Cli, row, write_csv

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # 09:00 in Santiago (UTC-3)


def enqueue(engine: Engine, count: int) -> None:
    from checks.harness import enqueue as seed

    seed(engine, count, "prueba", NOW - timedelta(minutes=1))


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_dead_claimers_are_local_processes_that_stopped() -> None:
    alive = {100}
    tokens = [
        f"{HOST}:100:a1:n1",  # running
        f"{HOST}:200:a2:n2",  # stopped
        "otra-maquina:200:a3:n3",  # another host: wait for the lease
        "basura",
        None,
    ]
    assert dead_claimers(tokens, HOST, lambda pid: pid in alive) == [f"{HOST}:200:a2:n2"]


def test_claims_of_a_killed_process_go_back_at_once(engine: Engine) -> None:
    enqueue(engine, 6)
    mine = claim(engine, NOW, worker_name(), 2)
    dead = claim(engine, NOW, f"{HOST}:{dead_pid()}:x", 2)
    elsewhere = claim(engine, NOW, "otra-maquina:1:x", 2)
    assert len(mine) == len(dead) == len(elsewhere) == 2
    assert release_expired(engine, NOW + timedelta(seconds=1)) == 2
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        status = dict(connection.execute(select(table.c.id, table.c.status)).all())
    assert [status[m.id] for m in dead] == ["pending", "pending"]
    assert [status[m.id] for m in mine + elsewhere] == ["sending"] * 4
    # The lease frees the other host's claims, and this process's too.
    assert release_expired(engine, NOW + timedelta(minutes=11)) == 4


class Refusing:
    """A transport whose server is down: every send fails temporarily."""

    tried: ClassVar[list[str]] = []

    async def __aenter__(self) -> Refusing:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def send(self, message: object, *, label: str) -> None:
        Refusing.tried.append(label)
        raise TemporaryFailure("conexión rechazada")


def test_retry_now_tries_each_waiting_message_once(engine: Engine, tmp_path: Path) -> None:
    from notifications.delivery import deliver

    settings = load_settings(database_url="sqlite://", data_dir=tmp_path)
    enqueue(engine, 5)
    first = asyncio.run(deliver(engine, settings, now=NOW, make_transport=Refusing))
    assert first.retrying == 5
    Refusing.tried.clear()
    # Backoff: a plain delivery a second later has nothing due.
    later = NOW + timedelta(seconds=1)
    assert asyncio.run(deliver(engine, settings, now=later, make_transport=Refusing)).retrying == 0
    again = asyncio.run(
        deliver(engine, settings, now=later, make_transport=Refusing, ignore_backoff=True)
    )
    assert again.retrying == 5 and len(Refusing.tried) == 5


def test_resilient_steps_retry_transient_database_errors() -> None:
    calls = {"n": 0}

    def flaky() -> str:
        calls["n"] += 1
        if calls["n"] < 3:
            raise OperationalError("UPDATE", {}, Exception("server closed the connection"))
        return "hecho"

    assert asyncio.run(resilient("prueba", flaky, first_wait=0.01)) == "hecho"
    assert calls["n"] == 3

    def broken() -> None:
        raise ProgrammingError("SELECT", {}, Exception("no such column"))

    with pytest.raises(ProgrammingError):
        asyncio.run(resilient("prueba", broken, first_wait=0.01))

    def always() -> None:
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    with pytest.raises(OperationalError):
        asyncio.run(resilient("prueba", always, attempts=2, first_wait=0.01))


def test_next_runs_follow_the_declared_schedules() -> None:
    settings = load_settings(database_url="sqlite://", cycle_time="07:30")
    runs = {run.name: run.at for run in next_runs(schedules(settings), settings.zone, NOW)}
    assert runs["ciclo-diario"].isoformat() == "2026-11-26T07:30:00-03:00"
    assert runs["entrega-pendiente"].isoformat() == "2026-11-25T09:05:00-03:00"


def test_status_counts_queue_cycles_and_failures(engine: Engine, tmp_path: Path) -> None:
    settings = load_settings(database_url="sqlite://", data_dir=tmp_path)
    enqueue(engine, 4)
    outbox = OutboxMessage.__table__  # type: ignore[attr-defined]
    runs = CycleRun.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(
            update(outbox)
            .where(outbox.c.id == 1)
            .values(status="failed", last_error="550 buzón inexistente")
        )
        connection.execute(
            update(outbox).where(outbox.c.id == 2).values(next_attempt_at=NOW + timedelta(hours=1))
        )
        connection.execute(
            runs.insert(),
            [
                {"cycle_date": date(2026, 11, 23), "started_at": NOW - timedelta(days=2),
                 "finished_at": NOW - timedelta(days=2), "messages": 7, "sent": 7,
                 "orchestrator": "direct"},
                {"cycle_date": date(2026, 11, 24), "started_at": NOW - timedelta(days=1),
                 "finished_at": None, "messages": 0, "sent": 0, "orchestrator": "prefect"},
            ],
        )  # fmt: skip
    status = gather_status(engine, settings, NOW)
    assert status.queue == {"pending": 3, "sending": 0, "sent": 0, "failed": 1}
    assert status.due_now == 2
    assert status.last_success is not None and status.last_success.cycle_date == date(2026, 11, 23)
    assert [run.cycle_date for run in status.interrupted] == [date(2026, 11, 24)]
    assert [(f.id, f.error) for f in status.failed] == [(1, "550 buzón inexistente")]
    assert [run.name for run in status.next_runs] == ["entrega-pendiente", "ciclo-diario"]


def test_status_deliver_and_logs_from_the_command_line(tmp_path: Path) -> None:
    cli = Cli(tmp_path, f"sqlite:///{tmp_path / 'var' / 'cumple.db'}")
    assert cli("init").returncode == 0
    assert cli("import", str(write_csv(tmp_path / "a.csv", [row()]))).returncode == 0
    run = cli("run", "--date", "2026-09-21")
    assert run.returncode == 0, run.stderr
    events = [json.loads(line) for line in run.stderr.splitlines()]
    assert [e["event"] for e in events if e["logger"] == "cumple.cycle"] == [
        "ciclo iniciado",
        "ciclo terminado",
    ]
    finished = next(e for e in events if e["event"] == "ciclo terminado")
    assert finished["day"] == "2026-09-21" and finished["sent"] == finished["messages"] > 0
    text = cli("status")
    assert text.returncode == 0, text.stderr
    assert "Cola de salida: 0 pendientes" in text.stdout
    assert "Último ciclo exitoso: 21 de septiembre de 2026" in text.stdout
    assert "ciclo-diario" in text.stdout and "entrega-pendiente" in text.stdout
    data = cli.json("status")[0]
    assert data["ultimo_ciclo_exitoso"]["fecha"] == "2026-09-21"  # type: ignore[index]
    delivered = cli("deliver", "--retry-now", env={"CUMPLE_LOG_FORMAT": "text"})
    assert delivered.returncode == 0
    assert "Entrega: 0 correos enviados, 0 en reintento, 0 fallidos." in delivered.stdout
    assert "entrega terminada" in delivered.stderr and "{" not in delivered.stderr


def test_json_log_lines_carry_their_fields() -> None:
    stream = io.StringIO()
    configure_logging("json", "INFO", stream)
    logging.getLogger("cumple.prueba").info("correo enviado", extra={"outbox_id": 7, "ñ": "sí"})
    logging.getLogger("cumple.prueba").debug("no se ve")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["event"] == "correo enviado" and data["outbox_id"] == 7 and data["ñ"] == "sí"
    assert data["level"] == "info" and data["logger"] == "cumple.prueba"
    record = logging.LogRecord("cumple", logging.ERROR, __file__, 1, "falló", (), None)
    assert "falló" in JsonFormatter().format(record)


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as a person's stderr does."""

    def isatty(self) -> bool:
        return True


def test_logs_follow_who_reads_them() -> None:
    terminal, pipe, asked = Terminal(), io.StringIO(), Terminal()
    configure_logging("auto", "INFO", terminal)
    logging.getLogger("cumple.prueba").warning(
        "ciclo terminado", extra={"day": "2026-09-21", "orchestrator": "direct", "sent": 1}
    )
    configure_logging("auto", "INFO", pipe)
    logging.getLogger("cumple.prueba").info("entrega iniciada", extra={"worker": "w"})
    configure_logging("json", "INFO", asked)
    logging.getLogger("cumple.prueba").info("entrega iniciada", extra={"worker": "w"})
    [line] = terminal.getvalue().splitlines()
    assert (
        line[8:] == " atención ciclo terminado (fecha=2026-09-21, orquestador=directo, enviados=1)"
    )
    assert json.loads(pipe.getvalue())["worker"] == "w"
    assert json.loads(asked.getvalue())["event"] == "entrega iniciada"


def commitment_text(engine: Engine) -> str:
    from models.commitments import Commitment

    with engine.connect() as connection:
        return str(connection.execute(select(Commitment.text)).scalar_one())


def test_backup_and_restore(database_url: str, engine: Engine, tmp_path: Path) -> None:
    from importer import import_file
    from models.commitments import Commitment

    import_file(engine, write_csv(tmp_path / "a.csv", [row()]), actor="prueba")
    engine.dispose()
    made = backup(database_url, tmp_path / "respaldo")
    assert made.size > 0
    with pytest.raises(BackupError, match="ya existe"):
        backup(database_url, tmp_path / "respaldo")
    with engine.begin() as connection:
        connection.execute(update(Commitment.__table__).values(text="cambiado después"))  # type: ignore[attr-defined]
    engine.dispose()
    restore(database_url, made.path)
    assert commitment_text(engine).startswith("Transferir $15.000.000")
    engine.dispose()
    garbage = tmp_path / "basura.db"
    garbage.write_bytes(b"esto no es un respaldo" * 100)
    with pytest.raises(BackupError):
        restore(database_url, garbage)
    assert commitment_text(engine).startswith("Transferir $15.000.000")


def test_backup_and_restore_commands(tmp_path: Path) -> None:
    cli = Cli(tmp_path, f"sqlite:///{tmp_path / 'var' / 'cumple.db'}")
    assert cli("init").returncode == 0
    assert cli("import", str(write_csv(tmp_path / "a.csv", [row()]))).returncode == 0
    made = cli("backup", "--out", str(tmp_path / "copia.db"))
    assert made.returncode == 0 and "Respaldo listo" in made.stdout, made.stderr
    refused = cli("restore", str(tmp_path / "copia.db"))
    assert refused.returncode == 1 and "--yes" in refused.stderr
    missing = cli("restore", str(tmp_path / "no-existe.db"), "--yes")
    assert missing.returncode == 1 and "no existe el respaldo" in missing.stderr
    restored = cli("restore", str(tmp_path / "copia.db"), "--yes")
    assert restored.returncode == 0 and "restaurada" in restored.stdout
    assert cli.json("commitments", "list")[0]["monto"] == 15_000_000


def test_deploy_needs_a_prefect_server(tmp_path: Path) -> None:
    cli = Cli(tmp_path, f"sqlite:///{tmp_path / 'var' / 'cumple.db'}")
    assert cli("init").returncode == 0
    result = cli("deploy", env={"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": ""})
    assert result.returncode == 1 and "PREFECT_API_URL" in result.stderr


def test_deployments_are_the_declared_schedules() -> None:
    settings = load_settings(database_url="sqlite://", cycle_time="06:15")
    specs = deployment_specs(settings)
    assert [(s.name, s.cron, s.timezone) for s in specs] == [
        (s.name, s.cron, "America/Santiago") for s in schedules(settings)
    ]
    assert specs[0].cron == "15 6 * * *"
    for spec in specs:
        module, name = spec.flow.split(":")
        flow = getattr(__import__(module, fromlist=[name]), name)
        assert flow.name == spec.name  # the flow carries the schedule's name


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_kill_9_while_sending_loses_nothing(tmp_path: Path, backend: str) -> None:
    from checks.faults import kill_trials
    from checks.harness import postgres_available

    if backend == "postgresql" and (reason := postgres_available()) is not None:
        pytest.skip(f"PostgreSQL no responde: {reason}")
    (tmp_path / "data").mkdir()
    result = kill_trials(backend, 4, tmp_path, random.Random(os.getpid()))
    assert result.messages >= 300 and result.trials >= 1
    assert result.lost == 0 and result.unexplained == 0 and result.not_sent == 0, result


def test_figures_cache_expires_and_clears() -> None:
    from web.cache import FiguresCache

    now = [100.0]
    calls: list[int] = []
    cache: FiguresCache[int] = FiguresCache(ttl=60, clock=lambda: now[0])

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cache.get("a", compute)[0] == 1
    now[0] += 59
    assert cache.get("a", compute)[0] == 1  # still fresh
    assert cache.get("b", compute)[0] == 2  # another scope or day
    now[0] += 2
    assert cache.get("a", compute)[0] == 3  # older than the TTL
    cache.clear()
    assert cache.get("a", compute)[0] == 4
