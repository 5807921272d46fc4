"""Fault injection: ``make faults``. Real processes, a real SMTP server in
its own process, real SQLite and PostgreSQL. Scenarios:

1. kill -9 of ``cumple deliver`` at a random point while it sends, then a
   restart, many times, on SQLite and on PostgreSQL;
2. the SMTP server down, then killed in the middle of a delivery, then back;
3. two and four dispatchers at once on PostgreSQL (and two on SQLite);
4. the database connections dropped (PostgreSQL) or the database locked
   (SQLite, PostgreSQL) in the middle of ``cumple run``;
5. a relay that caps messages per minute and per day and answers 421/452
   (``testbed.throttled``): two dispatchers, several simulated days, time
   scaled so that it takes well under two minutes.

Every message in the outbox must reach the server (lost=0). A message may
reach it twice only when the sender died (or the server died) after the
server took it and before the outbox recorded it; such duplicates carry
the same Message-ID and are counted as *explained*; any other duplicate
fails the check. Through the throttled relay nothing may be lost or
duplicated and fewer than 1% of attempts may be refused for rate. The last
line is ``faults: trials=N messages=M lost=L duplicates=D
throttled_lost=… throttled_duplicates=… throttled_refused_ratio=…``.

    python -m checks.faults [--kill-trials 200] [--pg-kill-trials 50] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import shutil
import signal
import sqlite3
import threading
import time
from datetime import date
from pathlib import Path

import psycopg
from sqlalchemy import select
from sqlalchemy.engine import make_url

from checks.harness import (
    ROOT,
    Database,
    Tally,
    cumple_env,
    database,
    enqueue,
    logs_of,
    migrate,
    outbox_state,
    pg_execute,
    postgres_available,
    postgres_url,
    run_cumple,
    start_cumple,
    tally,
    throttled_relay,
    wait_for_event,
)
from importer import import_file
from models.db import make_engine
from models.reminders import CycleRun, OutboxMessage
from notifications.outbox import HOST
from testbed.processes import Recorder
from testbed.throttle import ThrottledResult
from testbed.workbook import write_workbook

TOP_UP = 300
CYCLE_DAY = date(2026, 11, 24)


def kill_trials(backend: str, trials: int, folder: Path, rng: random.Random) -> Tally:
    """Start ``cumple deliver``, wait until it starts sending, kill -9 it
    after a random delay, look at what it left in flight, start again."""
    recorder = Recorder(folder).start()
    explained: set[str] = set()
    kills = 0
    with database(backend, folder) as db:
        engine = db.engine()
        env = cumple_env(db, folder / "data", recorder.port)
        batch = 0
        try:
            for _ in range(trials):
                _, by_status = outbox_state(engine)
                if by_status["pending"] < TOP_UP:
                    batch += 1
                    enqueue(engine, TOP_UP, f"{backend}-kill-{batch}")
                process = start_cumple(["deliver"], env)
                if not wait_for_event(process, "entrega iniciada"):
                    raise RuntimeError(f"cumple deliver terminó antes de empezar: {process.wait()}")
                time.sleep(rng.uniform(0.0, 0.3))
                alive = process.poll() is None
                process.send_signal(signal.SIGKILL)
                process.wait()
                kills += alive
                explained |= _accepted_in_flight(engine, process.pid, set(recorder.received()))
            final = run_cumple(["deliver"], env)
            if final.returncode != 0:
                raise RuntimeError(f"la entrega final falló: {final.stderr[-2000:]}")
            result = tally(f"kill -9 ({backend})", engine, recorder.received(), explained, kills)
        finally:
            engine.dispose()
            recorder.stop()
    result.notes.append(f"{len(explained)} aceptados por el servidor justo antes del kill")
    return result


def _accepted_in_flight(engine: object, pid: int, received: set[str]) -> set[str]:
    """Messages the killed process had claimed (still ``sending`` under its
    pid) that the server had already taken: the only ones that may arrive
    twice."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:  # type: ignore[attr-defined]
        in_flight = connection.execute(
            select(table.c.message_id).where(
                table.c.status == "sending", table.c.claimed_by.startswith(f"{HOST}:{pid}:")
            )
        ).scalars()
        return {mid for mid in in_flight if mid in received}


def smtp_outage(folder: Path, rng: random.Random) -> Tally:
    """Down from the start; back; killed mid-delivery; back again."""
    recorder = Recorder(folder)
    explained: set[str] = set()
    with database("sqlite", folder) as db:
        engine = db.engine()
        enqueue(engine, 1500, "outage")
        env = cumple_env(db, folder / "data", recorder.port)
        try:
            down = run_cumple(["deliver"], env)
            _, by_status = outbox_state(engine)
            if by_status["sent"] or not by_status["pending"]:
                raise RuntimeError(f"con el servidor caído no debía salir nada: {by_status}")
            recorder.start()
            run_cumple(["deliver"], env)  # backoff: nothing is due yet
            _, after_wait = outbox_state(engine)
            process = start_cumple(["deliver", "--retry-now"], env)
            wait_for_event(process, "entrega iniciada")
            time.sleep(rng.uniform(0.3, 0.8))
            before_kill = set(recorder.received())
            recorder.kill()
            process.wait()
            # A message the server logged without its sender hearing the
            # 250 is resent: the server died between taking and answering.
            statuses, _ = outbox_state(engine)
            explained |= {mid for mid in before_kill if statuses.get(mid) != "sent"}
            time.sleep(1.0)
            recorder.start()
            final = run_cumple(["deliver", "--retry-now"], env)
            if final.returncode != 0:
                raise RuntimeError(final.stderr[-2000:])
            result = tally("SMTP caído y de vuelta", engine, recorder.received(), explained, 3)
        finally:
            engine.dispose()
            recorder.stop()
    result.notes.append(
        f"caído: {down.stdout.strip()} | antes del plazo de reintento: "
        f"{after_wait['sent']} enviados | final: {final.stdout.strip()}"
    )
    return result


def concurrent_dispatchers(backend: str, workers: int, folder: Path) -> Tally:
    """``workers`` dispatchers started together on one outbox."""
    recorder = Recorder(folder).start()
    with database(backend, folder) as db:
        engine = db.engine()
        enqueue(engine, 4000, f"{backend}-{workers}")
        env = cumple_env(db, folder / "data", recorder.port)
        try:
            processes = [start_cumple(["deliver"], env) for _ in range(workers)]
            outputs = [process.communicate(timeout=600) for process in processes]
            if any(process.returncode for process in processes):
                raise RuntimeError(
                    "un despachador falló: " + " ".join(o[1][-500:] for o in outputs)
                )
            result = tally(
                f"{workers} despachadores ({backend})", engine, recorder.received(), set(), 1,
                allow_duplicates=False,
            )  # fmt: skip
            result.notes.append(" / ".join(o[0].strip() for o in outputs))
        finally:
            engine.dispose()
            recorder.stop()
    return result


def _cycle_template(backend: str, folder: Path, workbook: Path) -> str:
    """A database holding the synthetic actas (a file or a database name)."""
    if backend == "sqlite":
        target = folder / "cycle-template.db"
        if not target.exists():
            with database("sqlite", folder) as db:
                engine = db.engine()
                import_file(engine, workbook, actor="faults")
                engine.dispose()
                source = sqlite3.connect(db.name)
                copy = sqlite3.connect(target)
                source.backup(copy)
                source.close()
                copy.close()
        return str(target)
    name = f"cumple_chk_tpl_{random.getrandbits(32):08x}"
    pg_execute(f"CREATE DATABASE {name}")
    migrate(postgres_url(name))
    engine = make_engine(postgres_url(name))
    import_file(engine, workbook, actor="faults")
    engine.dispose()
    return name


def _outbox_rows(engine: object) -> set[tuple[str, str, str]]:
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:  # type: ignore[attr-defined]
        rows = connection.execute(select(table.c.key, table.c.recipient, table.c.subject)).all()
    return {(row[0], row[1], row[2]) for row in rows}


def _inject(db: Database, fault: str, delay: float, hits: list[int]) -> None:
    time.sleep(delay)
    if fault == "drop":
        rows = pg_execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            db.name,
        )
        hits.append(int(rows[0][0]))  # type: ignore[call-overload]
    elif fault == "lock" and db.backend == "sqlite":
        connection = sqlite3.connect(db.name, isolation_level=None, timeout=30)
        connection.execute("BEGIN EXCLUSIVE")
        time.sleep(3.0)
        connection.execute("COMMIT")
        connection.close()
        hits.append(1)
    else:
        dsn = make_url(db.url).set(drivername="postgresql").render_as_string(False)
        try:
            with psycopg.connect(dsn) as connection:
                connection.execute(
                    "LOCK TABLE outbox, reminder, commitment IN ACCESS EXCLUSIVE MODE"
                )
                time.sleep(3.0)
        except psycopg.errors.DeadlockDetected:
            # The server broke a deadlock between the lock and the cycle by
            # aborting one of them: a fault the cycle must survive too.
            pass
        hits.append(1)


def database_faults(
    backend: str, fault: str, trials: int, folder: Path, template: str, rng: random.Random
) -> Tally:
    """``cumple run`` with the fault injected at random moments; each run
    must finish by itself (exit 0) with the same outbox as a clean run,
    every message delivered."""
    recorder = Recorder(folder).start()
    totals = Tally(f"{'conexión cortada' if fault == 'drop' else 'base bloqueada'} ({backend})")
    args = ["run", "--date", CYCLE_DAY.isoformat()]
    try:
        with database(backend, folder, template) as clean:
            engine = clean.engine()
            reference = run_cumple(args, cumple_env(clean, folder / "data", recorder.port))
            if reference.returncode != 0:
                raise RuntimeError(reference.stderr[-2000:])
            expected = _outbox_rows(engine)
            engine.dispose()
        totals.notes.append(f"ciclo de referencia: {len(expected)} correos")
        hits: list[int] = []
        for _ in range(trials):
            with database(backend, folder, template) as db:
                first = len(recorder.received())
                process = start_cumple(args, cumple_env(db, folder / "data", recorder.port))
                wait_for_event(process, "ciclo iniciado")
                injector = threading.Thread(
                    target=_inject, args=(db, fault, rng.uniform(0.05, 1.5), hits)
                )
                injector.start()
                process.wait(timeout=600)
                injector.join()
                time.sleep(0.2)  # the drain thread reads the last lines
                err = logs_of(process)
                engine = db.engine()
                with engine.connect() as connection:
                    finished = connection.execute(
                        select(CycleRun.finished_at).where(CycleRun.finished_at.is_not(None))  # type: ignore[union-attr]
                    ).first()
                received = recorder.received()[first:]
                retried = err.count("paso interrumpido") + err.count("reclamos devueltos")
                result = tally(totals.scenario, engine, received, set(received), 1)
                if process.returncode != 0 or finished is None or _outbox_rows(engine) != expected:
                    result.not_sent += 1
                    totals.notes.append(
                        f"ciclo no reanudado (código {process.returncode}): {err[-800:]}"
                    )
                # A drop while sending may leave a message taken by the
                # server and not recorded: at most one per connection.
                if result.duplicates > 4 * max(retried, 0):
                    result.unexplained = result.duplicates
                engine.dispose()
                for name in ("trials", "messages", "lost", "duplicates", "unexplained", "not_sent"):
                    setattr(totals, name, getattr(totals, name) + getattr(result, name))
        totals.notes.append(f"fallas que alcanzaron al ciclo: {sum(1 for h in hits if h)}/{trials}")
    finally:
        recorder.stop()
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kill-trials", type=int, default=200, help="kill -9 en SQLite")
    parser.add_argument("--pg-kill-trials", type=int, default=50, help="kill -9 en PostgreSQL")
    parser.add_argument("--db-trials", type=int, default=5, help="fallas de base de datos por tipo")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    folder = ROOT / "var" / "faults"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "data").mkdir(parents=True)
    pg_reason = postgres_available()
    results: list[Tally] = []
    started = time.monotonic()

    def report(result: Tally) -> None:
        results.append(result)
        verdict = "bien" if result.ok else "FALLA"
        print(
            f"[{time.monotonic() - started:6.0f} s] {result.scenario}: ensayos={result.trials} "
            f"correos={result.messages} perdidos={result.lost} duplicados={result.duplicates} "
            f"(sin explicar {result.unexplained}) sin enviar={result.not_sent} — {verdict}",
            flush=True,
        )
        for note in result.notes:
            print(f"    {note}", flush=True)

    report(kill_trials("sqlite", args.kill_trials, folder, rng))
    report(smtp_outage(folder, rng))
    report(concurrent_dispatchers("sqlite", 2, folder))
    workbook = folder / "actas.xlsx"
    write_workbook(workbook, 2500)
    report(database_faults("sqlite", "lock", args.db_trials, folder,
                           _cycle_template("sqlite", folder, workbook), rng))  # fmt: skip
    throttled: list[ThrottledResult] = []
    for backend, count in (("sqlite", 3000), ("postgresql", 1500)):
        if backend == "postgresql" and pg_reason is not None:
            continue
        tally_of, run = throttled_relay(backend, folder, count)
        report(tally_of)
        throttled.append(run)
    if pg_reason is None:
        report(kill_trials("postgresql", args.pg_kill_trials, folder, rng))
        report(concurrent_dispatchers("postgresql", 2, folder))
        report(concurrent_dispatchers("postgresql", 4, folder))
        template = _cycle_template("postgresql", folder, workbook)
        try:
            report(database_faults("postgresql", "drop", args.db_trials, folder, template, rng))
            report(database_faults("postgresql", "lock", args.db_trials, folder, template, rng))
        finally:
            pg_execute(f"DROP DATABASE IF EXISTS {template} WITH (FORCE)")
    else:
        print(f"PostgreSQL no responde ({pg_reason}): se omitieron sus escenarios", flush=True)
    kills = sum(r.trials for r in results if r.scenario.startswith("kill"))
    messages = sum(r.messages for r in results)
    lost = sum(r.lost for r in results)
    duplicates = sum(r.duplicates for r in results)
    failed = [r.scenario for r in results if not r.ok]
    if failed or pg_reason is not None:
        print(f"escenarios con falla: {', '.join(failed) or 'PostgreSQL omitido'}")
    refused = sum(run.refused for run in throttled)
    attempts = sum(run.refused + run.accepted for run in throttled)
    print(
        f"faults: trials={kills} messages={messages} lost={lost} duplicates={duplicates} "
        f"throttled_lost={sum(run.lost for run in throttled)} "
        f"throttled_duplicates={sum(run.duplicates for run in throttled)} "
        f"throttled_refused_ratio={refused / attempts if attempts else 0.0:.4f}"
    )
    raise SystemExit(1 if failed or pg_reason is not None else 0)


if __name__ == "__main__":
    main()
