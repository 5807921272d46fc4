"""Concurrent dispatchers on one outbox, on SQLite and PostgreSQL: a claim
never takes a row another dispatcher already claimed, never waits for
another dispatcher's batch, and 2 or 4 dispatchers at once send every
message exactly once over a real SMTP server."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from config import load_settings
from models.db import make_engine
from models.reminders import OutboxMessage
from notifications.delivery import deliver
from notifications.outbox import (
    MAX_ATTEMPTS,
    backoff,
    claim,
    mark_failed,
    mark_retry,
    mark_sent,
    release_claims_of,
)
from tests.smtp_server import smtp_server

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def enqueue(engine: Engine, count: int, tag: str = "prueba") -> None:
    from checks.harness import enqueue as seed

    seed(engine, count, tag, NOW - timedelta(minutes=1))


@pytest.fixture
def second_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _statuses(engine: Engine) -> dict[int, tuple[str, str | None]]:
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        rows = connection.execute(select(table.c.id, table.c.status, table.c.claimed_by))
        return {row.id: (row.status, row.claimed_by) for row in rows}


def test_a_claim_neither_shares_nor_waits_for_another_batch(
    engine: Engine, second_engine: Engine
) -> None:
    """Dispatcher B has chosen its rows and stops right before marking them;
    dispatcher A claims meanwhile; then B finishes."""
    enqueue(engine, 10)
    chosen, resume = threading.Event(), threading.Event()

    def hold(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE OUTBOX") and not chosen.is_set():
            chosen.set()
            resume.wait(20)

    event.listen(second_engine, "before_cursor_execute", hold)
    got_b: list[int] = []
    got_a: list[int] = []
    b = threading.Thread(
        target=lambda: got_b.extend(m.id for m in claim(second_engine, NOW, "b", 5))
    )
    b.start()
    assert chosen.wait(20)
    a = threading.Thread(target=lambda: got_a.extend(m.id for m in claim(engine, NOW, "a", 5)))
    a.start()
    a.join(5)
    a_waited = a.is_alive()
    resume.set()
    b.join(20)
    a.join(20)
    assert not a_waited, "a claim waited for another dispatcher's batch"
    assert not set(got_a) & set(got_b)
    if engine.dialect.name == "postgresql":
        # B's rows are locked: A skips them and takes the next five.
        assert (sorted(got_a), sorted(got_b)) == ([6, 7, 8, 9, 10], [1, 2, 3, 4, 5])
    else:
        # B had chosen rows but not written: A took them, B's conditional
        # update found them no longer pending, and B chose the next five.
        assert (sorted(got_a), sorted(got_b)) == ([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])
    owners = {i: claimed_by.split(":")[0] for i, (_, claimed_by) in _statuses(engine).items()}
    assert owners == {i: "b" for i in got_b} | {i: "a" for i in got_a}


@pytest.mark.parametrize("dispatchers", [2, 4])
def test_dispatchers_at_once_send_each_message_exactly_once(
    database_url: str, tmp_path: Path, dispatchers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("notifications.delivery.BATCH", 15)  # many claims, much interleaving
    engines = [make_engine(database_url) for _ in range(dispatchers)]
    enqueue(engines[0], 300)
    start = threading.Barrier(dispatchers)
    reports: list[Any] = []
    with smtp_server() as (handler, port):
        settings = load_settings(
            database_url=database_url, data_dir=tmp_path / "var", smtp_host="127.0.0.1",
            smtp_port=port,
        )  # fmt: skip

        def run(index: int) -> None:
            start.wait()
            reports.append(
                asyncio.run(
                    deliver(engines[index], settings, now=NOW, concurrency=2,
                            worker=f"despachador-{index}")
                )
            )  # fmt: skip

        threads = [threading.Thread(target=run, args=(i,)) for i in range(dispatchers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        received = Counter(str(item.message["Message-ID"]) for item in handler.received)
    for engine in engines:
        engine.dispose()
    engine = make_engine(database_url)
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        rows = connection.execute(select(table.c.message_id, table.c.status)).all()
    engine.dispose()
    assert len(reports) == dispatchers
    assert sum(r.sent for r in reports) == 300
    assert {status for _, status in rows} == {"sent"}
    assert sorted(received) == sorted(f"<{mid.strip('<>')}>" for mid, _ in rows)
    assert max(received.values()) == 1, [mid for mid, n in received.items() if n > 1]
    # Work was shared, not done by one dispatcher alone.
    assert sum(1 for r in reports if r.sent) >= 2


def test_outcomes_are_recorded_only_for_the_claimer(engine: Engine) -> None:
    enqueue(engine, 3)
    first, second, third = claim(engine, NOW, "w", 3)
    assert (first.attempts, second.attempts) == (1, 1)
    mark_sent(engine, first, NOW)
    assert mark_retry(engine, second, NOW, "451 ocupado") is True
    mark_failed(engine, third, "550 no existe")
    statuses = _statuses(engine)
    assert [statuses[m.id] for m in (first, second, third)] == [
        ("sent", None), ("pending", None), ("failed", None)
    ]  # fmt: skip
    # A second outcome for a message no longer being sent changes nothing.
    mark_failed(engine, first, "tarde")
    assert _statuses(engine)[first.id] == ("sent", None)
    # The retry waits for its backoff, then is claimed again with one more attempt.
    assert claim(engine, NOW, "w", 3) == []
    again = claim(engine, NOW + backoff(1), "w", 3)
    assert [(m.id, m.attempts) for m in again] == [(second.id, 2)]


def test_backoff_doubles_up_to_an_hour_and_attempts_run_out(engine: Engine) -> None:
    assert [backoff(n) for n in (0, 1, 2, 3, 7, 30)] == [
        timedelta(minutes=1), timedelta(minutes=1), timedelta(minutes=2),
        timedelta(minutes=4), timedelta(hours=1), timedelta(hours=1),
    ]  # fmt: skip
    enqueue(engine, 1)
    (message,) = claim(engine, NOW, "w", 1)
    from dataclasses import replace

    worn = replace(message, attempts=MAX_ATTEMPTS)
    assert mark_retry(engine, worn, NOW, "451 ocupado") is False
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        status, error = connection.execute(
            select(table.c.status, table.c.last_error).where(table.c.id == message.id)
        ).one()
    assert status == "failed" and error == "reintentos agotados; último error: 451 ocupado"


def test_a_failed_delivery_hands_its_claims_back(engine: Engine) -> None:
    enqueue(engine, 4)
    claim(engine, NOW, "host:1:llamada", 2)
    claim(engine, NOW, "host:1:otra", 1)
    assert release_claims_of(engine, "host:1:llamada", NOW) == 2
    statuses = _statuses(engine)
    assert sorted(s for s, _ in statuses.values()) == ["pending", "pending", "pending", "sending"]


def test_worker_names_and_live_processes() -> None:
    import os
    import re

    from notifications.outbox import HOST, _running, worker_name

    assert worker_name("cola") == f"{HOST}:{os.getpid()}:cola"
    assert re.fullmatch(rf"{re.escape(HOST)}:{os.getpid()}:[0-9a-f]{{8}}", worker_name())
    assert worker_name() != worker_name()

    def gone(pid: int, signal: int) -> None:
        raise ProcessLookupError

    def foreign(pid: int, signal: int) -> None:
        raise PermissionError

    assert _running(os.getpid()) is True
    assert (_running(1, gone), _running(1, foreign)) == (False, True)


def test_handing_back_claims_takes_a_worker_name_literally(engine: Engine) -> None:
    """A worker name with LIKE wildcards (_ and %) releases its own claims only."""
    enqueue(engine, 3)
    claim(engine, NOW, "host_1:9:a", 1)
    claim(engine, NOW, "hostX1:9:a", 1)
    claim(engine, NOW, "host%:9:a", 1)
    assert release_claims_of(engine, "host_1:9:a", NOW) == 1
    assert release_claims_of(engine, "host%:9:a", NOW) == 1
    owners = sorted(o for _, o in _statuses(engine).values() if o)
    assert len(owners) == 1 and owners[0].startswith("hostX1:9:a:")


def _rows(engine: Engine) -> dict[int, Any]:
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        return {r.id: r for r in connection.execute(select(table))}


def test_a_claim_reads_back_every_field_in_id_order(engine: Engine) -> None:
    from sqlalchemy import update

    enqueue(engine, 4)
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        # Rewritten rows move to the end of PostgreSQL's heap: only ORDER BY
        # gives the claim its id order back.
        connection.execute(update(table).where(table.c.id <= 2).values(recipient_name="Ana"))
    claimed = claim(engine, NOW, "w", 2)
    assert [m.id for m in claimed] == [1, 2]
    rows = _rows(engine)
    for message in claimed:
        row = rows[message.id]
        assert (message.key, message.kind, message.cycle_date, message.recipient,
                message.recipient_name, message.subject, message.body_text, message.body_html,
                message.message_id, message.attempts, message.attachments) == (
            row.key, row.kind, row.cycle_date, row.recipient, "Ana", row.subject,
            row.body_text, row.body_html, row.message_id, 1, None,
        )  # fmt: skip
        assert (row.status, row.claimed_at) == ("sending", NOW)


def test_retry_now_takes_each_waiting_message_once(engine: Engine) -> None:
    from sqlalchemy import update

    enqueue(engine, 5)
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    later = NOW + timedelta(hours=1)
    with engine.begin() as connection:
        connection.execute(update(table).values(next_attempt_at=later))  # all waiting
        connection.execute(
            update(table).where(table.c.id == 2).values(claimed_at=NOW - timedelta(minutes=5))
        )  # tried before
        connection.execute(update(table).where(table.c.id == 3).values(claimed_at=NOW))  # just now
        connection.execute(
            update(table).where(table.c.id == 4).values(next_attempt_at=NOW, claimed_at=NOW)
        )  # due anyway
        connection.execute(update(table).where(table.c.id == 5).values(next_attempt_at=NOW))
    assert [m.id for m in claim(engine, NOW, "w", 10)] == [4, 5]
    # Handed back (a failed delivery): due now, claimed at this instant.
    assert release_claims_of(engine, "w", NOW) == 2
    assert [m.id for m in claim(engine, NOW, "w", 10, ignore_backoff=True)] == [1, 2, 4, 5]


def test_a_retry_waits_for_its_backoff_unless_retried_now(engine: Engine) -> None:
    enqueue(engine, 1)
    (message,) = claim(engine, NOW, "w", 1)
    mark_retry(engine, message, NOW, "451 ocupado")
    assert claim(engine, NOW + timedelta(seconds=30), "w", 1) == []
    again = claim(engine, NOW + timedelta(seconds=30), "w", 1, ignore_backoff=True)
    assert [m.attempts for m in again] == [2]
    mark_sent(engine, again[0], NOW + timedelta(seconds=31))
    row = _rows(engine)[message.id]
    assert (row.status, row.sent_at, row.last_error, row.claimed_by) == (
        "sent", NOW + timedelta(seconds=31), None, None,
    )  # fmt: skip


def test_expired_and_dead_claims_go_back_counted_and_due_now(engine: Engine) -> None:
    from sqlalchemy import update

    from notifications.outbox import HOST, LEASE, dead_claimers, release_expired

    enqueue(engine, 4)
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(update(table).values(next_attempt_at=NOW - timedelta(hours=1)))
    claim(engine, NOW - LEASE, "otro-host:1:a", 1)  # exactly one lease old: kept
    claim(engine, NOW - LEASE - timedelta(seconds=1), "otro-host:2:a", 1)  # older: released
    dead = f"{HOST}:{_dead_pid()}:a"
    claim(engine, NOW, dead, 2)
    assert release_expired(engine, NOW) == 3
    rows = _rows(engine)
    assert sorted((r.status, r.claimed_by is None) for r in rows.values()) == [
        ("pending", True), ("pending", True), ("pending", True), ("sending", False),
    ]  # fmt: skip
    assert {r.next_attempt_at for r in rows.values() if r.status == "pending"} == {NOW}
    # A malformed token does not hide the dead ones after it.
    tokens = ["", None, "sin-formato", f"{HOST}:x:a:b", f"{HOST}:999999:a:b", f"{HOST}:1:a:b"]
    assert dead_claimers(tokens, HOST, lambda pid: pid == 1) == [f"{HOST}:999999:a:b"]


def _dead_pid() -> int:
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_outbox_list_of_a_status(engine: Engine) -> None:
    from notifications.outbox import by_status, counts

    enqueue(engine, 5)
    claimed = claim(engine, NOW, "w", 3)
    for message in claimed:
        mark_failed(engine, message, "550 no existe")
    assert counts(engine) == {"failed": 3, "pending": 2}
    failed = by_status(engine, "failed", limit=2)
    assert [m.id for m in failed] == [3, 2]  # newest first, at most the limit
    assert [m.id for m in by_status(engine, "pending")] == [5, 4]
    from sqlalchemy import update

    enqueue(engine, 501, "muchos")
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(update(table).values(status="failed"))
    assert len(by_status(engine, "failed")) == 500  # a page by default
