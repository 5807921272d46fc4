"""The mail provider's limits, against a real relay on loopback (aiosmtpd)
that enforces a per-minute cap and a daily quota and answers 421/452 as
Microsoft 365 and Google Workspace do. Time runs 600 times faster (an
injected :class:`Clock` shared by the relay and the dispatchers): a minute
lasts 0.1 s, so no test sleeps for real minutes."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from config import load_settings
from models.db import make_engine
from models.reminders import OutboxMessage
from models.smtp_limits import SmtpLimitState
from notifications.delivery import deliver
from notifications.limits import Caps, Clock, allowance, classify, ensure_state, read_state
from operations.status import gather_status
from testbed.smtp_recorder import CappedRelay
from tests.helpers import Cli
from tests.smtp_server import free_port

NOW = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)  # 10:00 in Santiago
SCALE = 600.0
OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]
STATE = SmtpLimitState.__table__  # type: ignore[attr-defined]


def enqueue(engine: Engine, count: int, tag: str, kind: str = "digest") -> None:
    from checks.harness import enqueue as seed

    seed(engine, count, tag, NOW - timedelta(minutes=1))
    if kind != "digest":
        with engine.begin() as connection:
            connection.execute(
                update(OUTBOX).where(OUTBOX.c.key.startswith(f"check:{tag}:")).values(kind=kind)
            )


@contextmanager
def relay(clock: Clock, **caps: int | None) -> Iterator[tuple[CappedRelay, int]]:
    handler = CappedRelay(clock.now, **caps)  # type: ignore[arg-type]
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def settings_for(tmp_path: Path, url: str, port: int, **extra: object):  # type: ignore[no-untyped-def]
    return load_settings(
        database_url=url, data_dir=tmp_path, smtp_host="127.0.0.1", smtp_port=port, **extra
    )


def rows(engine: Engine) -> list[tuple[str, str, int]]:
    with engine.connect() as connection:
        result = connection.execute(
            select(OUTBOX.c.message_id, OUTBOX.c.status, OUTBOX.c.attempts).order_by(OUTBOX.c.id)
        )
        return [(row.message_id, row.status, row.attempts) for row in result]


def run(engine: Engine, settings: object, clock: Clock, worker: str | None = None) -> object:
    return asyncio.run(
        deliver(engine, settings, now=clock.start, clock=clock, worker=worker)  # type: ignore[arg-type]
    )


def test_caps_hold_and_the_quota_leaves_the_rest_queued_for_the_next_day(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    enqueue(engine, 80, "cuota")
    clock = Clock(NOW, SCALE)
    with relay(clock, per_minute=20, daily=None) as (server, port):
        settings = settings_for(
            tmp_path, database_url, port, smtp_rate_per_minute=20, smtp_daily_quota=50
        )
        report = run(engine, settings, clock)
        assert report.sent == 50  # type: ignore[attr-defined]
        assert server.worst_minute <= 20
        assert server.refused == 0
        left = [row for row in rows(engine) if row[1] == "pending"]
        assert len(left) == 30 and all(attempts == 0 for _, _, attempts in left)

        status = gather_status(engine, settings, clock.now())
        assert status.mail_limits is not None
        assert status.mail_limits.used_today == 50
        assert status.mail_limits.daily_quota == 50
        assert status.mail_limits.waiting == 30

        tomorrow = Clock(NOW + timedelta(days=1), SCALE)
        server.clock = tomorrow.now
        assert run(engine, settings, tomorrow).sent == 30  # type: ignore[attr-defined]
    everything = rows(engine)
    assert Counter(server.accepted) == Counter(message_id for message_id, _, _ in everything)
    assert {status for _, status, _ in everything} == {"sent"}


def test_packages_go_before_routine_reminders_when_the_quota_is_short(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    enqueue(engine, 10, "rutina")
    enqueue(engine, 3, "paquete", kind="package")
    clock = Clock(NOW, SCALE)
    with relay(clock) as (server, port):
        settings = settings_for(tmp_path, database_url, port, smtp_daily_quota=4)
        run(engine, settings, clock)
    with engine.connect() as connection:
        sent = connection.execute(
            select(OUTBOX.c.kind, OUTBOX.c.key).where(OUTBOX.c.status == "sent")
        ).all()
    assert sorted(kind for kind, _ in sent) == ["digest", "package", "package", "package"]
    assert "check:rutina:0" in {key for _, key in sent}  # then the oldest routine one
    assert len(server.accepted) == 4


def test_a_421_throttles_every_dispatcher_and_the_rate_recovers(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    enqueue(engine, 40, "rafaga")
    clock = Clock(NOW, SCALE)
    with relay(clock, per_minute=10) as (server, port):
        settings = settings_for(tmp_path, database_url, port)  # no cap configured
        report = run(engine, settings, clock)
    assert report.sent == 40  # type: ignore[attr-defined]
    assert report.deferred >= 1  # type: ignore[attr-defined]
    assert server.refused <= 4, " ".join(
        f"{(a - NOW).total_seconds():.0f}{w}" for a, w in server.events
    )
    assert server.worst_minute <= 10
    assert sorted(server.accepted) == sorted(message_id for message_id, _, _ in rows(engine))
    # A message put back after "too many" was not counted as an attempt.
    assert {attempts for _, _, attempts in rows(engine)} == {1}
    with engine.connect() as connection:
        state = read_state(connection)
    # The server's own limit, named in its reply (or one step up from it if
    # the delivery outlasted the quiet period after the last refusal).
    assert state.rate in (10, 13)
    assert state.refusals == server.refused
    assert state.last_reply is not None and "limit 10 per minute" in state.last_reply

    caps = Caps.of(settings)
    refused_at = NOW + timedelta(hours=1)
    with engine.begin() as connection:
        # The server named 10 a minute: no probing above it for a day.
        connection.execute(
            update(STATE).values(rate=10, last_refusal_at=refused_at, last_raise_at=None)
        )
    with engine.begin() as connection:
        assert allowance(connection, caps, refused_at + timedelta(minutes=20)).count == 10
    with engine.begin() as connection:
        # A refusal that named no limit: the rate climbs back after a quiet.
        connection.execute(update(STATE).values(server_rate=None))
    with engine.begin() as connection:
        assert allowance(connection, caps, refused_at + timedelta(minutes=4)).count == 10
    with engine.begin() as connection:
        assert allowance(connection, caps, refused_at + timedelta(minutes=6)).count == 13
    with engine.begin() as connection:
        # Not again within the same minute: one step per quiet minute.
        assert (
            allowance(connection, caps, refused_at + timedelta(minutes=6, seconds=30)).count == 13
        )
    with engine.begin() as connection:
        allowance(connection, caps, refused_at + timedelta(minutes=40))
        assert read_state(connection).rate is None  # released after a long quiet


def test_two_dispatchers_share_the_caps(engine: Engine, database_url: str, tmp_path: Path) -> None:
    enqueue(engine, 60, "dos")
    clock = Clock(NOW, SCALE)
    ensure_state(engine)
    reports: list[object] = []
    with relay(clock, per_minute=15) as (server, port):
        settings = settings_for(tmp_path, database_url, port, smtp_rate_per_minute=15)

        def dispatcher(name: str) -> None:
            own = make_engine(database_url)
            try:
                reports.append(run(own, settings, clock, worker=name))
            finally:
                own.dispose()

        threads = [threading.Thread(target=dispatcher, args=(f"d{i}",)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sum(report.sent for report in reports) == 60  # type: ignore[attr-defined]
    assert all(report.sent > 0 for report in reports)  # type: ignore[attr-defined]
    assert server.worst_minute <= 15 and server.refused == 0
    assert Counter(server.accepted).most_common(1)[0][1] == 1
    assert len(server.accepted) == 60


def test_a_server_refusal_names_its_wait_and_its_limit() -> None:
    refusal = classify(
        421, "4.7.0 Too many messages (limit 30 per minute), try again in 45 seconds", burst=False
    )
    assert refusal is not None
    assert refusal.retry_after == timedelta(seconds=45) and refusal.per_minute == 30
    daily = classify(452, "4.5.3 Daily user sending quota exceeded", burst=False)
    assert daily is not None and daily.daily
    assert classify(421, "Service not available", burst=False) is None
    assert classify(421, "Service not available", burst=True) is not None
    assert classify(450, "mailbox busy, too many", burst=True) is None


@pytest.mark.parametrize("quota", [None, 3])
def test_status_prints_the_figures_in_spanish(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path, quota: int | None
) -> None:
    enqueue(sqlite_engine, 5, "estado")
    clock = Clock(datetime.now(UTC), SCALE)
    with relay(clock) as (_, port):
        settings = settings_for(
            tmp_path, sqlite_url, port, smtp_rate_per_minute=30, smtp_daily_quota=quota
        )
        run(sqlite_engine, settings, clock)
    env = {"CUMPLE_SMTP_RATE_PER_MINUTE": "30"}
    if quota:
        env["CUMPLE_SMTP_DAILY_QUOTA"] = str(quota)
    cli = Cli(tmp_path, sqlite_url)
    cli.env.update(env)
    result = cli("status")
    figures = cli.json("status")[0]["limites_smtp"]
    assert result.returncode == 0, result.stderr
    assert "tope de 30 correos por minuto" in result.stdout
    if quota:
        assert "3 correos entregados hoy de una cuota diaria de 3" in result.stdout
        assert "2 correos esperan por los límites del proveedor." in result.stdout
    else:
        assert "5 correos entregados hoy; tope" in result.stdout
        assert "esperan por los límites" not in result.stdout
    assert isinstance(figures, dict)
    assert (figures["enviados_hoy"], figures["cuota_diaria"]) == (5 if quota is None else 3, quota)
    assert (figures["tope_por_minuto"], figures["tasa_actual_por_minuto"]) == (30, 30)
    assert figures["en_espera_por_limites"] == (0 if quota is None else 2)
