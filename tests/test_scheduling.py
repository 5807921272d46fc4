"""Schedules declared once, run by APScheduler inside ``cumple serve``:
once a day at the local hour, also on the days the clocks change."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import Engine

from config import load_settings
from flows.scheduler import build_scheduler, missed_today
from flows.schedules import schedules
from models.reminders import CycleRun
from tests.smtp_server import free_port


def fire_times(trigger, start: datetime, count: int) -> list[datetime]:  # type: ignore[no-untyped-def]
    times: list[datetime] = []
    previous = None
    now = start
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        times.append(fire)
        previous, now = fire, fire + timedelta(seconds=1)
    return times


@pytest.mark.parametrize(
    ("start", "label"),
    [
        (datetime(2026, 4, 2, 12, tzinfo=UTC), "fin del horario de verano (4-5 abril)"),
        (datetime(2026, 9, 3, 12, tzinfo=UTC), "inicio del horario de verano (6 septiembre)"),
    ],
)
def test_daily_cycle_fires_once_a_day_across_dst(
    database_url: str, tmp_path: Path, start: datetime, label: str
) -> None:
    settings = load_settings(database_url=database_url, data_dir=tmp_path)
    scheduler = build_scheduler(settings)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {s.name for s in schedules(settings)}
    trigger = jobs["ciclo-diario"].trigger
    fires = fire_times(trigger, start, 6)
    local = [f.astimezone(settings.zone) for f in fires]
    assert [f.hour for f in local] == [7] * 6, label
    assert [f.date() for f in local] == [local[0].date() + timedelta(days=i) for i in range(6)], (
        label
    )


def test_schedule_hour_must_avoid_the_dst_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    from config import ConfigError

    monkeypatch.setenv("CUMPLE_CYCLE_TIME", "00:30")
    with pytest.raises(ConfigError, match="01:00"):
        load_settings()


def test_missed_cycle_runs_at_start_up(engine: Engine, database_url: str) -> None:
    settings = load_settings(database_url=database_url)
    # 25 November 2026, 10:00 and 06:00 in Santiago (UTC-3).
    after = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)
    before = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    assert missed_today(engine, settings, after)
    assert not missed_today(engine, settings, before)
    with engine.begin() as connection:
        connection.execute(
            insert(CycleRun.__table__).values(  # type: ignore[attr-defined]
                cycle_date=date(2026, 11, 25), started_at=after, orchestrator="direct"
            )
        )
    assert not missed_today(engine, settings, after)


@pytest.mark.slow
def test_serve_answers_health_and_stores_its_jobs(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CUMPLE_", "PREFECT_API"))}
    env.update({"CUMPLE_DATABASE_URL": database_url, "CUMPLE_DATA_DIR": str(tmp_path / "var")})
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "cumple"), "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    status = r.status
                    break
            except OSError:
                time.sleep(0.3)
        assert status == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        jobs = connection.execute(text("SELECT id FROM apscheduler_jobs ORDER BY id")).scalars()
        assert list(jobs) == ["ciclo-diario", "entrega-pendiente"]
    engine.dispose()
