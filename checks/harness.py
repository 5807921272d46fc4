"""What the operational checks share: throw-away databases (a SQLite file
or a PostgreSQL database on 127.0.0.1:5432), ``cumple`` commands as real
processes, outbox seeding and the tally of what the recording SMTP server
(:mod:`testbed.processes`) received against what the outbox holds."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine, make_url

from models.db import make_engine
from models.reminders import OutboxMessage
from models.schema import init_database
from notifications.compose import message_id_for
from testbed.throttle import ThrottledResult, run_throttled

ROOT = Path(__file__).resolve().parents[1]
CUMPLE = str(Path(sys.executable).with_name("cumple"))
POSTGRES = os.environ.get(
    "CUMPLE_CHECK_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
MAIL_FROM = "Seguimiento de Compromisos <no-responder@cumple.test>"


def admin_dsn() -> str:
    return make_url(POSTGRES).set(drivername="postgresql").render_as_string(hide_password=False)


def pg_execute(sql: str, *params: object) -> list[tuple[object, ...]]:
    with psycopg.connect(admin_dsn(), autocommit=True) as connection:
        cursor = connection.execute(sql, params or None)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


def postgres_available() -> str | None:
    """``None`` when PostgreSQL answers, else why not."""
    try:
        pg_execute("SELECT 1")
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]
    return None


@dataclass
class Database:
    """One throw-away application database."""

    url: str
    backend: str
    name: str

    def engine(self) -> Engine:
        return make_engine(self.url)


@contextmanager
def database(backend: str, folder: Path, template: str | None = None) -> Iterator[Database]:
    """A migrated database (a copy of ``template`` when given: a SQLite
    file path or a PostgreSQL database name), removed afterwards."""
    name = f"cumple_chk_{uuid.uuid4().hex[:10]}"
    if backend == "sqlite":
        path = folder / f"{name}.db"
        if template:
            import sqlite3

            source, target = sqlite3.connect(template), sqlite3.connect(path)
            source.backup(target)
            source.close()
            target.close()
        url = f"sqlite:///{path}"
        db = Database(url, backend, str(path))
        if not template:
            migrate(url)
        try:
            yield db
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    pg_execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    url = postgres_url(name)
    db = Database(url, backend, name)
    try:
        if not template:
            migrate(url)
        yield db
    finally:
        pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def postgres_url(name: str) -> str:
    return make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)


def migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        init_database(engine)
    finally:
        engine.dispose()


def cumple_env(db: Database, data_dir: Path, smtp_port: int | None, **extra: str) -> dict[str, str]:
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("CUMPLE_", "PREFECT_"))
    }  # fmt: skip
    env.update(
        CUMPLE_DATABASE_URL=db.url,
        CUMPLE_DATA_DIR=str(data_dir),
        CUMPLE_MAIL_FROM=MAIL_FROM,
        CUMPLE_ORCHESTRATION="direct",
        CUMPLE_LOG_FORMAT="json",
        CUMPLE_SMTP_CONCURRENCY="4",
    )
    if smtp_port is not None:
        env.update(CUMPLE_SMTP_HOST="127.0.0.1", CUMPLE_SMTP_PORT=str(smtp_port))
    env.update(extra)
    return env


def start_cumple(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [CUMPLE, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def wait_for_event(process: subprocess.Popen[str], event: str) -> bool:
    """Read the process's JSON logs until ``event`` (``False`` if it ended
    first), then keep draining them in a thread so that the process never
    blocks on a full pipe; :func:`logs_of` returns what it wrote."""
    stream = process.stderr
    assert stream is not None
    lines: list[str] = []
    _LOGS[process.pid] = lines
    found = False
    for line in stream:
        lines.append(line)
        if f'"event": "{event}"' in line:
            found = True
            break
    threading.Thread(target=lambda: lines.extend(stream), daemon=True).start()
    return found


_LOGS: dict[int, list[str]] = {}


def logs_of(process: subprocess.Popen[str]) -> str:
    """What the process wrote on stderr (after :func:`wait_for_event`)."""
    return "".join(_LOGS.get(process.pid, []))


def run_cumple(
    args: list[str], env: dict[str, str], timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CUMPLE, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
        check=False,
    )  # fmt: skip


def enqueue(engine: Engine, count: int, tag: str, now: datetime | None = None) -> None:
    """``count`` digests in the outbox, due at ``now`` (default: the
    current instant), each with its own key and Message-ID."""
    now = now or datetime.now(UTC)
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    body = "Compromisos por vencer en su territorio.\n" * 20
    rows = []
    for index in range(count):
        key = f"check:{tag}:{index}"
        rows.append(
            {
                "key": key, "kind": "digest", "cycle_date": date(2026, 11, 25),
                "recipient": f"persona{index % 997}@cumple.test", "recipient_name": None,
                "subject": f"Compromisos: recordatorio {tag} {index}", "body_text": body,
                "body_html": f"<p>{body}</p>", "message_id": message_id_for(key, MAIL_FROM),
                "status": "pending", "attempts": 0, "next_attempt_at": now, "claimed_by": None,
                "claimed_at": None, "sent_at": None, "last_error": None, "created_at": now,
            }
        )  # fmt: skip
    with engine.begin() as connection:
        for start in range(0, len(rows), 1000):
            connection.execute(insert(table), rows[start : start + 1000])


def outbox_state(engine: Engine) -> tuple[dict[str, str], Counter[str]]:
    """Message-ID → status for every outbox row, and the count per status."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        rows = connection.execute(select(table.c.message_id, table.c.status)).all()
    return {row[0]: row[1] for row in rows}, Counter(row[1] for row in rows)


@dataclass
class Tally:
    """Outbox against server: lost (in the outbox, never received),
    duplicates (received more than once), and which duplicates an
    expected cause explains."""

    scenario: str
    trials: int = 0
    messages: int = 0
    lost: int = 0
    duplicates: int = 0
    unexplained: int = 0
    not_sent: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.unexplained == 0 and self.not_sent == 0


def tally(
    scenario: str,
    engine: Engine,
    received: list[str],
    explained: set[str],
    trials: int,
    allow_duplicates: bool = True,
) -> Tally:
    statuses, _ = outbox_state(engine)
    counts = Counter(received)
    duplicated = {mid for mid, n in counts.items() if n > 1}
    result = Tally(scenario, trials=trials, messages=len(statuses))
    result.lost = sum(1 for mid in statuses if mid not in counts)
    result.duplicates = sum(counts[mid] - 1 for mid in duplicated)
    unexplained = duplicated if not allow_duplicates else duplicated - explained
    result.unexplained = sum(counts[mid] - 1 for mid in unexplained)
    result.not_sent = sum(1 for status in statuses.values() if status != "sent")
    return result


MAX_REFUSED = 0.01
"""Refusals for rate allowed through the throttled relay, per attempt."""


def throttled_relay(backend: str, folder: Path, messages: int) -> tuple[Tally, ThrottledResult]:
    """Scenario 5 on ``backend``: the capped relay, two dispatchers."""
    with database(backend, folder) as db:
        run = run_throttled(folder, db.url, messages=messages)
    result = Tally(
        f"relé con límites ({backend})", trials=run.days, messages=run.messages, lost=run.lost,
        duplicates=run.duplicates, unexplained=run.duplicates, not_sent=run.not_sent,
    )  # fmt: skip
    result.notes.append(
        f"{run.days} días simulados, máximo {run.worst_minute} por minuto, "
        f"{run.refused} rechazos por exceso ({run.refused_ratio:.2%} de los intentos), "
        f"{run.seconds:.0f} s"
    )
    if run.refused_ratio >= MAX_REFUSED:
        result.unexplained += 1  # the ratio fails the scenario
        result.notes.append(f"más de {MAX_REFUSED:.0%} de los intentos rechazados por exceso")
    return result, run
